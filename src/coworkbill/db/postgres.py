"""PostgreSQL: an asyncpg pool per worker process.

Guarantees: a ``transaction()`` block commits on normal exit and rolls back on any exception;
a constraint violation surfaces as ``IntegrityViolation`` naming the constraint; sessions run
with the settings an API server wants (no parallel workers, no JIT, in-memory page costs).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg
from sqlalchemy.sql import ClauseElement

from coworkbill.db.executor import Executor, IntegrityViolation, Row, _Base


class PgConn(_Base):
    _con: Any

    async def flush(self) -> None:
        """Run what was deferred (asyncpg pipelines an ``executemany``: one round trip)."""
        for sql, many in self._batches():
            try:
                await self._con.executemany(sql, many)
            except asyncpg.IntegrityConstraintViolationError as err:
                raise IntegrityViolation(str(err), getattr(err, "constraint_name", None)) from err

    async def fetch(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> list[Row]:
        c, sql, args = self.prepare(stmt, params)
        try:
            rows = await self._con.fetch(sql, *args)
        except asyncpg.IntegrityConstraintViolationError as err:
            raise IntegrityViolation(str(err), getattr(err, "constraint_name", None)) from err
        return [c.row(r) for r in rows]

    async def execute(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> None:
        _, sql, args = self.prepare(stmt, params)
        try:
            await self._con.execute(sql, *args)
        except asyncpg.IntegrityConstraintViolationError as err:
            raise IntegrityViolation(str(err), getattr(err, "constraint_name", None)) from err

    async def explain(self, stmt: ClauseElement) -> Any:
        """PostgreSQL's plan for ``stmt`` as the JSON document of ``EXPLAIN (FORMAT JSON)``."""
        _, sql, args = self.prepare(stmt)
        return json.loads(await self._con.fetchval("EXPLAIN (FORMAT JSON) " + sql, *args))


async def _keep_session(con: Any) -> None:
    """asyncpg's default reset runs one more query (a whole round trip) on every release. We
    never leave session state behind (no LISTEN, advisory locks or SET; every transaction is
    closed by its context manager), so there is nothing to reset."""


class PgDatabase(PgConn):
    def __init__(self, dsn: str, min_size: int, max_size: int) -> None:
        self.dialect = pg_asyncpg.dialect()  # type: ignore[no-untyped-call]
        self._cache, self._shapes = {}, {}
        self.dsn = dsn
        self.min_size, self.max_size = min_size, max_size
        self._con = None

    async def connect(self) -> None:
        self._con = await asyncpg.create_pool(
            self.dsn,
            min_size=self.min_size,
            max_size=self.max_size,
            reset=_keep_session,
            # An API server runs many short queries at once: parallel workers and JIT
            # compilation cost more than they save there (a count spawned two workers and
            # skipped its trigram index for them). random_page_cost: the working set is in
            # memory, where an index probe costs about what a sequential read does; at the
            # default (4, for spinning disks) a get-one invoice hashed the whole countries and
            # currencies tables on every request instead of probing their primary keys.
            server_settings={
                "max_parallel_workers_per_gather": "0",
                "jit": "off",
                "random_page_cost": "1.1",
            },
        )

    async def close(self) -> None:
        if self._con is not None:
            await self._con.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        async with self._con.acquire() as con, con.transaction():
            conn = PgConn(self, con)
            yield conn
            await conn.flush()
