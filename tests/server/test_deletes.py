"""Deletes follow the Julep 0.3.9 server route by route: no cascades, its rules for repeats."""

from __future__ import annotations

import typing
import urllib.error
import urllib.request
import uuid

import hypothesis
import orjson
import pytest
from hypothesis import strategies as st

from julep.server import LocalServer

from .helpers import Api, wait_for_job

pytestmark = pytest.mark.anyio

MISSING = str(uuid.uuid4())


async def _everything(api: Api) -> dict[str, str]:
    """An agent with a doc and a tool, a user with a doc, and their session with history."""
    agent_id = await api.agent(docs=[{"title": "Guide", "content": "Trams climb hills."}])
    user_id = await api.user(docs=[{"title": "Notes", "content": "Tea."}])
    tool_id = await api.created(
        f"/agents/{agent_id}/tools",
        {"type": "function", "function": {"name": "look up", "parameters": {}}},
    )
    session_id = await api.session(agent_id, user_id)
    await api.chat(session_id, "Hello Paris", remember=False)
    agent_doc = (await api.get(f"/agents/{agent_id}/docs")).body["items"][0]["id"]
    user_doc = (await api.get(f"/users/{user_id}/docs")).body["items"][0]["id"]
    return {
        "agent": f"/agents/{agent_id}",
        "user": f"/users/{user_id}",
        "session": f"/sessions/{session_id}",
        "history": f"/sessions/{session_id}/history",
        "agent_doc": f"/agents/{agent_id}/docs/{agent_doc}",
        "user_doc": f"/users/{user_id}/docs/{user_doc}",
        "tool": f"/agents/{agent_id}/tools/{tool_id}",
    }


# What a second delete of each answers, as on the 0.3.9 server.
REPEAT: dict[str, tuple[int, str | None]] = {
    "agent": (404, "Agent not found"),
    "user": (202, None),
    "session": (202, None),
    "history": (202, None),
    "agent_doc": (404, "Docs not found"),
    "user_doc": (404, "Docs not found"),
    "tool": (404, "Tool not found"),
}


async def test_deleting_an_agent_or_user_deletes_only_that_row(
    server: LocalServer, api: Api
) -> None:
    """After the agent and user deletes, their sessions, docs, tools and history remain."""
    paths = await _everything(api)
    before = server.stats()
    assert (await api.delete(paths["agent"])).status == 202
    assert (await api.delete(paths["user"])).status == 202
    after = server.stats()
    assert after == before | {"agents": 0, "users": 0}
    session = await api.get(paths["session"])
    assert session.status == 200 and session.body["agent_id"] == paths["agent"].split("/")[-1]


async def test_fixture_cleanup_in_creation_order_works(api: Api) -> None:
    """Deleting agent, user, session, docs and tool in the order they were made: all 202."""
    paths = await _everything(api)
    for kind in ("agent", "user", "session", "agent_doc", "user_doc", "tool"):
        reply = await api.delete(paths[kind])
        assert reply.status == 202, (kind, reply.body)
        assert reply.body["id"] == paths[kind].split("/")[-1]


async def test_a_second_delete_answers_as_the_0_3_server_did(api: Api) -> None:
    """Repeat deletes: agent, doc and tool are 404; user, session and history stay 202."""
    paths = await _everything(api)
    for kind in REPEAT:
        assert (await api.delete(paths[kind])).status == 202, kind
    for kind, (status, detail) in REPEAT.items():
        reply = await api.delete(paths[kind])
        assert reply.status == status, kind
        if detail is not None:
            assert reply.body == {"detail": detail}


@pytest.mark.parametrize(
    "path",
    [f"/users/{MISSING}", f"/sessions/{MISSING}", f"/sessions/{MISSING}/history"],
)
async def test_idempotent_deletes_of_what_never_existed_are_202(api: Api, path: str) -> None:
    """User, session and history deletes check nothing, so an unknown id is 202 too."""
    reply = await api.delete(path)
    assert (reply.status, reply.body["id"]) == (202, MISSING)


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        (f"/agents/{MISSING}", "Agent not found"),
        (f"/agents/{MISSING}/docs/{MISSING}", "Docs not found"),
        (f"/users/{MISSING}/docs/{MISSING}", "Docs not found"),
        (f"/agents/{MISSING}/tools/{MISSING}", "Tool not found"),
        (f"/agents/{MISSING}/memories/{MISSING}", "Memory not found"),
    ],
)
async def test_checked_deletes_of_what_never_existed_are_404(
    api: Api, path: str, detail: str
) -> None:
    """Agent, doc, tool and memory deletes are 404 for an unknown id, with the 0.3 wording."""
    assert (await api.delete(path)).body == {"detail": detail}


async def test_a_doc_or_tool_is_deleted_only_through_its_own_owner(api: Api) -> None:
    """Another agent's doc is 404 naming both ids; another agent's tool is 404 too."""
    paths = await _everything(api)
    other = await api.agent()
    doc_id = paths["agent_doc"].split("/")[-1]
    reply = await api.delete(f"/agents/{other}/docs/{doc_id}")
    assert reply.body == {"detail": f"Doc {doc_id} not found for agent {other}"}
    user_doc = paths["user_doc"].split("/")[-1]
    assert (await api.delete(f"/agents/{other}/docs/{user_doc}")).status == 404
    tool_id = paths["tool"].split("/")[-1]
    assert (await api.delete(f"/agents/{other}/tools/{tool_id}")).status == 404
    assert (await api.delete(paths["agent_doc"])).status == 202


async def test_memories_outlive_their_agent_and_can_be_deleted(api: Api) -> None:
    """A memory of a deleted agent is still deletable by (agent id, memory id), once."""
    agent_id, user_id = await api.agent(), await api.user()
    session_id = await api.session(agent_id, user_id)
    await wait_for_job(api, (await api.chat(session_id, "Remember Oslo")).body["jobs"][0])
    path = f"/agents/{agent_id}/memories"
    (memory,) = (await api.get(path, params={"query": "Oslo"})).body["items"]
    assert (await api.delete(f"/agents/{agent_id}")).status == 202
    assert (await api.delete(f"{path}/{memory['id']}")).status == 202
    assert (await api.delete(f"{path}/{memory['id']}")).body == {"detail": "Memory not found"}


async def test_a_chat_in_a_session_whose_agent_is_gone_is_404(api: Api) -> None:
    """The session survives its agent, but chatting needs the agent: 404 Agent not found."""
    paths = await _everything(api)
    await api.delete(paths["agent"])
    reply = await api.chat(paths["session"].split("/")[-1], "Hi")
    assert (reply.status, reply.body) == (404, {"detail": "Agent not found"})


def _call(base_url: str, method: str, path: str, body: object = None) -> tuple[int, typing.Any]:
    data = None if body is None else orjson.dumps(body)
    request = urllib.request.Request(base_url + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, orjson.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, orjson.loads(error.read())


def _create(base_url: str, path: str, body: dict[str, typing.Any]) -> str:
    status, reply = _call(base_url, "POST", path, body)
    assert status == 201, reply
    return typing.cast(str, reply["id"])


def _paths(base_url: str) -> dict[str, str]:
    agent = _create(base_url, "/agents", {"name": "A", "docs": [{"title": "t", "content": "c"}]})
    user = _create(base_url, "/users", {"name": "U", "docs": [{"title": "t", "content": "c"}]})
    tool = _create(
        base_url,
        f"/agents/{agent}/tools",
        {"type": "function", "function": {"name": "any name at all", "parameters": {}}},
    )
    session = _create(base_url, "/sessions", {"agent_id": agent, "user_id": user})
    agent_doc = _call(base_url, "GET", f"/agents/{agent}/docs")[1]["items"][0]["id"]
    user_doc = _call(base_url, "GET", f"/users/{user}/docs")[1]["items"][0]["id"]
    return {
        "agent": f"/agents/{agent}",
        "user": f"/users/{user}",
        "session": f"/sessions/{session}",
        "history": f"/sessions/{session}/history",
        "agent_doc": f"/agents/{agent}/docs/{agent_doc}",
        "user_doc": f"/users/{user}/docs/{user_doc}",
        "tool": f"/agents/{agent}/tools/{tool}",
    }


def test_deletes_in_any_order_succeed_once_then_follow_the_repeat_rules() -> None:
    """Whatever the order of the deletes, each first one is 202 and each repeat as in REPEAT."""
    with LocalServer() as server:

        @hypothesis.settings(max_examples=25, deadline=None, database=None)
        @hypothesis.given(order=st.permutations(sorted(REPEAT)))
        def run(order: list[str]) -> None:
            paths = _paths(server.base_url)
            for kind in order:
                assert _call(server.base_url, "DELETE", paths[kind])[0] == 202, kind
            for kind in order:
                assert _call(server.base_url, "DELETE", paths[kind])[0] == REPEAT[kind][0], kind

        run()
