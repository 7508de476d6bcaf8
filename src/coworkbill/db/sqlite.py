"""SQLite: one stdlib ``sqlite3`` connection per process, run inline on the event loop (each
call takes microseconds, so hopping to a thread would cost more than the call).

Guarantees: a ``transaction()`` block commits on normal exit and rolls back on any exception;
write transactions start with ``BEGIN IMMEDIATE`` so two writers never deadlock on a lock
upgrade, and the writers of every worker process queue on a file lock (``<database>-writers``)
waited for off the event loop; WAL mode; foreign keys are enforced.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy.dialects.sqlite import pysqlite
from sqlalchemy.sql import ClauseElement

from coworkbill.db.executor import Executor, IntegrityViolation, Row, _Base


class SqliteConn(_Base):
    _con: sqlite3.Connection

    async def flush(self) -> None:
        """Run what was deferred, in order."""
        with _integrity():
            for sql, many in self._batches():
                self._con.executemany(sql, many)

    async def fetch(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> list[Row]:
        if self._deferred:
            await self.flush()
        c, sql, args = self.prepare(stmt, params)
        with _integrity():
            cur = self._con.execute(sql, args)
            raw = cur.fetchall() if cur.description is not None else []
        return [c.row(r) for r in raw]

    async def execute(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> None:
        await self.fetch(stmt, params)

    async def explain(self, stmt: ClauseElement) -> list[str]:
        """SQLite's query plan for ``stmt``, one line per step ("SEARCH t USING INDEX ...")."""
        _, sql, args = self.prepare(stmt)
        return [r[3] for r in self._con.execute("EXPLAIN QUERY PLAN " + sql, args)]


class SqliteDatabase(SqliteConn):
    def __init__(self, path: str) -> None:
        self.dialect = pysqlite.dialect()
        self._cache, self._shapes = {}, {}
        self.path = path
        self._lock = asyncio.Lock()
        self._con = None  # type: ignore[assignment]
        self._writers: int | None = None

    async def connect(self) -> None:
        con = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        configure_sqlite(con)
        self._con = con
        if self.path != ":memory:":
            self._writers = os.open(self.path + "-writers", os.O_RDWR | os.O_CREAT, 0o644)

    async def close(self) -> None:
        if self._con is not None:
            self._con.close()
        if self._writers is not None:
            os.close(self._writers)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        async with self._lock, self._writer_lock():
            self._con.execute("BEGIN IMMEDIATE")
            try:
                conn = SqliteConn(self, self._con)
                yield conn
                await conn.flush()
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            self._con.execute("COMMIT")

    @asynccontextmanager
    async def _writer_lock(self) -> AsyncIterator[None]:
        """Writers of every worker process queue on a file lock, waited for in a thread.
        SQLite's own wait for another process's write lock (busy_timeout) sleeps in steps of up
        to 100 ms, and, since queries run inline, it would stall the worker's event loop."""
        fd = self._writers
        if fd is None:
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting = asyncio.get_running_loop().run_in_executor(
                None, fcntl.flock, fd, fcntl.LOCK_EX
            )
            try:
                await asyncio.shield(waiting)
            except asyncio.CancelledError:
                # The thread still takes the lock; hand it back as soon as it does.
                waiting.add_done_callback(lambda _: fcntl.flock(fd, fcntl.LOCK_UN))
                raise
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def _integrity() -> Iterator[None]:
    """sqlite3's constraint errors as ``IntegrityViolation``."""
    try:
        yield
    except sqlite3.IntegrityError as err:
        raise IntegrityViolation(str(err)) from err


def configure_sqlite(con: Any) -> None:
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA busy_timeout=10000")
