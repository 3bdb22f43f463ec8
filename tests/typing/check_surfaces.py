"""Checked by mypy --strict, never run: both surfaces expose precise types."""

from __future__ import annotations

import pathlib
import ssl

from typing_extensions import assert_type

import julep
from julep._sync_iter import ChatStream, SyncIterator
from julep.client import AsyncJulepApi, JulepApi


def sync_surface(client: JulepApi) -> None:
    assert_type(client.get_agent("a"), julep.Agent)
    assert_type(client.get_agent(agent_id="a"), julep.Agent)
    assert_type(client.delete_agent("a"), None)
    assert_type(
        client.list_agents(limit=5, sort_by="updated_at", order="asc"), julep.ListAgentsResponse
    )
    assert_type(
        client.chat(
            "s", messages=[julep.InputChatMlMessage(role="user", content="hi")], preset="fun"
        ),
        julep.ChatResponse,
    )
    assert_type(
        client.create_agent_doc("a", request={"title": "t", "content": "c"}),
        julep.ResourceCreatedResponse,
    )
    assert_type(client.with_options(max_retries=0), JulepApi)
    client.get_agent(1)  # type: ignore[arg-type]
    client.list_agents(sort_by="name")  # type: ignore[arg-type]
    client.chat("s", message=[])  # type: ignore[call-arg]


async def async_surface(client: AsyncJulepApi) -> None:
    assert_type(await client.get_agent("a"), julep.Agent)
    assert_type(await client.get_job_status(job_id="j"), julep.JobStatus)
    assert_type(await client.get_history("s", limit=2), julep.GetHistoryResponse)
    assert_type(client.with_options(timeout=julep.Timeout(total=5)), AsyncJulepApi)
    await client.get_agent(None)  # type: ignore[arg-type]


def sync_iterators(client: JulepApi) -> None:
    assert_type(client.iter_agents(page_size=5), SyncIterator[julep.Agent])
    assert_type(client.iter_history("s"), SyncIterator[julep.ChatMlMessage])
    assert_type(client.chat_stream("s", messages=[{"role": "user", "content": "x"}]), ChatStream)
    assert_type(client.wait_for_job("j"), julep.JobStatus)
    assert_type(JulepApi.get_agent(client, "a"), julep.Agent)
    client.iter_agents(size=5)  # type: ignore[call-arg]


def network_options(context: ssl.SSLContext, key: pathlib.Path) -> None:
    JulepApi(api_key="k", proxy="http://proxy:3128", verify="ca.pem", cert=("c.pem", key))
    AsyncJulepApi(api_key="k", trust_env=False, verify=context, cert="client.pem")
    JulepApi(api_key="k", verify=key, cert=("c.pem", "k.pem", "password"))
    JulepApi(api_key="k", cert=("c.pem",))  # type: ignore[arg-type]
    AsyncJulepApi(api_key="k", proxy=3128)  # type: ignore[arg-type]


def models_read_sent_back(client: JulepApi) -> None:
    """What a response gave, sent back as the request model the call takes at run time."""
    history = client.get_history("s").items or []
    tools = client.get_agent_tools("a").items or []
    docs = client.get_agent_docs("a").items or []
    assert_type(client.chat("s", messages=history), julep.ChatResponse)
    assert_type(client.chat_stream("s", messages=[*history]), ChatStream)
    assert_type(
        client.create_agent(name="n", tools=tools, docs=docs), julep.ResourceCreatedResponse
    )
    assert_type(client.create_user(docs=docs), julep.ResourceCreatedResponse)
    assert_type(client.create_agent_doc("a", request=docs[0]), julep.ResourceCreatedResponse)
    assert_type(client.create_user_doc("u", request=docs[0]), julep.ResourceCreatedResponse)
    assert_type(client.create_agent_tool("a", request=tools[0]), julep.ResourceCreatedResponse)
    assert_type(
        client.patch_agent_tool("a", tools[0].id, function=tools[0].function),
        julep.ResourceUpdatedResponse,
    )
