"""The PostgreSQL connection lender (db/lease.py): limits, order, and what it never lends again.

The lender only opens, hands out, takes back and terminates connection objects; it never talks
to the database itself. These tests give it stand-in connections that record what was done to
them, so each rule is checked exactly. On PostgreSQL the suite runs every request through it
with real asyncpg connections, and the last test here cancels a real query.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from functools import partial
from typing import Any

import asyncpg
import pytest

from coworkbill.db.lease import Lender


class Conn:
    """A stand-in connection: the lender only calls these."""

    ids = itertools.count(1)

    def __init__(self) -> None:
        self.id = next(self.ids)
        self.closed = self.terminated = False

    def is_closed(self) -> bool:
        return self.closed or self.terminated

    def terminate(self) -> None:
        self.terminated = True

    async def close(self) -> None:
        self.closed = True

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        if sql == "boom":
            raise asyncpg.UndefinedTableError("relation does not exist")
        if sql == "hang":
            await asyncio.sleep(60)
        return [(self.id, *args)]


def lender(max_size: int, min_size: int = 0, fail: list[int] | None = None) -> Lender:
    attempts = itertools.count(1)

    async def connect() -> Conn:
        await asyncio.sleep(0)
        if fail and next(attempts) in fail:
            raise OSError("connection refused")
        return Conn()

    return Lender(connect, min_size, max_size)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_never_more_than_max_size_open_and_waiters_served_in_order() -> None:
    async def main() -> None:
        lend = lender(2)
        a, b = await lend.take(), await lend.take()
        order: list[str] = []

        async def wait(name: str) -> Conn:
            con = await lend.take()
            order.append(name)
            return con  # type: ignore[no-any-return]

        first = asyncio.create_task(wait("first"))
        await asyncio.sleep(0.01)
        second = asyncio.create_task(wait("second"))
        await asyncio.sleep(0.01)
        assert not first.done() and not second.done() and lend._open == 2
        lend.give_back(b)
        assert await first is b
        lend.give_back(a)
        assert await second is a
        assert order == ["first", "second"] and lend._open == 2

    run(main())


def test_idle_connections_are_reused_most_recent_first() -> None:
    async def main() -> None:
        lend = lender(4, min_size=2)
        await lend.start()
        assert lend._open == 2
        a = await lend.take()
        lend.give_back(a)
        assert await lend.take() is a  # no new connection while one is idle
        assert lend._open == 2

    run(main())


def test_database_errors_keep_the_connection_cancellation_drops_it() -> None:
    async def main() -> None:
        lend = lender(1)
        first = (await lend.run(Conn.fetch, "select", 7))[0]
        with pytest.raises(asyncpg.UndefinedTableError):
            await lend.run(Conn.fetch, "boom")
        assert (await lend.run(Conn.fetch, "select"))[0][0] == first[0]  # same connection
        with pytest.raises(ValueError):
            async with lend.loan():
                raise ValueError("a domain error inside a transaction")
        kept = await lend.take()
        assert kept.id == first[0] and not kept.terminated
        lend.give_back(kept)

        hanging = asyncio.create_task(lend.run(Conn.fetch, "hang"))
        await asyncio.sleep(0.01)
        hanging.cancel()
        with pytest.raises(asyncio.CancelledError):
            await hanging
        assert kept.terminated  # a query may still be in flight on it: never lent again
        fresh = await lend.take()
        assert fresh is not kept and lend._open == 1

    run(main())


def test_a_dropped_connection_is_replaced_for_whoever_waits() -> None:
    async def main() -> None:
        lend = lender(1)
        con = await lend.take()
        waiter = asyncio.create_task(lend.take())
        await asyncio.sleep(0.01)
        lend.give_back(con, broken=True)
        replacement = await asyncio.wait_for(waiter, 5)
        assert replacement is not con and con.terminated and lend._open == 1

    run(main())


def test_a_cancelled_waiter_loses_nothing() -> None:
    async def main() -> None:
        lend = lender(1)
        con = await lend.take()
        waiter = asyncio.create_task(lend.take())
        await asyncio.sleep(0.01)
        lend.give_back(con)  # handed to the waiter ...
        waiter.cancel()  # ... which is cancelled before it runs again
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert await asyncio.wait_for(lend.take(), 5) is con  # back on the idle stack

    run(main())


def test_when_connects_fail_every_waiter_hears_of_it() -> None:
    async def main() -> None:
        lend = lender(2, fail=[3, 4, 5, 6])
        held = [await lend.take(), await lend.take()]
        waiters = [asyncio.create_task(lend.take()) for _ in range(4)]
        await asyncio.sleep(0.01)
        for con in held:
            lend.give_back(con, broken=True)  # the server went away
        results = await asyncio.wait_for(asyncio.gather(*waiters, return_exceptions=True), 5)
        assert all(isinstance(r, OSError) for r in results) and lend._open == 0
        assert not (await lend.take()).is_closed()  # and the next connect works again

    run(main())


def test_a_failed_connect_frees_its_place_and_reaches_the_waiter() -> None:
    async def main() -> None:
        lend = lender(1, fail=[1, 3])
        with pytest.raises(OSError):
            await lend.take()
        assert lend._open == 0
        con = await lend.take()
        waiter = asyncio.create_task(lend.take())
        await asyncio.sleep(0.01)
        lend.give_back(con, broken=True)  # the refill's connect (attempt 3) fails too
        with pytest.raises(OSError):
            await asyncio.wait_for(waiter, 5)
        assert lend._open == 0
        assert not (await lend.take()).is_closed()

    run(main())


# With real connections, where the suite runs on PostgreSQL (as the second half of .ci/run):
# what a cancelled query leaves behind is asyncpg's and the server's business, not a stand-in's.
PG_URL = os.environ.get("COWORKBILL_TEST_DATABASE_URL", "")
if PG_URL:

    def test_real_connections_a_cancelled_query_drops_only_its_own() -> None:
        value = asyncpg.Connection.fetchval

        async def main() -> None:
            lend = Lender(partial(asyncpg.connect, PG_URL), 1, 1)
            await lend.start()
            pid = await lend.run(value, "SELECT pg_backend_pid()")
            with pytest.raises(asyncpg.UndefinedTableError):
                await lend.run(asyncpg.Connection.fetch, "SELECT * FROM no_such_table")
            assert await lend.run(value, "SELECT pg_backend_pid()") == pid  # kept
            slow = asyncio.create_task(lend.run(asyncpg.Connection.execute, "SELECT pg_sleep(30)"))
            await asyncio.sleep(0.3)
            slow.cancel()
            with pytest.raises(asyncio.CancelledError):
                await slow
            fresh = await asyncio.wait_for(lend.run(value, "SELECT pg_backend_pid()"), 5)
            assert fresh != pid and await lend.run(value, "SELECT 1") == 1
            await lend.close()

        run(main())
