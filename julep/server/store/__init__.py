"""Database work, as plain functions of a ``sqlite3.Connection``.

Each function runs on the database thread inside one transaction (see
``julep.server.db``) and returns SDK models, or raises ``RequestError``.
"""
