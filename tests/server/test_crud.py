"""Create, read, update (PUT), patch and delete of agents, users, sessions, docs and tools."""

from __future__ import annotations

import datetime as dt
import uuid

import aiohttp
import pytest

from julep.server import LocalServer

from .helpers import Api

pytestmark = pytest.mark.anyio

MISSING = str(uuid.uuid4())


def _is_rfc3339(value: str) -> bool:
    return dt.datetime.fromisoformat(value).tzinfo is not None


async def test_create_answers_201_with_id_and_zoned_time(api: Api) -> None:
    """A create is 201 with a UUID id and an RFC 3339 created_at that has a zone."""
    reply = await api.post("/agents", json={"name": "Ann"})
    assert reply.status == 201
    assert uuid.UUID(reply.body["id"]).version == 4
    assert _is_rfc3339(reply.body["created_at"])


async def test_agent_defaults_are_filled_in(api: Api) -> None:
    """An agent created with a name only gets the API's defaults."""
    agent = (await api.get(f"/agents/{await api.agent()}")).body
    assert agent["model"] == "julep-ai/samantha-1-turbo"
    assert agent["about"] == ""
    assert agent["instructions"] == []
    assert agent["metadata"] == {}
    assert agent["default_settings"]["temperature"] == 0.75
    assert _is_rfc3339(agent["created_at"]) and _is_rfc3339(agent["updated_at"])


async def test_wrapper_create_body_with_every_key_is_accepted(api: Api) -> None:
    """julep 0.3.9's agents.create sends every key; a string instruction is stored as a list."""
    agent_id = await api.agent(
        about="",
        tools=[],
        default_settings={},
        model="julep-ai/samantha-1-turbo",
        docs=[],
        metadata={},
        instructions="be brief",
    )
    agent = (await api.get(f"/agents/{agent_id}")).body
    assert agent["instructions"] == ["be brief"]


async def test_session_create_accepts_the_wrappers_nulls(api: Api) -> None:
    """sessions.create of 0.3.9 sends explicit nulls for everything it was not given."""
    agent_id = await api.agent()
    session_id = await api.created(
        "/sessions",
        {
            "agent_id": agent_id,
            "user_id": None,
            "situation": None,
            "metadata": {},
            "render_templates": False,
            "token_budget": None,
            "context_overflow": None,
        },
    )
    session = (await api.get(f"/sessions/{session_id}")).body
    assert session["agent_id"] == agent_id
    assert "user_id" not in session  # unset optional fields are left out, never null
    assert session["render_templates"] is False


async def test_put_replaces_and_resets_what_it_leaves_out(api: Api) -> None:
    """PUT sets every field; those left out go back to their defaults."""
    agent_id = await api.agent(
        model="other-model",
        metadata={"a": 1},
        instructions=["x"],
        default_settings={"temperature": 0.1},
    )
    reply = await api.put(f"/agents/{agent_id}", json={"name": "Zed", "about": "new"})
    assert reply.status == 200
    assert reply.body["id"] == agent_id and _is_rfc3339(reply.body["updated_at"])
    agent = (await api.get(f"/agents/{agent_id}")).body
    assert (agent["name"], agent["about"], agent["model"]) == (
        "Zed",
        "new",
        "julep-ai/samantha-1-turbo",
    )
    assert agent["metadata"] == {} and agent["instructions"] == []
    assert agent["default_settings"]["temperature"] == 0.75


async def test_patch_merges_and_treats_null_as_unchanged(api: Api) -> None:
    """PATCH changes only present, non-null fields; metadata merges; model is kept."""
    agent_id = await api.agent(about="old", model="m1", metadata={"a": 1, "b": 2})
    reply = await api.patch(
        f"/agents/{agent_id}",
        json={"about": None, "name": "Newname", "metadata": {"b": 3, "c": 4}},
    )
    assert reply.status == 200
    agent = (await api.get(f"/agents/{agent_id}")).body
    assert (agent["name"], agent["about"], agent["model"]) == ("Newname", "old", "m1")
    assert agent["metadata"] == {"a": 1, "b": 3, "c": 4}


async def test_patch_default_settings_merges_them(api: Api) -> None:
    """PATCH of default_settings changes only the given settings."""
    agent_id = await api.agent(default_settings={"temperature": 0.2})
    await api.patch(f"/agents/{agent_id}", json={"default_settings": {"top_p": 0.5}})
    settings = (await api.get(f"/agents/{agent_id}")).body["default_settings"]
    assert (settings["temperature"], settings["top_p"]) == (0.2, 0.5)


async def test_session_patch_with_wrapper_nulls_keeps_fields(api: Api) -> None:
    """sessions.update of 0.3.9 PATCHes with nulls, which must not erase anything."""
    session_id = await api.session(
        await api.agent(), situation="s1", metadata={"k": "v"}, token_budget=50
    )
    body = {"situation": "s2", "metadata": None, "token_budget": None, "context_overflow": None}
    assert (await api.patch(f"/sessions/{session_id}", json=body)).status == 200
    session = (await api.get(f"/sessions/{session_id}")).body
    assert (session["situation"], session["metadata"], session["token_budget"]) == (
        "s2",
        {"k": "v"},
        50,
    )


async def test_user_put_and_patch(api: Api) -> None:
    """Users follow the same PUT and PATCH rules; a user created from {} is named User."""
    user_id = await api.created("/users", {})
    assert (await api.get(f"/users/{user_id}")).body["name"] == "User"
    await api.put(f"/users/{user_id}", json={"name": "Cy", "about": "a", "metadata": {"x": 1}})
    await api.patch(f"/users/{user_id}", json={"about": "b", "metadata": {"y": 2}})
    user = (await api.get(f"/users/{user_id}")).body
    assert (user["name"], user["about"], user["metadata"]) == ("Cy", "b", {"x": 1, "y": 2})


async def test_delete_answers_202_and_then_404(api: Api) -> None:
    """An agent delete is 202; the agent is then gone, and a second delete is 404."""
    agent_id = await api.agent()
    reply = await api.delete(f"/agents/{agent_id}")
    assert (
        reply.status == 202
        and reply.body["id"] == agent_id
        and _is_rfc3339(reply.body["deleted_at"])
    )
    assert (await api.get(f"/agents/{agent_id}")).body == {"detail": "Agent not found"}
    assert (await api.delete(f"/agents/{agent_id}")).status == 404


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        (f"/agents/{MISSING}", "Agent not found"),
        (f"/users/{MISSING}", "User not found"),
        (f"/sessions/{MISSING}", "Session not found"),
        (f"/jobs/{MISSING}", "Job not found"),
        ("/nowhere", "Not Found"),
    ],
)
async def test_unknown_things_are_404_with_detail(api: Api, path: str, detail: str) -> None:
    """Unknown resources and routes answer 404 {"detail": ...}."""
    reply = await api.get(path)
    assert (reply.status, reply.body) == (404, {"detail": detail})


@pytest.mark.parametrize(
    "path",
    [
        f"/agents/{MISSING}/docs",
        f"/users/{MISSING}/docs",
        f"/sessions/{MISSING}/history",
        f"/sessions/{MISSING}/suggestions",
    ],
)
async def test_lists_under_an_unknown_owner_are_empty_as_on_the_0_3_server(
    api: Api, path: str
) -> None:
    """Docs, history and suggestions are listed by their owner's id with no check that the
    owner exists (0.3's queries had none): 200 with no items, not 404."""
    reply = await api.get(path)
    assert (reply.status, reply.body) == (200, {"items": []})


async def test_wrong_method_is_405(api: Api) -> None:
    """A known path with a method it does not serve is 405 with a JSON detail."""
    reply = await api.put("/agents", json={})
    assert (reply.status, reply.body) == (405, {"detail": "Method Not Allowed"})
    assert "Allow" in reply.headers


async def test_non_uuid_path_id_is_422(api: Api) -> None:
    """A path id that is not a UUID is 422 naming the parameter."""
    reply = await api.get("/agents/not-a-uuid")
    assert reply.status == 422
    assert reply.body["detail"].startswith("agent_id: not a valid UUID")


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"name": 5}, "name: expected a string, got int"),
        ({}, "name: field required"),
        ({"name": "a", "metadata": [1]}, "metadata: expected an object, got array"),
        ({"name": "a", "docs": "x"}, "docs: expected an array, got string"),
        (
            {"name": "a", "default_settings": {"preset": "loud"}},
            "default_settings.preset: expected one of",
        ),
    ],
)
async def test_invalid_body_is_422_naming_the_field(api: Api, body: object, detail: str) -> None:
    """A body that does not fit is 422 and the detail names the field."""
    reply = await api.post("/agents", json=body)
    assert reply.status == 422
    assert reply.body["detail"].startswith(detail), reply.body


async def test_body_errors_use_wire_names(api: Api) -> None:
    """A bad ``continue`` is reported as ``continue``, not the SDK's ``continue_``."""
    session_id = await api.session(await api.agent())
    body = {"messages": [{"role": "user", "content": "hi", "continue": "yes"}]}
    reply = await api.post(f"/sessions/{session_id}/chat", json=body)
    assert (reply.status, reply.body) == (
        422,
        {"detail": "messages[0].continue: expected a boolean, got string"},
    )


async def test_body_that_is_not_json_is_422(api: Api) -> None:
    """A body that does not parse as JSON is 422."""
    headers = {"Content-Type": "application/json"}
    async with api.http.post(api.base_url + "/agents", data=b"{nope", headers=headers) as response:
        assert response.status == 422
        assert await response.json() == {"detail": "body: not valid JSON"}


async def test_session_with_unknown_agent_or_user_is_404(api: Api) -> None:
    """Creating a session for an agent or user that does not exist is 404."""
    reply = await api.post("/sessions", json={"agent_id": MISSING})
    assert (reply.status, reply.body) == (404, {"detail": "Agent not found"})
    reply = await api.post("/sessions", json={"agent_id": await api.agent(), "user_id": MISSING})
    assert (reply.status, reply.body) == (404, {"detail": "User not found"})
    reply = await api.post("/sessions", json={"agent_id": "nope"})
    assert reply.status == 422 and reply.body["detail"].startswith("agent_id: not a valid UUID")


async def test_docs_of_agents_and_users(api: Api) -> None:
    """Docs are created (201), listed newest first, and deleted (202) per owner."""
    agent_id, user_id = await api.agent(), await api.user()
    first = await api.created(f"/agents/{agent_id}/docs", {"title": "t1", "content": "c1"})
    second = await api.created(
        f"/agents/{agent_id}/docs", {"title": "t2", "content": ["a", "b"], "metadata": {"k": 1}}
    )
    await api.created(f"/users/{user_id}/docs", {"title": "u", "content": "c"})
    items = (await api.get(f"/agents/{agent_id}/docs")).body["items"]
    assert [d["id"] for d in items] == [second, first]
    assert items[0]["content"] == ["a", "b"] and items[0]["metadata"] == {"k": 1}
    assert (await api.delete(f"/agents/{agent_id}/docs/{first}")).status == 202
    assert (await api.delete(f"/users/{user_id}/docs/{first}")).body == {"detail": "Docs not found"}
    assert len((await api.get(f"/users/{user_id}/docs")).body["items"]) == 1


async def test_tools_put_and_patch(api: Api) -> None:
    """Tools: PUT replaces the function, PATCH merges its parts; unknown tool is 404."""
    agent_id = await api.agent()
    function = {"name": "lookup", "description": "d", "parameters": {"type": "object"}}
    tool_id = await api.created(
        f"/agents/{agent_id}/tools", {"type": "function", "function": function}
    )
    path = f"/agents/{agent_id}/tools/{tool_id}"
    assert (await api.patch(path, json={"function": {"description": "better"}})).status == 200
    tools = (await api.get(f"/agents/{agent_id}/tools")).body["items"]
    assert tools == [
        {"id": tool_id, "type": "function", "function": {**function, "description": "better"}}
    ]
    await api.put(path, json={"function": {"name": "find", "parameters": {}}})
    (tool,) = (await api.get(f"/agents/{agent_id}/tools")).body["items"]
    # An absent description stays out of the JSON, as the spec says of every response.
    assert tool["function"] == {"name": "find", "parameters": {}}
    assert (await api.delete(path)).status == 202
    assert (await api.delete(path)).body == {"detail": "Tool not found"}


async def test_integral_floats_count_as_integers_but_metadata_is_kept(api: Api) -> None:
    """5.0 is an integer to JSON Schema, so int fields take it; metadata stays as sent."""
    session_id = await api.session(await api.agent(), token_budget=5.0, metadata={"x": 1.0})
    session = (await api.get(f"/sessions/{session_id}")).body
    assert session["token_budget"] == 5 and isinstance(session["token_budget"], int)
    assert isinstance(session["metadata"]["x"], float)
    reply = await api.post("/sessions", json={"agent_id": MISSING, "token_budget": 5.5})
    assert (reply.status, reply.body) == (
        422,
        {"detail": "token_budget: expected an integer, got number"},
    )


async def test_head_answers_where_get_does(server: LocalServer) -> None:
    """HEAD was a 405 on every GET route; it answers GET's status and headers, with no body."""
    routes = [
        ("/agents", 200),
        ("/agents/00000000-0000-4000-8000-000000000000", 404),
        ("/agents/not-a-uuid", 422),
        ("/openapi.json", 200),
    ]
    async with aiohttp.ClientSession() as session:
        for path, status in routes:
            async with session.get(server.base_url + path) as got:
                body = await got.read()
            async with session.head(server.base_url + path) as head:
                assert (head.status, await head.read()) == (status, b""), path
                assert head.headers["Content-Length"] == str(len(body)), path
                assert head.headers["Content-Type"] == "application/json", path
        async with session.put(server.base_url + "/agents") as wrong:
            assert wrong.headers["Allow"] == "GET,HEAD,POST"
