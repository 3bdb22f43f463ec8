"""Checked by mypy --strict, never run: the export methods of every model are typed."""

from __future__ import annotations

import typing

from typing_extensions import assert_type

import julep


def exports(agent: julep.Agent, message: julep.InputChatMlMessage) -> None:
    assert_type(agent.dict(), dict[str, typing.Any])
    assert_type(
        agent.dict(exclude_unset=False, include={"id"}, by_alias=False), dict[str, typing.Any]
    )
    assert_type(message.json(indent=2), str)
    assert_type(agent.to_dict(exclude_none=True), dict[str, typing.Any])
    assert_type(agent.to_json(exclude={"created_at"}), str)
    agent.dict(exclude_unsett=True)  # type: ignore[call-arg]
