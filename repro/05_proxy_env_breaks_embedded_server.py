"""With HTTP_PROXY set in the environment (common on corporate machines),
`python -m julep bench` (embedded server) and the pytest plugin's julep_client
send their requests for the server they just started on 127.0.0.1 to the proxy,
and fail. `python -m julep demo` connects directly (trust_env=False), so
the three disagree. README: the fixtures give "a JulepApi connected to it";
bench "starts the embedded server ... so it runs with no flags".
"""

import os
import pathlib
import subprocess
import sys
import tempfile

env = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9"}
env.pop("NO_PROXY", None)
env.pop("no_proxy", None)
bad = False

demo = subprocess.run([sys.executable, "-m", "julep", "demo"], capture_output=True, text=True,
                      env=env, timeout=120)
print("demo exit code", demo.returncode)

bench = subprocess.run([sys.executable, "-m", "julep", "bench", "--requests", "3",
                        "--concurrency", "1", "--quiet"], capture_output=True, text=True,
                       env=env, timeout=120)
print("bench exit code", bench.returncode, bench.stderr.strip()[-300:])
bad |= bench.returncode != 0

with tempfile.TemporaryDirectory() as tmp:
    test = pathlib.Path(tmp, "test_plugin.py")
    test.write_text(
        "def test_it(julep_client):\n"
        "    assert julep_client.get_agent(julep_client.create_agent(name='Sam').id).name == 'Sam'\n"
    )
    plugin = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             str(test)], capture_output=True, text=True, env=env, cwd=tmp,
                            timeout=120)
    print("pytest plugin exit code", plugin.returncode, plugin.stdout.strip().splitlines()[-1])
    bad |= plugin.returncode != 0

if bad:
    print("DEFECT: the embedded server is reached through the environment's proxy")
    sys.exit(1)
