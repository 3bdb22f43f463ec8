"""chat(messages=...), chat(tools=...), create_agent(tools=..., docs=...) and
create_user(docs=...) are annotated typing.Sequence[...] (mypy --strict accepts a
collections.UserList, a deque or any Sequence of your own), but at run time only a
list or a tuple passes: "TypeError: messages must be a list of InputChatMlMessage,
got UserList". The signature promises what the check refuses.
"""
from __future__ import annotations

import collections
import collections.abc
import sys

from julep import JulepApi
from julep.server import LocalServer


class Messages(collections.abc.Sequence):  # type: ignore[type-arg]
    def __init__(self, *items: object) -> None:
        self._items = list(items)

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)


bad = 0
with LocalServer() as server, JulepApi(api_key="sk-repro-0123456", base_url=server.base_url) as client:
    agent = client.create_agent(name="a")
    session = client.create_session(agent_id=agent.id)
    message = {"role": "user", "content": "hi"}
    for messages in (collections.UserList([message]), collections.deque([message]), Messages(message)):
        try:
            reply = client.chat(session.id, messages=messages)
            print("ok ", type(messages).__name__, reply.response[0][0].content[:30])
        except TypeError as exc:
            bad += 1
            print("BAD", type(messages).__name__, exc)
sys.exit(1 if bad else 0)
