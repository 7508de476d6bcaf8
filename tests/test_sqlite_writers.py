"""SQLite writers of several worker processes queue on the ``-writers`` file lock, waited for
off the event loop. Two databases opened on one file stand in for two processes (a file lock
belongs to an open file, not to a process): while one holds a write transaction the other's
worker stays responsive, then writes as soon as the first commits."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa

from coworkbill.db.database import SqliteDatabase

T = sa.table("t", sa.column("n", sa.Integer))


def test_a_waiting_writer_leaves_its_event_loop_free(tmp_path: Path) -> None:
    path = str(tmp_path / "w.db")

    async def scenario() -> list[str]:
        first, second = SqliteDatabase(path), SqliteDatabase(path)
        await first.connect()
        await second.connect()
        events: list[str] = []
        try:
            async with first.transaction() as con:
                await con.execute(sa.text("CREATE TABLE t (n INTEGER)"))

            async def other_writer() -> None:
                async with second.transaction() as con:
                    await con.execute(sa.insert(T).values(n=2))
                events.append("second wrote")

            async with first.transaction() as con:
                await con.execute(sa.insert(T).values(n=1))
                waiting = asyncio.create_task(other_writer())
                await asyncio.sleep(0.3)  # runs only if the waiting writer left the loop free
                events.append("first still writing")
            await asyncio.wait_for(waiting, 5)
            rows = await second.fetch(sa.select(T.c.n).order_by(T.c.n))
            events.append(f"rows {[r[0] for r in rows]}")
        finally:
            await first.close()
            await second.close()
        return events

    assert asyncio.run(scenario()) == ["first still writing", "second wrote", "rows [1, 2]"]
