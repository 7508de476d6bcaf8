"""A worker's PostgreSQL connections, lent out one statement or one transaction at a time.

Why not asyncpg's Pool: its acquire and release (a queue, a shielded release task, the
holder's bookkeeping) cost about 50 µs of CPU per statement on this machine, as much as running
a primary-key read on a held connection. Our connections carry no session state between loans
(no LISTEN, advisory locks or SET; every transaction is closed by its context manager), so a
returned connection needs no reset and goes straight back on the idle stack.

Guarantees: at most ``max_size`` connections are open at once; waiters are served in arrival
order; a connection whose loan ended with a cancelled task or a connection-level error (or that
is closed) is terminated and never lent again, and its place is refilled for whoever waits.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg

# After these the connection's state is unknown (a query may still be in flight): drop it.
BROKEN = (asyncio.CancelledError, asyncpg.InterfaceError, OSError)


class Lender:
    def __init__(self, connect: Callable[[], Awaitable[Any]], min_size: int, max_size: int) -> None:
        self._connect = connect
        self.min_size, self.max_size = min_size, max(1, max_size)
        self._idle: list[Any] = []  # a stack: the most recently used connection goes out first
        self._waiters: deque[asyncio.Future[Any]] = deque()
        self._open = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        for _ in range(min(self.min_size, self.max_size)):
            self._idle.append(await self._opened())

    async def _opened(self) -> Any:
        self._open += 1
        try:
            return await self._connect()
        except BaseException:
            self._open -= 1
            raise

    async def take(self) -> Any:
        if self._idle:
            return self._idle.pop()
        if self._open < self.max_size:
            return await self._opened()
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.give_back(waiter.result())  # handed over just as the wait was cancelled
            raise

    def give_back(self, con: Any, broken: bool = False) -> None:
        if broken or con.is_closed():
            con.terminate()
            self._open -= 1
            if self._waiters:
                task = asyncio.get_running_loop().create_task(self._refill())
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(con)
                return
        self._idle.append(con)

    async def _refill(self) -> None:
        try:
            con = await self._opened()
        except Exception as err:
            while self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.done():
                    waiter.set_exception(err)
                    return
            return
        self.give_back(con)

    @contextlib.asynccontextmanager
    async def loan(self) -> AsyncIterator[Any]:
        con = await self.take()
        try:
            yield con
        except BaseException as exc:
            self.give_back(con, broken=isinstance(exc, BROKEN))
            raise
        self.give_back(con)

    async def run(self, method: str, sql: str, *args: Any) -> Any:
        """``connection.<method>(sql, *args)`` on a connection lent for just that call."""
        con = await self.take()
        try:
            result = await getattr(con, method)(sql, *args)
        except BaseException as exc:
            self.give_back(con, broken=isinstance(exc, BROKEN))
            raise
        self.give_back(con)
        return result

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for con in idle:
            self._open -= 1
            await con.close()
