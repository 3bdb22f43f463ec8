"""README "Testing your code": the example test file fails when trio is installed.

anyio's pytest plugin runs every ``@pytest.mark.anyio`` test on each installed
backend, so with trio in the environment (selenium, httpx[trio], ... pull it in)
``test_chat_replies`` also runs as ``test_chat_replies[trio]``, where the
``async_julep_client`` fixture's AsyncJulepApi fails with asyncio's raw
``RuntimeError: no running event loop`` (README: "No aiohttp or asyncio
exception escapes").

Needs trio in this venv: ``.venv/bin/pip install trio``.
Expected: the README's file passes (the trio run skipped with a reason, or not made).
"""

import pathlib
import subprocess
import sys
import tempfile

try:
    import trio  # noqa: F401
except ImportError:
    sys.exit("install trio into this venv first: .venv/bin/pip install trio")

README_TESTS = '''
import pytest


def test_agent_is_created(julep_client):
    agent = julep_client.create_agent(name="Sam", instructions=["Be brief."])
    assert julep_client.get_agent(agent.id).name == "Sam"


@pytest.mark.anyio
async def test_chat_replies(async_julep_client):
    agent = await async_julep_client.create_agent(name="Sam")
    session = await async_julep_client.create_session(agent_id=agent.id)
    reply = await async_julep_client.chat(session.id, messages=[{"role": "user", "content": "Hi"}])
    assert reply.response[0][0].content
'''

with tempfile.TemporaryDirectory() as project:
    pathlib.Path(project, "pytest.ini").write_text("[pytest]\n")
    pathlib.Path(project, "test_readme.py").write_text(README_TESTS)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "-p", "no:asyncio"],
        cwd=project, capture_output=True, text=True, timeout=120,
    )
    print(run.stdout[-2500:])
    failed = run.returncode != 0

# The same without pytest: the error a user of AsyncJulepApi under trio gets.
import anyio  # noqa: E402

from julep import AsyncJulepApi, JulepError  # noqa: E402
from julep.server import LocalServer  # noqa: E402


async def main(url: str) -> None:
    async with AsyncJulepApi(api_key="any", base_url=url) as client:
        await client.list_agents()


with LocalServer() as server:
    try:
        anyio.run(main, server.base_url, backend="trio")
    except JulepError as error:
        print("under trio, a JulepError:", error)
    except Exception as error:  # noqa: BLE001
        print("under trio, a raw", type(error).__name__, "escapes:", error)
        failed = True
sys.exit(1 if failed else 0)
