"""A request the server drops is a failure in Locust, never hidden by a re-send.

The locust loop's shared session kept aiohttp's silent re-send of a GET, PUT
or DELETE whose pooled connection dropped (the SDK turns it off only in the
sessions it opens itself), so with JulepUser's max_retries=0 ("every failure
the server makes is counted") Locust recorded a success. Its pool is now the
SDK's own, which also never reuses a connection holding unsolicited bytes.
"""

from __future__ import annotations

import asyncio
import json
import textwrap

import pytest

from ..hostile.test_stranger_network import AGENT_ID, ScriptedServer, agent_response, read_head
from ..subprocesses import run_python
from .conftest import ROOT, needs_locust

pytestmark = needs_locust

CHILD = textwrap.dedent(
    """
    import json, sys, gevent, locust.env
    from julep.locust import JulepUser

    class U(JulepUser):
        api_key = "k"

    env = locust.env.Environment(user_classes=[U], host=sys.argv[1])
    env.events.request.add_listener(lambda **e: print(json.dumps(
        None if e["exception"] is None else type(e["exception"]).__name__), flush=True))
    user = U(env)

    def calls():
        for _ in range(int(sys.argv[3])):
            try:
                getattr(user.client, sys.argv[2])(sys.argv[4])
            except Exception:
                pass

    gevent.spawn(calls).get(timeout=30)
    """
)


def _drive(base_url: str, method: str, calls: int) -> list[str | None]:
    done = run_python(CHILD, args=[base_url, method, str(calls), AGENT_ID], cwd=ROOT, timeout=90)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.mark.parametrize("method", ["get_agent", "delete_agent"])
def test_a_request_dropped_on_a_pooled_connection_is_a_failure(method: str) -> None:
    received: list[int] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # The first request on a connection is answered; the second, dropped.
        await read_head(reader)
        received.append(1)
        writer.write(agent_response("first"))
        await writer.drain()
        try:
            await read_head(reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        received.append(2)
        writer.close()

    with ScriptedServer(handler) as server:
        outcomes = _drive(server.base_url, method, 2)
    assert outcomes == [None, "APIConnectionError"]
    assert len(received) == 2  # nothing was sent again behind the user's back
