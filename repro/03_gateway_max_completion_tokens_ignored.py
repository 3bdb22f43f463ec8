"""POST /v1/chat/completions ignores max_completion_tokens when the body also has
"max_tokens": null (as clients that write every key do): _max_tokens reads
data.get("max_tokens", data.get("max_completion_tokens")), so a present null
max_tokens hides max_completion_tokens -- neither its value is used (the reply is
not cut to it) nor is it checked (0 or -5 is accepted).

Expected: max_completion_tokens=1 limits the reply to 1 token, as it does without the
null key; max_completion_tokens=0 is a 422 as max_tokens=0 is.
Starts its own server (python -m julep serve --port 0). Exits 1 on the defect.
"""
import json
import subprocess
import sys
import urllib.error
import urllib.request

proc = subprocess.Popen(
    [sys.executable, "-m", "julep", "serve", "--port", "0"],
    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
)
try:
    url = None
    for _ in range(20):
        line = proc.stdout.readline()
        if "http://" in line:
            url = line.split("http://", 1)[1].split("/api")[0]
            break
    assert url, "server did not start"

    def post(body: dict) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"http://{url}/v1/chat/completions",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    messages = [{"role": "user", "content": "tell me a long story about trams"}]
    alone = post({"messages": messages, "max_completion_tokens": 1})
    with_null = post({"messages": messages, "max_tokens": None, "max_completion_tokens": 1})
    zero = post({"messages": messages, "max_tokens": None, "max_completion_tokens": 0})
    print("alone:    ", alone[0], alone[1].get("usage"))
    print("with null:", with_null[0], with_null[1].get("usage"))
    print("zero:     ", zero[0], zero[1].get("detail") or zero[1].get("usage"))
    bad = with_null[1].get("usage") != alone[1].get("usage") or zero[0] != 422
finally:
    proc.terminate()
    proc.wait(10)
sys.exit(1 if bad else 0)
