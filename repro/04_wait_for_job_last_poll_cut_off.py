"""wait_for_job on a job that answers every poll at once ("in_progress") still ends with
"gave no status within wait_for_job's ...s" when the deadline falls just after a poll
would be sent: 9c67d48 skips the last poll only when the time left is <= the next
interval; with a few milliseconds more than that, the poll is sent with those few
milliseconds, cut off, and the error blames the job for giving no status, although
every poll was answered (the message tests/hostile/test_deadlines.py::
test_wait_for_job_on_a_job_still_running_says_so expects is "job ... is still
in_progress after ...s"; its 4 hypothesis examples miss this boundary).

A 127.0.0.1 server (in a thread) answers every GET at once with a JobStatus
"in_progress". timeout = 0.4 s + d, poll_interval = max_interval = 0.2: polls at 0,
0.2, 0.4 — the third with d seconds left. Exits 1 when any attempt says "gave no status".
"""
import json
import socket
import sys
import threading

from julep import APITimeoutError, JulepApi

STATUS = json.dumps(
    {"id": "j", "name": "remember", "created_at": "2024-01-01T00:00:00Z", "state": "in_progress"}
).encode()
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
    % (len(STATUS), STATUS)
)


def serve(listener: socket.socket) -> None:
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=answer, args=(conn,), daemon=True).start()


def answer(conn: socket.socket) -> None:
    with conn:
        data = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
            while b"\r\n\r\n" in data:
                _, _, data = data.partition(b"\r\n\r\n")
                conn.sendall(ANSWER)


listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(16)
threading.Thread(target=serve, args=(listener,), daemon=True).start()
url = f"http://127.0.0.1:{listener.getsockname()[1]}/api"

job = "00000000-0000-4000-8000-000000000001"
wrong = 0
with JulepApi(api_key="k", base_url=url, max_retries=0) as client:
    client.get_job_status(job)  # warm the connection
    for extra in (0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008):
        for _ in range(2):
            try:
                client.wait_for_job(job, timeout=0.4 + extra, poll_interval=0.2, max_interval=0.2)
            except APITimeoutError as error:
                if "gave no status" in str(error):
                    wrong += 1
                    print(f"timeout=0.4+{extra}: {error}")
print(f"{wrong} waits blamed a job that answered every poll")
sys.exit(1 if wrong else 0)
