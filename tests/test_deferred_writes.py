"""Deferred statements (``Executor.defer``, used for invoice history entries) run at the end of
their transaction, in the order they were deferred, and not at all when it rolls back; outside
a transaction there is nothing to run them at, so ``defer`` refuses. On the suite's database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy as sa

from coworkbill.db.database import make_database
from tests.support import fresh_database

T = sa.table("t", sa.column("n", sa.Integer))


def test_deferred_statements_run_at_commit_in_order_and_never_after_a_rollback(
    tmp_path: Path,
) -> None:
    async def scenario(url: str) -> tuple[list[int], list[int]]:
        db = make_database(url, 1, 2)
        await db.connect()
        try:
            key = "SERIAL" if url.startswith("postgres") else "INTEGER PRIMARY KEY"
            async with db.transaction() as con:
                await con.execute(sa.text(f"CREATE TABLE t (id {key}, n INTEGER)"))
            read = sa.select(T.c.n).order_by(sa.column("id"))
            async with db.transaction() as con:
                for n in (3, 1, 2):
                    con.defer(sa.insert(T).values(n=n))
                seen_inside = [r[0] for r in await con.fetch(read)]
            with pytest.raises(RuntimeError, match="undone"):
                async with db.transaction() as con:
                    con.defer(sa.insert(T).values(n=9))
                    raise RuntimeError("undone")
            with pytest.raises(RuntimeError, match="inside a transaction"):
                db.defer(sa.insert(T).values(n=8))  # type: ignore[union-attr]
            return seen_inside, [r[0] for r in await db.fetch(read)]
        finally:
            await db.close()

    with fresh_database(tmp_path, "cbdefer") as url:
        assert asyncio.run(scenario(url)) == ([], [3, 1, 2])
