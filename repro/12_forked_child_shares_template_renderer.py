"""After os.fork(), a child's LocalServer renders templates through the PARENT's
renderer process: concurrent chats of parent and child get each other's text.

The template renderer is one child process per Python process (templates.py
``_WORKER``), started on first use. A forked child inherits the Popen object and
its pipes, so both processes write requests to one renderer and read each other's
answers: a session whose situation is "{{ session.metadata.tag }}" got the other
process's tag. (A child ending normally also kills the parent's renderer at exit.)

Expected: every reply names its own session's tag; here some 20 of 200 per side don't.
"""

import logging
import os
import sys
import warnings

logging.disable(logging.WARNING)
warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)

from julep import JulepApi  # noqa: E402
from julep.server import LocalServer  # noqa: E402


def wrong_replies(tag: str, chats: int) -> int:
    wrong = 0
    with LocalServer() as server, JulepApi(
        api_key="any", base_url=server.base_url, trust_env=False
    ) as client:
        agent = client.create_agent(name="A")
        session = client.create_session(
            agent_id=agent.id,
            situation="{{ session.metadata.tag }}",
            metadata={"tag": tag},
            render_templates=True,
        )
        for _ in range(chats):
            reply = client.chat(
                session.id, messages=[{"role": "user", "content": "hi"}], record=False, remember=False
            )
            text = reply.response[0][0].content
            if f"situation: {tag}." not in text:
                wrong += 1
                if wrong == 1:
                    print(f"{tag} got: {text}", flush=True)
    return wrong


wrong_replies("PARENT", 1)  # the parent's renderer process starts
read_end, write_end = os.pipe()
pid = os.fork()
if pid == 0:
    os.write(write_end, str(wrong_replies("CHILD", 200)).encode())
    os._exit(0)
os.close(write_end)
parent_wrong = wrong_replies("PARENT", 200)
child_wrong = int(os.read(read_end, 32) or b"0")
os.waitpid(pid, 0)
print(f"wrong replies: parent {parent_wrong} of 200, child {child_wrong} of 200")
sys.exit(1 if parent_wrong or child_wrong else 0)
