"""An agent's tools: create, list, replace the function, patch it, delete."""

from __future__ import annotations

import sqlite3

from ..._serde import converter
from ...models import FunctionDef, PartialFunctionDef, Tool
from .. import clock
from ..errors import not_found
from ..params import Page
from ._util import bounded_page, from_json, new_id, page_tail, require, to_json


def _tool(row: sqlite3.Row) -> Tool:
    return Tool(
        id=row["id"],
        type=row["type"],
        function=converter.structure(from_json(row["function"]), FunctionDef),
    )


def _function_json(function: FunctionDef) -> str:
    # Unset optional parts (a missing description) stay out of the stored JSON.
    return to_json({k: v for k, v in converter.unstructure(function).items() if v is not None})


def insert(
    conn: sqlite3.Connection, agent_id: str, tool_type: str, function: FunctionDef
) -> tuple[str, str]:
    tool_id, now = new_id(), clock.timestamp()
    conn.execute(
        "INSERT INTO tools (id, agent_id, type, function, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (tool_id, agent_id, tool_type, _function_json(function), now, now),
    )
    return tool_id, now


def create(
    conn: sqlite3.Connection, agent_id: str, tool_type: str, function: FunctionDef
) -> tuple[str, str]:
    require(conn, "agent_id", agent_id)
    return insert(conn, agent_id, tool_type, function)


def list_(conn: sqlite3.Connection, agent_id: str, page: Page) -> list[Tool]:
    require(conn, "agent_id", agent_id)
    tail, params = page_tail(page, "desc")
    rows = conn.execute(
        f"SELECT id, type, function FROM tools WHERE agent_id = ?{tail}",
        [agent_id, *params],
    )
    return [_tool(row) for row in bounded_page(rows, page.limit)]


def for_agent(conn: sqlite3.Connection, agent_id: str) -> list[Tool]:
    """All of an agent's tools, oldest first (the order they are offered to a model)."""
    rows = conn.execute(
        "SELECT id, type, function FROM tools WHERE agent_id = ? ORDER BY created_at",
        (agent_id,),
    )
    return [_tool(row) for row in rows]


def _current(conn: sqlite3.Connection, agent_id: str, tool_id: str) -> FunctionDef:
    require(conn, "agent_id", agent_id)
    row = conn.execute(
        "SELECT function FROM tools WHERE id = ? AND agent_id = ?", (tool_id, agent_id)
    ).fetchone()
    if row is None:
        raise not_found("Tool")
    return converter.structure(from_json(row[0]), FunctionDef)


def _store(conn: sqlite3.Connection, tool_id: str, function: FunctionDef) -> str:
    now = clock.timestamp()
    conn.execute(
        "UPDATE tools SET function = ?, updated_at = ? WHERE id = ?",
        (_function_json(function), now, tool_id),
    )
    return now


def replace(conn: sqlite3.Connection, agent_id: str, tool_id: str, function: FunctionDef) -> str:
    _current(conn, agent_id, tool_id)
    return _store(conn, tool_id, function)


def patch(conn: sqlite3.Connection, agent_id: str, tool_id: str, change: PartialFunctionDef) -> str:
    """Merge the given parts of the function; ``parameters`` is replaced as a whole."""
    current = _current(conn, agent_id, tool_id)
    merged = FunctionDef(
        name=current.name if change.name is None else change.name,
        description=current.description if change.description is None else change.description,
        parameters=current.parameters if change.parameters is None else change.parameters,
    )
    return _store(conn, tool_id, merged)


def delete(conn: sqlite3.Connection, agent_id: str, tool_id: str) -> str:
    """Delete the agent's tool (404 unless that agent has it); the agent need not exist."""
    cursor = conn.execute("DELETE FROM tools WHERE id = ? AND agent_id = ?", (tool_id, agent_id))
    if cursor.rowcount == 0:
        raise not_found("Tool")
    return clock.timestamp()
