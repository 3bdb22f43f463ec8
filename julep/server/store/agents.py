"""Agents: create (with tools and docs), read, list, replace, patch, delete."""

from __future__ import annotations

import sqlite3
import typing

from ..._serde import converter
from ...models import Agent, AgentDefaultSettings
from .. import clock
from ..errors import not_found
from ..params import ListQuery
from ..schemas import CreateAgentRequest, PatchAgentRequest, UpdateAgentRequest
from . import docs, jobs, tools
from ._util import bounded_page, from_json, list_tail, merged_metadata, new_id, to_json

DEFAULT_MODEL = "julep-ai/samantha-1-turbo"
# The API's documented defaults, filled in for every agent so clients see them.
DEFAULT_SETTINGS: dict[str, typing.Any] = {
    "frequency_penalty": 0.0,
    "length_penalty": 1.0,
    "presence_penalty": 0.0,
    "repetition_penalty": 1.0,
    "temperature": 0.75,
    "top_p": 1.0,
    "min_p": 0.01,
    "preset": None,
}
_COLUMNS = (
    "id, name, about, model, instructions, default_settings, metadata, created_at, updated_at"
)


def _settings(
    given: AgentDefaultSettings | None, base: dict[str, typing.Any]
) -> dict[str, typing.Any]:
    if given is None:
        return base
    changes = {k: v for k, v in converter.unstructure(given).items() if v is not None}
    return {**base, **changes}


def _instructions(value: str | list[str] | None) -> list[str]:
    # Stored and returned as a list, as the API of 0.3.x did.
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _agent(row: sqlite3.Row) -> Agent:
    return Agent(
        id=row["id"],
        name=row["name"],
        about=row["about"],
        model=row["model"],
        instructions=from_json(row["instructions"]),
        default_settings=AgentDefaultSettings(**from_json(row["default_settings"])),
        metadata=from_json(row["metadata"]),
        created_at=clock.parse(row["created_at"]),
        updated_at=clock.parse(row["updated_at"]),
    )


def create(conn: sqlite3.Connection, body: CreateAgentRequest) -> tuple[str, str, list[str]]:
    """Insert the agent and its tools and docs; returns (id, created_at, job ids)."""
    agent_id, now = new_id(), clock.timestamp()
    conn.execute(
        f"INSERT INTO agents ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            agent_id,
            body.name,
            body.about or "",
            body.model or DEFAULT_MODEL,
            to_json(_instructions(body.instructions)),
            to_json(_settings(body.default_settings, DEFAULT_SETTINGS)),
            to_json(body.metadata or {}),
            now,
            now,
        ),
    )
    for tool in body.tools or ():
        tools.insert(conn, agent_id, tool.type.value, tool.function)
    for doc in body.docs or ():
        docs.insert(conn, "agent_id", agent_id, doc)
    # One embedding job for all the docs, as the 0.3 API answered.
    return agent_id, now, [jobs.insert_done(conn, docs.EMBED_JOB)] if body.docs else []


def get(conn: sqlite3.Connection, agent_id: str) -> Agent:
    row = conn.execute(f"SELECT {_COLUMNS} FROM agents WHERE id = ?", (agent_id,)).fetchone()
    if row is None:
        raise not_found("Agent")
    return _agent(row)


def list_(conn: sqlite3.Connection, query: ListQuery) -> list[Agent]:
    tail, params = list_tail(query)
    rows = conn.execute(f"SELECT {_COLUMNS} FROM agents WHERE 1{tail}", params)
    return [_agent(row) for row in bounded_page(rows, query.limit)]


def replace(conn: sqlite3.Connection, agent_id: str, body: UpdateAgentRequest) -> str:
    """PUT: every field is set; the ones left out go back to their defaults."""
    now = clock.timestamp()
    cursor = conn.execute(
        "UPDATE agents SET name = ?, about = ?, model = ?, instructions = ?, default_settings = ?,"
        " metadata = ?, updated_at = ? WHERE id = ?",
        (
            body.name,
            body.about,
            body.model or DEFAULT_MODEL,
            to_json(_instructions(body.instructions)),
            to_json(_settings(body.default_settings, DEFAULT_SETTINGS)),
            to_json(body.metadata or {}),
            now,
            agent_id,
        ),
    )
    if cursor.rowcount == 0:
        raise not_found("Agent")
    return now


def patch(conn: sqlite3.Connection, agent_id: str, body: PatchAgentRequest) -> str:
    """PATCH: only fields present and not null change; metadata and settings merge."""
    current = get(conn, agent_id)
    now = clock.timestamp()
    old_settings = converter.unstructure(current.default_settings)
    conn.execute(
        "UPDATE agents SET name = ?, about = ?, model = ?, instructions = ?, default_settings = ?,"
        " metadata = ?, updated_at = ? WHERE id = ?",
        (
            current.name if body.name is None else body.name,
            current.about if body.about is None else body.about,
            current.model if body.model is None else body.model,
            to_json(
                current.instructions
                if body.instructions is None
                else _instructions(body.instructions)
            ),
            to_json(_settings(body.default_settings, old_settings)),
            merged_metadata(current.metadata, body.metadata),
            now,
            agent_id,
        ),
    )
    return now


def delete(conn: sqlite3.Connection, agent_id: str) -> str:
    """Delete the agent row only (404 when absent); its sessions, docs, tools and
    memories stay, reachable and deletable by their own ids."""
    if conn.execute("DELETE FROM agents WHERE id = ?", (agent_id,)).rowcount == 0:
        raise not_found("Agent")
    return clock.timestamp()
