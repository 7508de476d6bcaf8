"""The database a process talks to, chosen by URL, and everything callers import from here.

SQLite by default (``db/sqlite.py``), PostgreSQL through ``COWORKBILL_DATABASE_URL``
(``db/postgres.py``); both run statements compiled by ``db/executor.py``.
"""

from __future__ import annotations

import re

from coworkbill.db.executor import (
    Compiled,
    Executor,
    IntegrityViolation,
    Reused,
    Row,
    compile_for,
)
from coworkbill.db.postgres import PgConn, PgDatabase
from coworkbill.db.sqlite import SqliteConn, SqliteDatabase, configure_sqlite
from coworkbill.db.statements import (
    among,
    cached,
    insert_stmt,
    row_params,
    statement,
    update_stmt,
)

__all__ = [
    "Compiled",
    "Database",
    "Executor",
    "IntegrityViolation",
    "PgConn",
    "PgDatabase",
    "Reused",
    "Row",
    "SqliteConn",
    "SqliteDatabase",
    "among",
    "cached",
    "compile_for",
    "configure_sqlite",
    "insert_stmt",
    "make_database",
    "row_params",
    "statement",
    "sync_url",
    "update_stmt",
]

Database = SqliteDatabase | PgDatabase


def sqlite_path(url: str) -> str:
    path = url.split(":///", 1)[1] if ":///" in url else ""
    return path or ":memory:"


def make_database(url: str, pool_min: int = 2, pool_max: int = 10) -> Database:
    if url.startswith("sqlite"):
        return SqliteDatabase(sqlite_path(url))
    dsn = re.sub(r"^postgresql\+\w+://", "postgresql://", url)
    dsn = dsn.replace("postgres://", "postgresql://", 1)
    return PgDatabase(dsn, pool_min, pool_max)


def sync_url(url: str) -> str:
    """The URL SQLAlchemy's own (sync) engine uses for migrations and bulk loads."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
