"""A list page holds at most MAX_PAGE_CHARS of text, whatever limit asks for: past it a
422 names limit and how many items fit, so one list never builds gigabytes."""

from __future__ import annotations

import re
import typing
import uuid

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import julep
from julep.server.errors import RequestError
from julep.server.store import _util

from .helpers import Api

pytestmark = pytest.mark.anyio

_FITS = re.compile(r"^limit: a page of (\d+) items .* the first (\d+) fit, so ask for limit=\2")


async def _create(api: Api, kind: str, text: str, owner: dict[str, str]) -> None:
    """One item of the list ``kind``, holding ``text`` in its long field."""
    if kind == "agents":
        await api.agent(about=text, metadata=owner)
    elif kind == "users":
        await api.user(about=text, metadata=owner)
    elif kind == "sessions":
        await api.session(owner["agent"], situation=text, metadata=owner)
    elif kind in ("agent docs", "user docs"):
        path = f"/agents/{owner['agent']}/docs" if kind == "agent docs" else None
        path = path or f"/users/{owner['user']}/docs"
        reply = await api.post(path, json={"title": "t", "content": text})
        assert reply.status in (200, 201), reply
    elif kind == "history":
        reply = await api.chat(owner["session"], text)
        assert reply.status == 200, reply


def _list_path(kind: str, owner: dict[str, str]) -> tuple[str, dict[str, str]]:
    by_run = {"metadata_filter": orjson.dumps({"run": owner["run"]}).decode()}
    return {
        "agents": ("/agents", by_run),
        "users": ("/users", by_run),
        "sessions": ("/sessions", by_run),
        "agent docs": (f"/agents/{owner['agent']}/docs", {}),
        "user docs": (f"/users/{owner['user']}/docs", {}),
        "history": (f"/sessions/{owner['session']}/history", {}),
    }[kind]


@pytest.mark.parametrize(
    "kind", ["agents", "users", "sessions", "agent docs", "user docs", "history"]
)
async def test_a_page_past_the_bound_is_a_422_saying_how_many_fit(
    api: Api, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_util, "MAX_PAGE_CHARS", 2_000)
    run = uuid.uuid4().hex
    agent = await api.agent(metadata={"other": run})
    user = await api.user(metadata={"other": run})
    owner = {"run": run, "agent": agent, "user": user}
    owner["session"] = await api.session(agent, user, metadata={"other": run})
    for _ in range(4):
        await _create(api, kind, "x" * 600, owner)
    path, params = _list_path(kind, owner)
    refused = await api.get(path, params={**params, "limit": "100"})
    assert refused.status == 422, refused
    found = _FITS.match(refused.body["detail"])
    assert found and found.group(1) == "100", refused.body
    fits = int(found.group(2))
    assert 1 <= fits < 4
    # Paging with that limit reads every item.
    items: list[typing.Any] = []
    while True:
        page = await api.get(path, params={**params, "limit": str(fits), "offset": str(len(items))})
        assert page.status == 200, page
        items += page.body["items"]
        if len(page.body["items"]) < fits:
            break
    texts = [str(item) for item in items]
    assert sum("x" * 600 in text for text in texts) == (8 if kind == "history" else 4)


@given(
    rows=st.lists(st.lists(st.text(max_size=5) | st.none() | st.integers(), max_size=4)),
    bound=st.integers(0, 20),
)
def test_bounded_page_sends_the_longest_prefix_that_fits(
    rows: list[list[typing.Any]], bound: int
) -> None:
    """Rows go through while their text fits; the first row always does; past the bound
    the error names the count of rows that fit, and only text columns count."""
    sizes = [sum(len(value) for value in row if isinstance(value, str)) for row in rows]
    fits = len(rows)
    for count in range(1, len(rows)):
        if sum(sizes[: count + 1]) > bound:
            fits = count
            break
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_util, "MAX_PAGE_CHARS", bound)
        page = _util.bounded_page(iter(rows), 7)  # type: ignore[arg-type]
        sent = []
        if fits == len(rows):
            sent = list(page)
        else:
            refusal = rf"the first {fits} fit, so ask for limit={fits}"
            with pytest.raises(RequestError, match=refusal):
                for row in page:
                    sent.append(row)
    assert sent == rows[:fits]


async def test_real_sizes_through_the_sdk(julep_server_url: str) -> None:
    """Five agents of 3.5 Mi characters (17.5 Mi, past 16 Mi): the default list is a
    422 the SDK raises, not a 100 MiB body it refuses; limit=4 pages read them all."""
    async with julep.AsyncJulepApi(api_key="k", base_url=julep_server_url) as client:
        about = "z" * (3 * 1024 * 1024 + 512 * 1024)
        for index in range(5):
            await client.create_agent(name=str(index), about=about)
        with pytest.raises(julep.UnprocessableEntityError, match=r"limit=4 or less"):
            await client.list_agents()
        first = await client.list_agents(limit=4)
        rest = await client.list_agents(limit=4, offset=4)
        names = sorted(agent.name for agent in [*first.items, *rest.items])
        assert names == ["0", "1", "2", "3", "4"]
