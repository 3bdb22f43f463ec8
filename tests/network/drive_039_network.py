"""Run by the python of a virtualenv holding julep==0.3.9, never by the test suite's own.

Reads a JSON list of cases on stdin; for each, sets the environment it names,
builds 0.3.9's ``JulepApi`` (an httpx client; ``httpx`` options are the only
way 0.3.9 had to set a proxy, CAs or a client certificate), makes the call and
prints one JSON object: each case's name with "ok" or the error it raised.
"""

import json
import os
import ssl
import sys

import httpx

from julep.api import InputChatMlMessage, InputChatMlMessageRole
from julep.api.client import JulepApi

NETWORK_VARIABLES = [
    "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
    "no_proxy", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR",
]  # fmt: skip


def httpx_client(options):
    if not options:
        return None  # 0.3.9's own httpx.Client, which trusts the environment
    kwargs = {"timeout": 30}
    if "proxy" in options:
        kwargs["proxy"] = options["proxy"]
    if "trust_env" in options:
        kwargs["trust_env"] = options["trust_env"]
    if "verify" in options:
        context = ssl.create_default_context(cafile=options["verify"])
        if "cert" in options:
            context.load_cert_chain(options["cert"])
        kwargs["verify"] = context
    return httpx.Client(**kwargs)


def run(case):
    for name in NETWORK_VARIABLES:
        os.environ.pop(name, None)
    os.environ.update(case["env"])
    api = JulepApi(
        api_key="k", base_url=case["base_url"], httpx_client=httpx_client(case["options"])
    )
    if case["call"] == "list_agents":
        api.list_agents()
        return "ok"
    agent = api.create_agent(name="a", instructions=["Be brief."])
    session = api.create_session(agent_id=agent.id)
    reply = api.chat(
        session_id=session.id,
        messages=[InputChatMlMessage(role=InputChatMlMessageRole.USER, content="hello")],
        stream=True,
    )
    return f"ok: {type(reply).__name__}"


results = {}
for case in json.load(sys.stdin):
    try:
        results[case["name"]] = run(case)
    except Exception as exc:  # report, do not stop: every case is recorded
        results[case["name"]] = f"{type(exc).__name__}: {str(exc)[:160]}"
print(json.dumps(results))
