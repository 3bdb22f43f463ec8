"""The request arguments take the models a response gave (history into chat,
one agent's tools and docs into another, a tool's function into its patch):
julep/_params.py converts them (_SENDABLE_AS, "as julep 0.3.9 did") and the
calls succeed. Their annotations say otherwise, so `mypy --strict` refuses
code that runs fine (the README's "full type hints"; the same class of defect
as metadata_filter=dict, fixed earlier).

This script runs the calls (they work) and then mypy on the same code.
Exits 1 when mypy reports errors."""

import pathlib
import subprocess
import sys
import tempfile

CODE = '''
from julep import JulepApi
from julep.server import LocalServer

with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url) as client:
    agent = client.create_agent(name="a", tools=[{"type": "function", "function": {"name": "f", "parameters": {}}}])
    client.create_agent_doc(agent.id, request={"title": "t", "content": "c"})
    session = client.create_session(agent_id=agent.id)
    client.chat(session.id, messages=[{"role": "user", "content": "hi"}])
    history = client.get_history(session.id).items or []
    tools = client.get_agent_tools(agent.id).items or []
    docs = client.get_agent_docs(agent.id).items or []
    client.chat(session.id, messages=history)
    client.create_agent(name="b", tools=tools, docs=docs)
    client.create_user(docs=docs)
    client.create_agent_doc(agent.id, request=docs[0])
    client.create_agent_tool(agent.id, request=tools[0])
    client.patch_agent_tool(agent.id, tools[0].id, function=tools[0].function)
    print("all calls ran")
'''
root = pathlib.Path(__file__).resolve().parent.parent
with tempfile.TemporaryDirectory() as tmp:
    path = pathlib.Path(tmp, "sent_back.py")
    path.write_text(CODE)
    subprocess.run([sys.executable, str(path)], check=True)
    mypy = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(path)],
        capture_output=True, text=True, cwd=root, env={"MYPYPATH": str(root), "PATH": ""},
    )
    print(mypy.stdout)
    sys.exit(0 if mypy.returncode == 0 else 1)
