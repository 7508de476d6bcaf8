"""A worker's PostgreSQL connections, lent out one statement or one transaction at a time.

Why not asyncpg's Pool: its acquire and release (a queue, a shielded release task, the
holder's bookkeeping) cost about 50 µs of CPU per statement on this machine, as much as running
a primary-key read on a held connection. Our connections carry no session state between loans
(no LISTEN, advisory locks or SET; every transaction is closed by its context manager), so a
returned connection needs no reset and goes straight back on the idle stack.

Guarantees: at most ``max_size`` connections are open at once; waiters are served in arrival
order; a connection whose loan ended with a cancelled task or a connection-level error (or that
is closed) is terminated and never lent again, and its place goes to whoever waits (who opens
a connection there; a failed open passes the place on, so no waiter outlives a dead server).
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
# Handed to a waiter instead of a connection: a place came free, open your own.
_FREE = object()


class Lender:
    def __init__(self, connect: Callable[[], Awaitable[Any]], min_size: int, max_size: int) -> None:
        self._connect = connect
        self.min_size, self.max_size = min_size, max(1, max_size)
        self._idle: list[Any] = []  # a stack: the most recently used connection goes out first
        self._waiters: deque[asyncio.Future[Any]] = deque()
        self._open = 0  # open connections, and places promised to a waiter that opens one

    async def start(self) -> None:
        for _ in range(min(self.min_size, self.max_size)):
            self._open += 1
            self._idle.append(await self._opened())

    async def _opened(self) -> Any:
        """A new connection, in a place already counted in ``_open``."""
        try:
            return await self._connect()
        except BaseException:
            self._free_place()  # the next waiter tries in turn: none waits on a failed connect
            raise

    async def take(self) -> Any:
        if self._idle:
            return self._idle.pop()
        if self._open < self.max_size:
            self._open += 1
            return await self._opened()
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            got = await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():  # handed over as the wait was cancelled
                if waiter.result() is _FREE:
                    self._free_place()
                else:
                    self.give_back(waiter.result())
            raise
        return got if got is not _FREE else await self._opened()

    def give_back(self, con: Any, broken: bool = False) -> None:
        if broken or con.is_closed():
            con.terminate()
            self._free_place()
        elif not self._hand_over(con):
            self._idle.append(con)

    def _free_place(self) -> None:
        self._open -= 1
        if self._hand_over(_FREE):
            self._open += 1  # promised to that waiter

    def _hand_over(self, item: Any) -> bool:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(item)
                return True
        return False

    @contextlib.asynccontextmanager
    async def loan(self) -> AsyncIterator[Any]:
        con = await self.take()
        try:
            yield con
        except BaseException as exc:
            self.give_back(con, broken=isinstance(exc, BROKEN))
            raise
        self.give_back(con)

    async def run(self, method: Callable[..., Awaitable[Any]], sql: str, *args: Any) -> Any:
        """``method(connection, sql, *args)`` on a connection lent for just that call: ``loan``
        written out, as every statement outside a transaction comes through here and a
        generator-based context manager costs more than the rest of the lending."""
        con = await self.take()
        try:
            result = await method(con, sql, *args)
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
