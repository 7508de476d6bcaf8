"""Statements built once per key, from bind parameters only, and compiled once per database.

Constructing a SQLAlchemy statement (and taking its cache key) costs more Python than a
primary-key read costs the database, so the statements every request runs (reads by id, the
INSERT and UPDATE of a column set, the full rows of a page's ids) are built here once and
marked with their key (``cached``); the executor then compiles each once per database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect

_statements: dict[Any, Any] = {}


def statement(key: Any, build: Callable[[], Any]) -> Any:
    """The statement ``build`` makes, built once per ``key`` and compiled once per database:
    constructing a SQLAlchemy Select costs more than running a primary-key read."""
    stmt = _statements.get(key)
    if stmt is None:
        stmt = _statements[key] = cached(build(), key)
    return stmt


def insert_stmt(table: sa.Table, keys: Iterable[str], returning: bool = True) -> Any:
    """``INSERT INTO table (keys) VALUES (...) [RETURNING id]``, built once per column set; run
    it with ``row_params(values)``. Building an INSERT (or an UPDATE) of
    seventy columns and taking its cache key costs more than the database's work on it."""
    cols = tuple(keys)

    def build() -> Any:
        stmt = sa.insert(table).values(
            {c: sa.bindparam(f"{c}_", type_=table.c[c].type) for c in cols}
        )
        return stmt.returning(table.c.id) if returning else stmt

    return statement(("insert", table.name, cols, returning), build)


def update_stmt(table: sa.Table, keys: Iterable[str]) -> Any:
    """``UPDATE table SET keys WHERE id = :id_``, built once per column set (see
    ``insert_stmt``); run it with ``row_params(values, ident)``."""
    cols = tuple(keys)
    return statement(
        ("update", table.name, cols),
        lambda: (
            sa.update(table)
            .where(table.c.id == sa.bindparam("id_", type_=sa.Integer))
            .values({c: sa.bindparam(f"{c}_", type_=table.c[c].type) for c in cols})
        ),
    )


def among(col: Any, name: str, dialect: Dialect) -> Any:
    """``col IN (the integers bound as name)``, with one SQL text whatever their number: an
    array on PostgreSQL, ``json_each`` on SQLite. (An expanding IN is rendered again for each
    call, which costs more Python than the query it runs, and is planned again for each
    length.)

    On PostgreSQL the array is read through a one-row sub-select, ``= ANY ((SELECT $1)::int[])``,
    so no plan can see its length: with ``= ANY ($1)`` every plan made for the actual values
    (a few ids) looked cheaper than the prepared statement's generic one (estimated for ten),
    and PostgreSQL planned the statement again on every execution, which cost more than running
    it (measured here: 180 us of server CPU per row for two ids, 45 us this way)."""
    if dialect.name == "postgresql":
        ints = ARRAY(sa.Integer)
        hidden = sa.cast(sa.select(sa.bindparam(name, type_=ints)).scalar_subquery(), ints)
        return col == sa.any_(hidden)
    values = sa.func.json_each(sa.bindparam(name, type_=sa.JSON)).table_valued("value")
    return col.in_(sa.select(values.c.value))


def row_params(values: dict[str, Any], ident: int | None = None) -> dict[str, Any]:
    """The parameters ``insert_stmt`` (or, with ``ident``, ``update_stmt``) takes for these
    column values. (A bind parameter may not share its column's name.)"""
    out = {f"{c}_": v for c, v in values.items()}
    if ident is not None:
        out["id_"] = ident
    return out


def cached(stmt: Any, key: Any) -> Any:
    """Mark a statement built only from bindparams so its compiled form is reused under ``key``."""
    stmt._cb_key = key
    return stmt
