"""Iterating every item of a list operation, page by page, on both surfaces."""

from __future__ import annotations

import typing

import pytest
from aioresponses import aioresponses

import julep
from julep.client import AsyncJulepApi, JulepApi

from .conftest import API_KEY
from .wire.mock import BASE_URL, respond, sent
from .wire.samples import AGENT, AGENT_ID, DOC, MEMORY, MESSAGE, SESSION_ID, items


def _agents(*ids: str) -> dict[str, typing.Any]:
    return items(*({**AGENT, "id": agent_id} for agent_id in ids))


@pytest.mark.anyio
async def test_pages_until_a_short_page() -> None:
    """Full pages lead to the next offset; a short page ends it with no extra request."""
    with aioresponses() as mock:
        respond(mock, "GET", payload=_agents("a", "b"))
        respond(mock, "GET", payload=_agents("c", "d"))
        respond(mock, "GET", payload=_agents("e"))
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            ids = [agent.id async for agent in client.iter_agents(page_size=2, order="asc")]
        queries = [r.query for r in sent(mock)]
    assert ids == ["a", "b", "c", "d", "e"]
    assert queries == [
        {"limit": "2", "offset": "0", "order": "asc"},
        {"limit": "2", "offset": "2", "order": "asc"},
        {"limit": "2", "offset": "4", "order": "asc"},
    ]


@pytest.mark.anyio
async def test_server_ignoring_offset_does_not_loop_forever() -> None:
    """The same full page twice raises APIError after yielding the first page once."""
    ids: list[str] = []
    with aioresponses() as mock:
        respond(mock, "GET", payload=_agents("a", "b"), repeat=True)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            with pytest.raises(julep.APIError, match="ignore offset"):
                async for agent in client.iter_agents(page_size=2):
                    ids.append(agent.id)
        assert len(sent(mock)) == 2
    assert ids == ["a", "b"]


@pytest.mark.anyio
async def test_bad_page_size_fails_before_any_request() -> None:
    """page_size is checked when the iterator is made."""
    async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
        with pytest.raises(ValueError, match="page_size"):
            client.iter_users(page_size=0)
        with pytest.raises(ValueError, match="agent_id"):
            client.iter_agent_docs("")


def test_sync_iterators_cover_every_list() -> None:
    """Each list operation has a sync iterator that walks its pages."""
    with aioresponses() as mock:
        respond(mock, "GET", payload=items(DOC), repeat=True)
        with JulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            assert [d.id for d in client.iter_agent_docs(AGENT_ID, page_size=5)] == [DOC["id"]]
            assert len(list(client.iter_user_docs("u", page_size=5))) == 1
    with aioresponses() as mock:
        respond(mock, "GET", payload=items(MESSAGE), repeat=True)
        with JulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            history = list(client.iter_history(SESSION_ID, page_size=3))
        assert sent(mock)[0].query == {"limit": "3", "offset": "0"}
    assert history[0].content == MESSAGE["content"]
    with aioresponses() as mock:
        respond(mock, "GET", payload=items(MEMORY), repeat=True)
        with JulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            found = list(client.iter_agent_memories(AGENT_ID, query="tea"))
        assert sent(mock)[0].query == {"query": "tea", "limit": "100", "offset": "0"}
    assert found[0].content == "Ada likes tea"
    with aioresponses() as mock:
        respond(mock, "GET", payload={"items": []}, repeat=True)
        with JulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            for iterator in (
                client.iter_agents(),
                client.iter_users(),
                client.iter_sessions(),
                client.iter_agent_tools(AGENT_ID),
                client.iter_suggestions(SESSION_ID),
            ):
                assert list(iterator) == []
        assert len(sent(mock)) == 5


# README: the iter_* methods "walk every page"; the local server refuses a page
# holding more than MAX_PAGE_CHARS of text with a 422 saying how many items fit.


def test_sync_iterators_walk_pages_too_big_for_one_answer(
    julep_client: JulepApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Docs and history too big for one default page are walked at the size that fits."""
    from julep.server.store import _util

    monkeypatch.setattr(_util, "MAX_PAGE_CHARS", 1000)
    agent = julep_client.create_agent(name="Librarian")
    for index in range(7):
        julep_client.create_agent_doc(
            agent.id, request={"title": f"d{index}", "content": "q" * 300}
        )
    session = julep_client.create_session(agent_id=agent.id)
    for index in range(4):
        julep_client.chat(session.id, messages=[{"role": "user", "content": f"{index}" * 300}])
    with pytest.raises(julep.UnprocessableEntityError, match=r"so ask for limit=\d"):
        julep_client.get_agent_docs(agent.id)  # one plain page still says so
    titles = [doc.title for doc in julep_client.iter_agent_docs(agent.id, order="asc")]
    assert titles == [f"d{index}" for index in range(7)]
    assert len(list(julep_client.iter_history(session.id))) == 8


@pytest.mark.anyio
async def test_async_iterator_walks_pages_too_big_for_one_answer(
    async_julep_client: AsyncJulepApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    from julep.server.store import _util

    monkeypatch.setattr(_util, "MAX_PAGE_CHARS", 1000)
    agent = await async_julep_client.create_agent(name="Librarian")
    for index in range(5):
        await async_julep_client.create_agent_doc(
            agent.id, request={"title": f"d{index}", "content": "q" * 400}
        )
    titles = [doc.title async for doc in async_julep_client.iter_agent_docs(agent.id, order="asc")]
    assert titles == [f"d{index}" for index in range(5)]


@pytest.mark.anyio
async def test_other_422s_of_a_walk_are_raised() -> None:
    """Only the page-size refusal is retried smaller; any other 422 ends the walk."""
    with aioresponses() as mock:
        respond(mock, "GET", status=422, payload={"detail": "metadata_filter: not JSON"})
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            with pytest.raises(julep.UnprocessableEntityError, match="not JSON"):
                _ = [agent async for agent in client.iter_agents(page_size=10)]
        assert len(sent(mock)) == 1
