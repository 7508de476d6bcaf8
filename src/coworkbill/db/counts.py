"""Exact row counts per value of a declared column, kept by the database itself.

Why: counting a business's 220,000 invoices walks 220,000 index entries, 20-30 ms on
PostgreSQL, on every page of that list. Triggers (migration 0005) append a delta row (+n or
-n) to ``row_counts`` for each insert, delete or change of a counted column, inside the
writing transaction. A count is the sum of one value's delta rows: exact in any snapshot, like
count(*), and writers never wait for each other (there is no shared counter row to lock). When
a value has gathered many delta rows, the reader folds them into one (``compact``), in a
transaction of its own. Each delta row also says how many rows it changed (``changes``,
migration 0008, which also counts changes of the columns ``Resource.counted_orders`` names):
their sum is a version of the value's rows (``tally``).

Guarantees: ``exact_count`` (and ``tally``'s total) equals count(*) of the table's rows holding
that value, as the caller's snapshot sees them; folding changes no sum (of counts or of
changes), whoever else folds at the same time (each delta row is deleted by exactly one
folder, which writes back what it deleted); a value's sum of changes never decreases.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from coworkbill.db.database import Database, cached
from coworkbill.db.metadata import metadata

row_counts = sa.Table(
    "row_counts",
    metadata,
    sa.Column("table_name", sa.String(64), nullable=False),
    sa.Column("column_name", sa.String(64), nullable=False),
    sa.Column("value", sa.Integer, nullable=False),
    sa.Column("n", sa.BigInteger, nullable=False),
    # How many rows this delta changed (migration 0008): never negative, so a value's sum of
    # changes only grows (the version ``tally`` reads).
    sa.Column("changes", sa.BigInteger, nullable=False, server_default="0"),
    sa.Index("ix_row_counts_key", "table_name", "column_name", "value"),
)

C = row_counts.c
_KEY = (
    C.table_name == sa.bindparam("t", type_=sa.String),
    C.column_name == sa.bindparam("c", type_=sa.String),
    C.value == sa.bindparam("v", type_=sa.Integer),
)
_SUM = cached(
    sa.select(sa.func.coalesce(sa.func.sum(C.n), 0), sa.func.count()).where(*_KEY),
    "row-counts-sum",
)
_TAKE = cached(sa.delete(row_counts).where(*_KEY).returning(C.n, C.changes), "row-counts-take")
_PUT = cached(
    sa.insert(row_counts).values(
        table_name=sa.bindparam("t", type_=sa.String),
        column_name=sa.bindparam("c", type_=sa.String),
        value=sa.bindparam("v", type_=sa.Integer),
        n=sa.bindparam("n", type_=sa.BigInteger),
        changes=sa.bindparam("changes", type_=sa.BigInteger),
    ),
    "row-counts-put",
)
# Fold a value's delta rows once a count has to read more than this many.
COMPACT_AT = 32


def _key(column: Any, value: int) -> dict[str, Any]:
    return {"t": column.table.name, "c": column.name, "v": value}


async def exact_count(db: Database, column: Any, value: int) -> int:
    """count(*) of ``column``'s table where ``column = value``; ``column`` must be counted
    (a trigger of migration 0005 keeps its deltas)."""
    key = _key(column, value)
    row = await db.fetchrow(_SUM, key)
    total, deltas = (int(row[0]), int(row[1])) if row is not None else (0, 0)
    if deltas > COMPACT_AT:
        await compact(db, column, value)
    return total


async def compact(db: Database, column: Any, value: int) -> None:
    """Replace the value's delta rows by one row holding their sum."""
    key = _key(column, value)
    async with db.transaction() as con:
        taken = await con.fetch(_TAKE, key)
        if taken:
            n, changes = sum(int(r[0]) for r in taken), sum(int(r[1]) for r in taken)
            await con.execute(_PUT, {**key, "n": n, "changes": changes})


def tally(column: Any, value: Any) -> Any:
    """One row of the counts where ``column = value``, to be read in the same statement (one
    snapshot) as the rows it vouches for: ``total`` (what ``exact_count`` gives), ``deltas``
    (how many delta rows hold it: fold past COMPACT_AT) and ``version``, the number of changes
    ever made to those rows (inserts, deletes, moves between values, and changes of the
    columns the triggers watch).

    ``version`` is sound as a version: every committed change adds at least 1 and a fold keeps
    the sum, and a later snapshot sees everything an earlier one saw; so two snapshots that
    see the same sum see the same set of changes, hence the same rows in the same order."""
    key = (C.table_name == column.table.name, C.column_name == column.name, C.value == value)
    return (
        sa.select(
            sa.func.coalesce(sa.func.sum(C.changes), 0).label("version"),
            sa.func.coalesce(sa.func.sum(C.n), 0).label("total"),
            sa.func.count().label("deltas"),
        )
        .where(*key)
        .subquery("tally")
    )
