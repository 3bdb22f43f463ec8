"""Chat: the assembled context, recall, record, remember, suggestions and the echo model."""

from __future__ import annotations

import datetime as dt
import json
import typing

import pytest

from .helpers import Api, wait_for_job

pytestmark = pytest.mark.anyio


async def _setup(api: Api, *, with_user: bool = True) -> tuple[str, str, str | None]:
    agent_id = await api.agent(
        name="Guide",
        about="a travel guide",
        instructions=["answer briefly"],
        docs=[
            {"title": "Paris facts", "content": "Paris is the capital of France."},
            {"title": "Cooking", "content": "Boil pasta for ten minutes."},
        ],
    )
    user_id = None
    if with_user:
        user_id = await api.user(
            docs=[{"title": "Bob's trip", "content": "Bob visits Paris in May."}]
        )
    session_id = await api.session(agent_id, user_id, situation="planning a trip")
    return agent_id, session_id, user_id


def _reply(body: dict[str, object]) -> str:
    return body["response"][0][0]["content"]  # type: ignore[index,no-any-return]


async def test_chat_response_shape(api: Api) -> None:
    """A chat answers 200 with every field the SDK requires."""
    _, session_id, _ = await _setup(api)
    reply = await api.chat(session_id, "hello")
    assert reply.status == 200
    body = reply.body
    assert set(body) == {"id", "finish_reason", "response", "usage", "jobs", "doc_ids"}
    (message,) = body["response"][0]
    assert message["role"] == "assistant" and message["id"] and message["content"]
    assert dt.datetime.fromisoformat(message["created_at"]).tzinfo is not None
    assert set(body["usage"]) == {"prompt_tokens", "completion_tokens", "total_tokens"}


async def test_the_history_in_the_context_is_bounded_in_size(api: Api) -> None:
    """The latest messages up to HISTORY_WINDOW_CHARS of stored text, newest first: a
    session of huge messages made every later chat read them all (atkV repro/03)."""
    from julep.server.store.chat import HISTORY_WINDOW_CHARS

    _, session_id, _ = await _setup(api)
    big = "word " * (HISTORY_WINDOW_CHARS // 15)  # a third of the window; 200-word replies
    for _ in range(4):
        assert (await api.chat(session_id, big, recall=False)).status == 200
    history = (await api.get(f"/sessions/{session_id}/history")).body["items"]
    assert len(history) == 8
    expected, size = 0, 0
    for message in reversed(history):  # newest first, as the window is filled
        size += len(json.dumps(message["content"], ensure_ascii=False, separators=(",", ":")))
        if size > HISTORY_WINDOW_CHARS:
            break
        expected += 1
    assert 0 < expected < len(history)
    body = (await api.chat(session_id, "hi", recall=False)).body
    assert f"I remember {expected} earlier messages." in _reply(body)


async def test_the_context_holds_the_latest_50_messages(api: Api) -> None:
    """README: "A chat's context holds the session's latest 50 messages": past 25
    exchanges, the echo model remembers 50 earlier messages, never more, while the
    history keeps them all."""
    _, session_id, _ = await _setup(api, with_user=False)
    for turn in range(26):
        body = (await api.chat(session_id, f"turn {turn}", recall=False)).body
    assert "I remember 50 earlier messages." in _reply(body)  # 25 exchanges before
    body = (await api.chat(session_id, "one more", recall=False)).body
    assert "I remember 50 earlier messages." in _reply(body)
    history = (await api.get(f"/sessions/{session_id}/history?limit=1000")).body["items"]
    assert len(history) == 54


async def test_context_holds_instructions_situation_and_recalled_docs(api: Api) -> None:
    """The echo reply shows the context: the message, recalled docs, instructions, situation."""
    _, session_id, _ = await _setup(api)
    body = (await api.chat(session_id, "Is Paris the capital of France?")).body
    text = _reply(body)
    assert 'You said: "Is Paris the capital of France?".' in text
    assert "I recalled: Paris facts, Bob's trip." in text
    assert "answer briefly" in text and "planning a trip" in text
    assert "Cooking" not in text


async def test_doc_ids_name_the_recalled_docs_by_owner(api: Api) -> None:
    """doc_ids lists the recalled docs of the agent and of the user separately."""
    agent_id, session_id, user_id = await _setup(api)
    agent_docs = {
        d["title"]: d["id"] for d in (await api.get(f"/agents/{agent_id}/docs")).body["items"]
    }
    user_docs = [d["id"] for d in (await api.get(f"/users/{user_id}/docs")).body["items"]]
    body = (await api.chat(session_id, "Tell me about Paris")).body
    assert body["doc_ids"] == {
        "agent_doc_ids": [agent_docs["Paris facts"]],
        "user_doc_ids": user_docs,
    }
    body = (await api.chat(session_id, "How long do I boil pasta?")).body
    assert body["doc_ids"] == {"agent_doc_ids": [agent_docs["Cooking"]], "user_doc_ids": []}


async def test_recall_false_recalls_nothing(api: Api) -> None:
    """With recall false no docs are used."""
    _, session_id, _ = await _setup(api)
    body = (await api.chat(session_id, "Paris", recall=False)).body
    assert body["doc_ids"] == {"agent_doc_ids": [], "user_doc_ids": []}
    assert "recalled" not in _reply(body)


async def test_record_appends_in_order_and_history_feeds_the_next_turn(api: Api) -> None:
    """Recorded exchanges come back oldest first with increasing times, and count as history."""
    _, session_id, _ = await _setup(api)
    await api.chat(session_id, "one")
    body = {"messages": [{"role": "user", "content": "two"}, {"role": "user", "content": "three"}]}
    second = (await api.post(f"/sessions/{session_id}/chat", json=body)).body
    assert "I remember 2 earlier messages." in _reply(second)
    history = (await api.get(f"/sessions/{session_id}/history")).body["items"]
    assert [(m["role"], m["content"][:9]) for m in history] == [
        ("user", "one"),
        ("assistant", "You said:"),
        ("user", "two"),
        ("user", "three"),
        ("assistant", "You said:"),
    ]
    times = [dt.datetime.fromisoformat(m["created_at"]) for m in history]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert history[-1]["id"] == second["response"][0][0]["id"]


async def test_record_false_leaves_history_alone(api: Api) -> None:
    """With record false nothing is added to the history."""
    _, session_id, _ = await _setup(api)
    await api.chat(session_id, "secret", record=False)
    assert (await api.get(f"/sessions/{session_id}/history")).body == {"items": []}


async def test_history_paging_and_clearing(api: Api) -> None:
    """History pages with limit/offset, and DELETE clears it (202)."""
    _, session_id, _ = await _setup(api)
    for text in ("a", "b"):
        await api.chat(session_id, text, remember=False)
    page = (
        await api.get(f"/sessions/{session_id}/history", params={"limit": "1", "offset": "2"})
    ).body
    assert [m["content"] for m in page["items"]] == ["b"]
    assert (await api.delete(f"/sessions/{session_id}/history")).status == 202
    assert (await api.get(f"/sessions/{session_id}/history")).body == {"items": []}
    assert (await api.get(f"/sessions/{session_id}/suggestions")).body == {"items": []}


async def test_content_parts_are_kept(api: Api) -> None:
    """Messages with content parts are read for their text and stored as parts."""
    _, session_id, _ = await _setup(api)
    parts = [
        {"type": "text", "text": "look at"},
        {"type": "image_url", "image_url": {"url": "data:,x"}},
    ]
    body = {"messages": [{"role": "user", "content": parts}], "remember": False}
    reply = await api.post(f"/sessions/{session_id}/chat", json=body)
    assert 'You said: "look at".' in _reply(reply.body)
    first = (await api.get(f"/sessions/{session_id}/history")).body["items"][0]
    assert first["content"][0] == {"type": "text", "text": "look at"}
    assert first["content"][1]["image_url"]["url"] == "data:,x"


async def test_suggestions_follow_each_recorded_exchange_newest_first(api: Api) -> None:
    """Each recorded exchange adds one user suggestion naming the reply's entities."""
    _, session_id, _ = await _setup(api)
    first = (await api.chat(session_id, "Is Rome nice?", recall=False)).body
    second = (await api.chat(session_id, "hello there", recall=False)).body
    items = (await api.get(f"/sessions/{session_id}/suggestions")).body["items"]
    assert [(s["target"], s["content"], s["message_id"]) for s in items] == [
        ("user", "Tell me more.", second["response"][0][0]["id"]),
        ("user", "Tell me more about Rome.", first["response"][0][0]["id"]),
    ]
    assert all(s["session_id"] == session_id for s in items)


async def test_remember_job_goes_from_pending_to_succeeded(api: Api) -> None:
    """remember queues a job: pending at first, then succeeded, with memories formed."""
    agent_id, session_id, user_id = await _setup(api)
    body = (await api.chat(session_id, "My sister Alice lives in Berlin")).body
    (job_id,) = body["jobs"]
    job = (await api.get(f"/jobs/{job_id}")).body
    assert (job["state"], job["name"]) == ("pending", "remember")
    assert (await wait_for_job(api, job_id))["state"] == "succeeded"
    (memory,) = (await api.get(f"/agents/{agent_id}/memories", params={"query": "Berlin"})).body[
        "items"
    ]
    assert memory["content"] == "My sister Alice lives in Berlin"
    assert (memory["agent_id"], memory["user_id"]) == (agent_id, user_id)
    assert memory["entities"] == [
        {"name": "Alice", "type": "proper_noun"},
        {"name": "Berlin", "type": "proper_noun"},
    ]


async def test_memories_are_ranked_by_the_query(api: Api) -> None:
    """Memory search puts the best text match first and leaves out non-matches."""
    agent_id, session_id, user_id = await _setup(api)
    jobs = []
    for text in ("I like green tea", "My dog is called Rex", "Tea with milk and tea with lemon"):
        jobs += (await api.chat(session_id, text)).body["jobs"]
    for job_id in jobs:
        await wait_for_job(api, job_id)
    path = f"/agents/{agent_id}/memories"
    found = [m["content"] for m in (await api.get(path, params={"query": "tea"})).body["items"]]
    assert found == ["Tea with milk and tea with lemon", "I like green tea"]
    found = [m["content"] for m in (await api.get(path, params={"query": "dog Rex"})).body["items"]]
    assert found == ["My dog is called Rex"]
    everything = (await api.get(path, params={"query": "", "user_id": user_id})).body["items"]
    assert len(everything) == 3
    assert (await api.get(path)).body == {"detail": "query: field required"}


async def test_a_memory_can_be_deleted(api: Api) -> None:
    """DELETE of a memory is 202, then it is gone (404)."""
    agent_id, session_id, _ = await _setup(api)
    await wait_for_job(api, (await api.chat(session_id, "Remember Oslo")).body["jobs"][0])
    path = f"/agents/{agent_id}/memories"
    (memory,) = (await api.get(path, params={"query": "Oslo"})).body["items"]
    assert (await api.delete(f"{path}/{memory['id']}")).status == 202
    assert (await api.delete(f"{path}/{memory['id']}")).body == {"detail": "Memory not found"}


async def test_a_session_without_user_remembers_nothing(api: Api) -> None:
    """Memories are about a user: without one the job succeeds and says why."""
    agent_id, session_id, _ = await _setup(api, with_user=False)
    job = await wait_for_job(api, (await api.chat(session_id, "Remember Oslo")).body["jobs"][0])
    assert job["state"] == "succeeded"
    assert "no user" in job["reason"]
    assert (await api.get(f"/agents/{agent_id}/memories", params={"query": "Oslo"})).body == {
        "items": []
    }


async def test_remember_false_queues_no_job(api: Api) -> None:
    """With remember false the response names no job."""
    _, session_id, _ = await _setup(api)
    assert (await api.chat(session_id, "hi", remember=False)).body["jobs"] == []


async def test_max_tokens_cuts_the_reply(api: Api) -> None:
    """max_tokens counts words; a cut reply finishes with length."""
    _, session_id, _ = await _setup(api)
    body = (await api.chat(session_id, "one two three four five six", max_tokens=3)).body
    assert (_reply(body), body["finish_reason"]) == ('You said: "one', "length")
    assert body["usage"]["completion_tokens"] == 3


async def test_stop_sequence_cuts_before_it(api: Api) -> None:
    """The reply ends before the first stop sequence, finishing with stop."""
    _, session_id, _ = await _setup(api)
    body = (
        await api.chat(session_id, "alpha beta gamma", stop=["gamma", "beta"], recall=False)
    ).body
    assert (_reply(body), body["finish_reason"]) == ('You said: "alpha', "stop")
    body = (await api.chat(session_id, "alpha beta", stop="beta", recall=False)).body
    assert _reply(body) == 'You said: "alpha'


async def test_seed_varies_the_reply_deterministically(api: Api) -> None:
    """The same seed gives the same reply; different seeds vary it."""
    _, session_id, _ = await _setup(api)
    settings: dict[str, typing.Any] = {"record": False, "remember": False, "recall": False}
    replies = {
        seed: _reply((await api.chat(session_id, "hi", seed=seed, **settings)).body)
        for seed in range(8)
    }
    assert _reply((await api.chat(session_id, "hi", seed=3, **settings)).body) == replies[3]
    assert len(set(replies.values())) > 1
    assert _reply((await api.chat(session_id, "hi", **settings)).body).startswith("You said")


async def test_usage_counts_words_of_context_and_reply(api: Api) -> None:
    """prompt_tokens are the words of the assembled context, completion the reply's words."""
    agent_id = await api.agent(name="Ann", about="")
    session_id = await api.session(agent_id)
    body = (await api.chat(session_id, "a b c")).body
    usage = body["usage"]
    assert usage["prompt_tokens"] == 3 + 3  # "You are Ann." and "a b c"
    assert usage["completion_tokens"] == len(_reply(body).split())
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


async def test_token_budget_drops_the_oldest_history(api: Api) -> None:
    """A session's token_budget trims the oldest history so the context fits."""
    agent_id = await api.agent(name="Ann", about="")
    session_id = await api.session(agent_id, token_budget=12)
    for _ in range(3):
        await api.chat(session_id, "x", remember=False)
    body = (await api.chat(session_id, "x", remember=False)).body
    assert body["usage"]["prompt_tokens"] <= 12


async def test_chat_of_unknown_session_is_404_and_empty_messages_422(api: Api) -> None:
    """An unknown session is 404; a chat with no messages is 422."""
    agent_id = await api.agent()
    reply = await api.chat("00000000-0000-4000-8000-000000000000", "hi")
    assert (reply.status, reply.body) == (404, {"detail": "Session not found"})
    session_id = await api.session(agent_id)
    reply = await api.post(f"/sessions/{session_id}/chat", json={"messages": []})
    assert (reply.status, reply.body) == (422, {"detail": "messages: must hold at least one item"})


async def test_the_wrappers_chat_body_is_accepted(api: Api) -> None:
    """0.3.9's sessions.chat sends every setting, most as null, and no min_p/preset/record."""
    _, session_id, _ = await _setup(api)
    body = {
        "messages": [{"role": "user", "content": "hi", "name": None}],
        **dict.fromkeys(
            [
                "tools",
                "tool_choice",
                "frequency_penalty",
                "length_penalty",
                "logit_bias",
                "max_tokens",
                "presence_penalty",
                "repetition_penalty",
                "response_format",
                "seed",
                "stop",
                "stream",
                "temperature",
                "top_p",
            ],
        ),
        "recall": True,
        "remember": True,
    }
    reply = await api.post(f"/sessions/{session_id}/chat", json=body)
    assert reply.status == 200, reply.body
