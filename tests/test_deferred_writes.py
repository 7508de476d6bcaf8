"""Deferred statements (``Executor.defer``, used for invoice history entries and PUT's write)
run before the next statement of their transaction or at its end, in the order they were
deferred, and not at all when it rolls back: a read inside the transaction sees them, as if
they had run when deferred. Outside a transaction there is nothing to run them at, so
``defer`` refuses. On the suite's database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from coworkbill.db.database import Database, IntegrityViolation, make_database
from tests.support import fresh_database

T = sa.table("t", sa.column("n", sa.Integer))


async def _with_tables(url: str) -> Database:
    """The suite's database, connected, with tables t (id, n) and u (id, m unique)."""
    db = make_database(url, 1, 2)
    await db.connect()
    key = "SERIAL" if url.startswith("postgres") else "INTEGER PRIMARY KEY"
    async with db.transaction() as con:
        await con.execute(sa.text(f"CREATE TABLE t (id {key}, n INTEGER)"))
        await con.execute(sa.text(f"CREATE TABLE u (id {key}, m INTEGER UNIQUE)"))
    return db


def test_deferred_statements_run_in_order_before_what_follows_and_never_after_a_rollback(
    tmp_path: Path,
) -> None:
    async def scenario(url: str) -> tuple[list[int], list[int]]:
        db = await _with_tables(url)
        try:
            read = sa.select(T.c.n).order_by(sa.column("id"))
            async with db.transaction() as con:
                for n in (3, 1, 2):
                    con.defer(sa.insert(T).values(n=n))
                seen_inside = [r[0] for r in await con.fetch(read)]
                con.defer(sa.update(T).where(T.c.n == 1).values(n=4))
                await con.execute(sa.update(T).where(T.c.n == 4).values(n=5))
                con.defer(sa.insert(T).values(n=6))
            with pytest.raises(RuntimeError, match="undone"):
                async with db.transaction() as con:
                    con.defer(sa.insert(T).values(n=9))
                    raise RuntimeError("undone")
            with pytest.raises(RuntimeError, match="inside a transaction"):
                db.defer(sa.insert(T).values(n=8))
            return seen_inside, [r[0] for r in await db.fetch(read)]
        finally:
            await db.close()

    with fresh_database(tmp_path, "cbdefer") as url:
        # The update deferred before the immediate one ran first (1 -> 4 -> 5); the last
        # insert ran at commit.
        assert asyncio.run(scenario(url)) == ([3, 1, 2], [3, 5, 2, 6])


# A Table with a primary key, like the app's: SQLAlchemy adds RETURNING to its inserts.
U = sa.Table(
    "u",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("m", sa.Integer, unique=True),
)


def test_deferred_writes_to_several_tables_land_together_or_not_at_all(
    tmp_path: Path,
) -> None:
    """On PostgreSQL a transaction's deferred writes travel as one statement when they can
    (one run of inserts or one update per table); either way every write lands, each table's
    in the order deferred, and a constraint violation in any of them undoes all."""

    async def scenario(url: str) -> tuple[list[int], list[int], list[int], list[int]]:
        db = await _with_tables(url)
        try:
            t_read = sa.select(T.c.n).order_by(sa.column("id"))
            u_read = sa.select(U.c.m).order_by(sa.column("id"))
            async with db.transaction() as con:  # one run per table: combined
                con.defer(sa.insert(T).values(n=1))
                for m in (30, 10, 20):
                    con.defer(sa.insert(U).values(m=m))
            async with db.transaction() as con:  # t, u, t: combined, t's rows in order
                con.defer(sa.insert(T).values(n=2))
                con.defer(sa.insert(U).values(m=40))
                con.defer(sa.insert(T).values(n=3))
            async with db.transaction() as con:  # an update and an insert: combined
                con.defer(sa.update(T).where(sa.column("id") == 1).values(n=10))
                con.defer(sa.insert(U).values(m=60))
            async with db.transaction() as con:  # two updates of one table: one by one
                con.defer(sa.update(T).where(sa.column("id") == 2).values(n=20))
                con.defer(sa.update(T).where(sa.column("id") == 2).values(n=21))
            first = [r[0] for r in await db.fetch(t_read)], [r[0] for r in await db.fetch(u_read)]
            with pytest.raises(IntegrityViolation):
                async with db.transaction() as con:
                    con.defer(sa.insert(T).values(n=4))
                    con.defer(sa.insert(U).values(m=50))
                    con.defer(sa.insert(U).values(m=10))  # taken
            after = [r[0] for r in await db.fetch(t_read)], [r[0] for r in await db.fetch(u_read)]
            return *first, *after
        finally:
            await db.close()

    with fresh_database(tmp_path, "cbdefer2") as url:
        t1, u1, t2, u2 = asyncio.run(scenario(url))
    assert (t1, u1) == ([10, 21, 3], [30, 10, 20, 40, 60])
    assert (t2, u2) == (t1, u1)
