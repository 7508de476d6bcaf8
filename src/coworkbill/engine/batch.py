"""Concurrent get-one reads of a resource, coalesced into one statement.

On PostgreSQL a get-one costs a round trip and an executor start-up in the server (two nested
loops, ~85 columns) whatever it reads; several reads by id in one statement pay those once.
Requests that reach the same read in the same turn of the event loop wait for one
``rows_by_id`` together; while ``MAX_IN_FLIGHT`` such statements run, later ones gather and go
together as soon as one returns, so the batches grow with the load instead of the round trips.

Guarantees: a read is sent after every request it serves arrived, so each sees whatever was
committed before it came in (as its own statement would); a read's failure reaches every request
it served; a request whose task is cancelled leaves the others alone. Only for a database that
declares ``coalesces_reads`` (statements that cross a socket); reads inside a transaction never
come here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from weakref import WeakKeyDictionary

Row = tuple[Any, ...]
Fetch = Callable[[list[int]], Awaitable[dict[int, Row]]]

# Statements of one resource running at once in one process: more than one, so a slow read
# (a page from disk) does not hold every other back; at c16 and c64 on two workers 1, 2
# and 4 measured alike within the machine's noise, 4 with the lowest p99 at c64.
MAX_IN_FLIGHT = 4
MAX_BATCH = 500  # ids per statement


class Coalescer:
    """The pending reads of one resource in one process."""

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._waiting: dict[int, list[asyncio.Future[Row | None]]] = {}
        self._in_flight = 0
        self._scheduled = False
        self._tasks: set[asyncio.Task[None]] = set()  # held: the loop keeps only weak ones
        self.reads = self.statements = 0  # served so far (the tests read them)

    async def get(self, ident: int) -> Row | None:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Row | None] = loop.create_future()
        self._waiting.setdefault(ident, []).append(waiter)
        self.reads += 1
        self._schedule(loop)
        return await waiter

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self._scheduled and self._in_flight < MAX_IN_FLIGHT and self._waiting:
            self._scheduled = True
            # Next turn of the loop: the requests read in this one join the same statement.
            loop.call_soon(self._send, loop)

    def _send(self, loop: asyncio.AbstractEventLoop) -> None:
        self._scheduled = False
        batch: dict[int, list[asyncio.Future[Row | None]]] = {}
        for ident in list(self._waiting)[:MAX_BATCH]:
            batch[ident] = self._waiting.pop(ident)
        if not batch:
            return
        self._in_flight += 1
        self.statements += 1
        task = loop.create_task(self._run(batch, loop))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(
        self, batch: dict[int, list[asyncio.Future[Row | None]]], loop: asyncio.AbstractEventLoop
    ) -> None:
        try:
            rows = await self._fetch(list(batch))
        except Exception as err:
            for waiters in batch.values():
                for w in waiters:
                    if not w.done():
                        w.set_exception(err)
        except BaseException:  # cancelled (the loop is closing): so are the reads it served
            for waiters in batch.values():
                for w in waiters:
                    w.cancel()
            raise
        else:
            for ident, waiters in batch.items():
                row = rows.get(ident)
                for w in waiters:
                    if not w.done():
                        w.set_result(row)
        finally:
            self._in_flight -= 1
            self._schedule(loop)


_coalescers: WeakKeyDictionary[Any, dict[str, Coalescer]] = WeakKeyDictionary()


def coalescers(db: Any) -> dict[str, Coalescer]:
    """The coalescers of database ``db``, by resource name."""
    per_db = _coalescers.get(db)
    if per_db is None:
        per_db = _coalescers[db] = {}
    return per_db
