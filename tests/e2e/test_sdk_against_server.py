"""All 36 operations of both clients against the real local server, checking real effects."""

from __future__ import annotations

import asyncio
import functools
import typing

import pytest

import julep
from julep import CreateDoc, CreateToolRequest, FunctionDef, PartialFunctionDef
from julep.client import AsyncJulepApi, JulepApi
from julep.server import LocalServer

from ..wire.test_operations import SEED_OPERATIONS

USED: set[str] = set()


class Surface:
    """Calls an operation on either client, awaiting it the way its surface needs."""

    def __init__(self, client: AsyncJulepApi | JulepApi) -> None:
        self._client = client

    async def __call__(self, operation: str, *args: typing.Any, **kwargs: typing.Any) -> typing.Any:
        USED.add(operation)
        method = getattr(self._client, operation)
        if isinstance(self._client, AsyncJulepApi):
            return await method(*args, **kwargs)
        # The sync client runs in a worker thread, as sync application code would.
        return await asyncio.to_thread(functools.partial(method, *args, **kwargs))


async def _agents(call: Surface) -> str:
    created = await call(
        "create_agent",
        name="Sam",
        about="A travel agent.",
        instructions=["Be brief.", "Be kind."],
        model="echo-1",
        default_settings={"temperature": 0.5, "preset": "creative"},
        metadata={"team": "e2e", "tier": 1},
        docs=[
            CreateDoc(title="Lisbon", content="Tram 28 goes to the cathedral.", metadata={"c": 1})
        ],
        tools=[
            CreateToolRequest(
                type="function", function=FunctionDef(name="book", parameters={"type": "object"})
            )
        ],
    )
    agent_id: str = created.id
    agent = await call("get_agent", agent_id)
    assert (agent.name, agent.about, agent.model) == ("Sam", "A travel agent.", "echo-1")
    assert agent.instructions == ["Be brief.", "Be kind."]
    assert agent.metadata == {"team": "e2e", "tier": 1}
    assert agent.default_settings.temperature == 0.5
    assert agent.default_settings.preset is julep.ChatSettingsPreset.CREATIVE

    listed = await call("list_agents", metadata_filter='{"team": "e2e"}', sort_by="created_at")
    assert [a.id for a in listed.items] == [agent_id]
    assert (await call("list_agents", metadata_filter={"team": "nobody"})).items == []

    await call("patch_agent", agent_id, name="Samantha", metadata={"tier": 2, "new": True})
    patched = await call("get_agent", agent_id)
    assert patched.name == "Samantha" and patched.about == "A travel agent."
    assert patched.metadata == {"team": "e2e", "tier": 2, "new": True}
    assert patched.model == "echo-1"  # PATCH never resets the model

    await call("update_agent", agent_id, about="Replaced.", name="Sam", instructions="One rule.")
    replaced = await call("get_agent", agent_id)
    assert (replaced.about, replaced.name) == ("Replaced.", "Sam")
    assert replaced.metadata == {} and replaced.instructions in ("One rule.", ["One rule."])

    docs = (await call("get_agent_docs", agent_id)).items
    assert [d.title for d in docs] == ["Lisbon"] and docs[0].metadata == {"c": 1}
    extra = await call(
        "create_agent_doc", agent_id, request={"title": "Tea", "content": ["Cafe A."]}
    )
    titles = {d.title for d in (await call("get_agent_docs", agent_id)).items}
    assert titles == {"Lisbon", "Tea"}
    await call("delete_agent_doc", agent_id, extra.id)
    assert [d.title for d in (await call("get_agent_docs", agent_id)).items] == ["Lisbon"]

    (tool,) = (await call("get_agent_tools", agent_id)).items
    assert tool.function.name == "book"
    second = await call(
        "create_agent_tool",
        agent_id,
        request=CreateToolRequest(type="function", function=FunctionDef(name="pay", parameters={})),
    )
    await call(
        "update_agent_tool",
        agent_id,
        second.id,
        function=FunctionDef(name="pay_now", parameters={"type": "object"}, description="Pay"),
    )
    await call(
        "patch_agent_tool", agent_id, second.id, function=PartialFunctionDef(description="Pay!")
    )
    tools = {t.id: t for t in (await call("get_agent_tools", agent_id)).items}
    assert tools[second.id].function.name == "pay_now"
    assert tools[second.id].function.description == "Pay!"
    await call("delete_agent_tool", agent_id, second.id)
    assert [t.id for t in (await call("get_agent_tools", agent_id)).items] == [tool.id]
    return agent_id


async def _users(call: Surface) -> str:
    user_id: str = (await call("create_user", name="Ada", about="Likes tea.", metadata={"p": 1})).id
    user = await call("get_user", user_id)
    assert (user.name, user.about, user.metadata) == ("Ada", "Likes tea.", {"p": 1})
    assert user_id in [u.id for u in (await call("list_users", metadata_filter={"p": 1})).items]
    await call("patch_user", user_id, metadata={"q": 2})
    assert (await call("get_user", user_id)).metadata == {"p": 1, "q": 2}
    await call("update_user", user_id, about="Loves trams.", name="Ada L.")
    user = await call("get_user", user_id)
    assert (user.name, user.about, user.metadata) == ("Ada L.", "Loves trams.", {})
    doc = await call("create_user_doc", user_id, request=CreateDoc(title="Notes", content="Tea."))
    assert [d.id for d in (await call("get_user_docs", user_id)).items] == [doc.id]
    await call("delete_user_doc", user_id, doc.id)
    assert (await call("get_user_docs", user_id)).items == []
    await call(
        "create_user_doc", user_id, request=CreateDoc(title="Trams", content="Ada rides trams.")
    )
    return user_id


async def _sessions(call: Surface, agent_id: str, user_id: str) -> None:
    session_id = (
        await call("create_session", agent_id=agent_id, user_id=user_id, situation="Day one.")
    ).id
    session = await call("get_session", session_id)
    assert (session.agent_id, session.user_id, session.situation) == (agent_id, user_id, "Day one.")
    assert session_id in [s.id for s in (await call("list_sessions")).items]
    await call("update_session", session_id, situation="Day two.", metadata={"k": 1})
    await call("patch_session", session_id, metadata={"j": 2}, situation=None)
    session = await call("get_session", session_id)
    assert (session.situation, session.metadata) == ("Day two.", {"k": 1, "j": 2})

    first = await call(
        "chat",
        session_id,
        messages=[{"role": "user", "content": "Which tram goes to the cathedral?"}],
    )
    assert first.response[0][0].role is julep.ChatMlMessageRole.ASSISTANT
    assert first.doc_ids.agent_doc_ids  # the Lisbon doc was recalled
    second = await call(
        "chat",
        session_id,
        messages=[julep.InputChatMlMessage(role="user", content="And after the tram?")],
        max_tokens=5,
    )
    assert second.finish_reason is julep.ChatResponseFinishReason.LENGTH
    assert second.usage.completion_tokens == 5

    history = (await call("get_history", session_id)).items
    assert [m.role.value for m in history] == ["user", "assistant", "user", "assistant"]
    assert [m.created_at for m in history] == sorted(m.created_at for m in history)
    assert history[0].content == "Which tram goes to the cathedral?"
    assert (await call("get_suggestions", session_id)).items

    (job_id,) = first.jobs
    status = await call("get_job_status", job_id)
    assert status.state in (julep.JobStatusState.PENDING, julep.JobStatusState.SUCCEEDED)
    for job in (job_id, *second.jobs):
        assert (await call("wait_for_job", job, timeout=20)).state is julep.JobStatusState.SUCCEEDED
    memories = (await call("get_agent_memories", agent_id, query="tram cathedral")).items
    assert memories and memories[0].agent_id == agent_id and memories[0].user_id == user_id
    await call("delete_agent_memory", agent_id, memories[0].id)
    remaining = (await call("get_agent_memories", agent_id, query="tram cathedral")).items
    assert memories[0].id not in [m.id for m in remaining]

    await call("delete_session_history", session_id)
    assert (await call("get_history", session_id)).items == []
    await call("delete_session", session_id)
    with pytest.raises(julep.NotFoundError):
        await call("get_session", session_id)


@pytest.mark.parametrize("surface", ["async", "sync"])
@pytest.mark.anyio
async def test_every_operation_against_the_local_server(surface: str) -> None:
    """The whole API, end to end; then deleting the agent and user leaves what they owned."""
    async with LocalServer(api_key="e2e-key") as server:
        if surface == "async":
            client: AsyncJulepApi | JulepApi = AsyncJulepApi(
                api_key="e2e-key", base_url=server.base_url
            )
        else:
            client = JulepApi(api_key="e2e-key", base_url=server.base_url)
        call = Surface(client)
        try:
            agent_id = await _agents(call)
            user_id = await _users(call)
            await _sessions(call, agent_id, user_id)
            owned = (server.count("docs"), server.count("tools"))
            await call("delete_user", user_id)
            await call("delete_agent", agent_id)
            for operation, ident in (("get_agent", agent_id), ("get_user", user_id)):
                with pytest.raises(julep.NotFoundError):
                    await call(operation, ident)
            # As on the 0.3 server, deletes do not cascade: docs and tools stay.
            assert (server.count("docs"), server.count("tools")) == owned
            assert server.count("sessions") == 0 and server.count("messages") == 0
        finally:
            if isinstance(client, AsyncJulepApi):
                await client.close()
            else:
                await asyncio.to_thread(client.close)
    assert SEED_OPERATIONS <= USED


@pytest.mark.anyio
async def test_wrong_key_is_refused() -> None:
    """With --api-key, another key gets 403 and the exact error body."""
    async with LocalServer(api_key="right") as server:
        async with AsyncJulepApi(api_key="wrong", base_url=server.base_url) as client:
            with pytest.raises(julep.PermissionDeniedError) as caught:
                await client.list_agents()
    assert caught.value.body == {"detail": "Could not validate API KEY"}


@pytest.mark.anyio
async def test_streamed_chat_against_the_server() -> None:
    """chat_stream yields the echo model's words and a final reply equal to the history."""
    async with (
        LocalServer() as server,
        AsyncJulepApi(api_key="k", base_url=server.base_url) as client,
    ):
        agent_id = (await client.create_agent(name="a", instructions="Be brief.")).id
        session_id = (await client.create_session(agent_id=agent_id)).id
        async with client.chat_stream(
            session_id, messages=[{"role": "user", "content": "hello there"}], remember=False
        ) as stream:
            pieces = [c.delta.content async for c in stream if c.delta]
        assert len(pieces) > 3
        final = stream.final_response
        assert final.response[0][0].content.strip() == "".join(pieces).strip()
        history = (await client.get_history(session_id)).items
        assert history[-1].content == final.response[0][0].content
        pages = [a.id async for a in client.iter_agents(page_size=1)]
        assert pages == [agent_id]


@pytest.mark.anyio
@pytest.mark.parametrize("name", ["test name", "", "ünïcode/with:colons " * 10])
async def test_any_tool_function_name_round_trips(name: str) -> None:
    """The SDK and the server take any function name, as the 0.3 server did."""
    async with (
        LocalServer() as server,
        AsyncJulepApi(api_key="k", base_url=server.base_url) as client,
    ):
        function = FunctionDef(name=name, parameters={"type": "object"})
        agent_id = (
            await client.create_agent(
                name="a", tools=[CreateToolRequest(type="function", function=function)]
            )
        ).id
        request = {"type": "function", "function": {"name": name, "parameters": {}}}
        tool_id = (await client.create_agent_tool(agent_id, request=request)).id
        await client.patch_agent_tool(agent_id, tool_id, function=PartialFunctionDef(name=name))
        await client.update_agent_tool(agent_id, tool_id, function=function)
        tools = (await client.get_agent_tools(agent_id)).items
        assert [tool.function.name for tool in tools] == [name, name]
