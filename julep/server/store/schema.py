"""The SQLite schema.

No delete cascades, as on the Julep 0.3 server: deleting an agent or a user
removes that row only, and its sessions, docs, tools and memories stay
readable and deletable by their own ids (see the rules in ``julep.server``).
So the owner columns are plain ids, not foreign keys, and the connection
runs with foreign keys off (a database file written by an older version,
whose columns still say ``ON DELETE CASCADE``, behaves the same). The
full-text tables (FTS5, ranked with BM25) index docs and memories for recall
and memory search; triggers keep them in step with deletes.
"""

from __future__ import annotations

DDL = """
CREATE TABLE IF NOT EXISTS agents (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    about TEXT NOT NULL,
    model TEXT NOT NULL,
    instructions TEXT NOT NULL,
    default_settings TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS agents_created_at ON agents (created_at);
CREATE INDEX IF NOT EXISTS agents_updated_at ON agents (updated_at);

CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    about TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS users_created_at ON users (created_at);
CREATE INDEX IF NOT EXISTS users_updated_at ON users (updated_at);

CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL,
    user_id TEXT,
    situation TEXT,
    summary TEXT,
    metadata TEXT NOT NULL,
    render_templates INTEGER NOT NULL,
    token_budget INTEGER,
    context_overflow TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_agent_id ON sessions (agent_id);
CREATE INDEX IF NOT EXISTS sessions_user_id ON sessions (user_id);
CREATE INDEX IF NOT EXISTS sessions_created_at ON sessions (created_at);
CREATE INDEX IF NOT EXISTS sessions_updated_at ON sessions (updated_at);

CREATE TABLE IF NOT EXISTS docs (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    agent_id TEXT,
    user_id TEXT,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_agent_id ON docs (agent_id, created_at);
CREATE INDEX IF NOT EXISTS docs_user_id ON docs (user_id, created_at);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5 (body);
CREATE TRIGGER IF NOT EXISTS docs_fts_delete AFTER DELETE ON docs BEGIN
    DELETE FROM docs_fts WHERE rowid = old.rid;
END;

CREATE TABLE IF NOT EXISTS tools (
    id TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL,
    type TEXT NOT NULL,
    function TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS tools_agent_id ON tools (agent_id, created_at);

CREATE TABLE IF NOT EXISTS messages (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    session_id TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT,
    content TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_session_id ON messages (session_id, created_at);

CREATE TABLE IF NOT EXISTS suggestions (
    rid INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    target TEXT NOT NULL,
    content TEXT NOT NULL,
    message_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS suggestions_session_id ON suggestions (session_id, created_at);

CREATE TABLE IF NOT EXISTS memories (
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    agent_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    content TEXT NOT NULL,
    entities TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS memories_agent_id ON memories (agent_id, created_at);
CREATE INDEX IF NOT EXISTS memories_user_id ON memories (user_id);
CREATE VIRTUAL TABLE IF NOT EXISTS memories_fts USING fts5 (body);
CREATE TRIGGER IF NOT EXISTS memories_fts_delete AFTER DELETE ON memories BEGIN
    DELETE FROM memories_fts WHERE rowid = old.rid;
END;

CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

DROP TABLE IF EXISTS idempotency;  -- an older layout, not written with the writes it kept
CREATE TABLE IF NOT EXISTS idempotent_requests (
    key TEXT PRIMARY KEY,
    fingerprint BLOB NOT NULL,
    results BLOB NOT NULL,
    size INTEGER NOT NULL,
    stored_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS idempotent_requests_stored_at ON idempotent_requests (stored_at);
"""

# What ``LocalServer.count`` may count: the resources, not the bookkeeping tables.
COUNTABLE = (
    "agents",
    "users",
    "sessions",
    "docs",
    "tools",
    "messages",
    "suggestions",
    "memories",
    "jobs",
)
