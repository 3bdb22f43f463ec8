"""The session the chats go to: the one given, or one made (and deleted) for the run."""

from __future__ import annotations

import dataclasses

from ..client import AsyncJulepApi
from ..errors import JulepError


@dataclasses.dataclass
class Fixtures:
    """The session to chat in, and what was created for it (deleted at the end)."""

    session_id: str
    created: list[tuple[str, str]]  # (kind, id), in the order they must be deleted


async def prepare(
    client: AsyncJulepApi, agent_id: str | None, user_id: str | None, session_id: str | None
) -> Fixtures:
    """Use the given session, or make one from the given (or new) agent and user."""
    if session_id is not None:
        return Fixtures(session_id, [])
    created: list[tuple[str, str]] = []
    try:
        if agent_id is None:
            agent_id = (
                await client.create_agent(
                    name="julep-bench",
                    about="Created by python -m julep bench; deleted when the run ends.",
                    instructions=["Answer in one short sentence."],
                )
            ).id
            created.insert(0, ("agent", agent_id))
        if user_id is None:
            user_id = (await client.create_user(name="julep-bench")).id
            created.insert(0, ("user", user_id))
        session_id = (await client.create_session(agent_id=agent_id, user_id=user_id)).id
        created.insert(0, ("session", session_id))
    except BaseException:  # an error or Ctrl+C: either way, leave nothing behind
        await cleanup(client, Fixtures("", created))
        raise
    return Fixtures(session_id, created)


async def cleanup(client: AsyncJulepApi, fixtures: Fixtures) -> list[str]:
    """Delete what ``prepare`` created; the failures, as messages (they do not stop the rest)."""
    deleters = {
        "session": client.delete_session,
        "user": client.delete_user,
        "agent": client.delete_agent,
    }
    failures = []
    for kind, ident in fixtures.created:
        try:
            await deleters[kind](ident)
        except JulepError as exc:
            failures.append(f"could not delete the {kind} {ident}: {exc}")
    return failures
