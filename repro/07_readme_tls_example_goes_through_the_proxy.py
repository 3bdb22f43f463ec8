"""README "Networks", the local server over HTTPS, showed:

    $ HTTPS_PROXY=http://proxy.corp:3128 SSL_CERT_FILE=ca.pem \\
      JULEP_API_URL=https://127.0.0.1:8080/api python app.py

but README also (rightly) says loopback addresses use the proxy unless NO_PROXY lists them: that
line sends the local server's requests to proxy.corp, which cannot reach this machine's
127.0.0.1. Exits 1 while the environment of that line routes 127.0.0.1 through the proxy."""

import pathlib
import re
import sys

import yarl

from julep._network import proxy_from_env

readme = (pathlib.Path(__file__).resolve().parent.parent / "README.rst").read_text()
line = re.search(r"\$ (HTTPS_PROXY=\S+.*?)python app\.py", readme.replace("\\\n", " "))
assert line, "the example is gone"
env = dict(word.split("=", 1) for word in line.group(1).split() if "=" in word)
url = yarl.URL(env["JULEP_API_URL"])
proxy, source = proxy_from_env(url, env)
print(f"{url} -> {'proxy ' + str(proxy) + ' (' + source + ')' if proxy else 'directly'}")
sys.exit(1 if proxy else 0)
