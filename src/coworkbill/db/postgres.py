"""PostgreSQL: asyncpg connections per worker process, lent per statement or transaction (lease.py).

Guarantees: a ``transaction()`` block commits on normal exit and rolls back on any exception;
a constraint violation surfaces as ``IntegrityViolation`` naming the constraint; sessions run
with the settings an API server wants (no parallel workers, no JIT, in-memory page costs).
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import partial
from typing import Any

import asyncpg
from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg
from sqlalchemy.sql import ClauseElement

from coworkbill.db.executor import MAX_SHAPES, Executor, IntegrityViolation, Row, _Base
from coworkbill.db.lease import Lender


class PgConn(_Base):
    _con: Any

    async def flush(self) -> None:
        """Run what was deferred, in one round trip: as one statement when ``_combined`` can
        make one, else each run of one statement as an ``executemany`` (which asyncpg
        pipelines)."""
        combined = _combined(self._deferred or [])
        with _integrity():
            if combined is not None:
                self._deferred = []
                await self._con.execute(combined[0], *combined[1])
                return
            for sql, many in self._batches():
                await self._con.executemany(sql, many)

    async def fetch(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> list[Row]:
        if self._deferred:
            await self.flush()
        c, sql, args = self.prepare(stmt, params)
        with _integrity():
            rows = await self._con.fetch(sql, *args)
        return [c.row(r) for r in rows]

    async def execute(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> None:
        if self._deferred:
            await self.flush()
        _, sql, args = self.prepare(stmt, params)
        with _integrity():
            await self._con.execute(sql, *args)

    async def explain(self, stmt: ClauseElement) -> Any:
        """PostgreSQL's plan for ``stmt`` as the JSON document of ``EXPLAIN (FORMAT JSON)``."""
        _, sql, args = self.prepare(stmt)
        return json.loads(await self._con.fetchval("EXPLAIN (FORMAT JSON) " + sql, *args))


@contextmanager
def _integrity() -> Iterator[None]:
    """asyncpg's constraint errors as ``IntegrityViolation``, naming the constraint."""
    try:
        yield
    except asyncpg.IntegrityConstraintViolationError as err:
        raise IntegrityViolation(str(err), getattr(err, "constraint_name", None)) from err


_PLACEHOLDER = re.compile(r"\$(\d+)")
_MAX_ARGS = 4000  # PostgreSQL takes at most 65,535 parameters; planning grows with them


def _shifted(by: int, m: re.Match[str]) -> str:
    return f"${int(m.group(1)) + by}"


def _combined(deferred: list[tuple[str, list[Any]]]) -> tuple[str, list[Any]] | None:
    """Deferred INSERTs and UPDATEs as one statement, or ``None`` (then they run as they are).

    The runs of one INSERT become one multi-row INSERT (rows in deferral order, so ids are
    too); an UPDATE stays one. Each goes in its own data-modifying WITH clause, which
    PostgreSQL runs in no set order, on one snapshot: so each table may have only one clause
    (two updates of one row in one statement would not both apply), and deferred writes must
    not read each other's rows (they are log entries, payments, the invoice's own totals).
    Their SQL comes from bind parameters only (``insert_stmt``, ``update_stmt``), so every
    ``$n`` in it is a placeholder, renumbered here."""
    if len(deferred) < 2 or sum(len(a) for _, a in deferred) > _MAX_ARGS:
        return None
    runs: dict[str, list[list[Any]]] = {}  # SQL -> its arguments, in deferral order
    for sql, values in deferred:
        runs.setdefault(sql, []).append(values)
    # The same writes recur (an update and its log entry): their statement is made once per
    # shape (renumbering the ~70 placeholders of a wide UPDATE cost 5% of a PUT).
    key = tuple((sql, len(group)) for sql, group in runs.items())
    made = _made.get(key, _UNMADE)
    if made is _UNMADE:
        if len(_made) >= MAX_SHAPES:
            _made.clear()  # rare; keeps memory flat under endless new shapes
        made = _made[key] = _combine(runs)
    if made is None:
        return None
    return made, [a for group in runs.values() for values in group for a in values]


_UNMADE = object()
_made: dict[tuple[tuple[str, int], ...], Any] = {}


def _combine(runs: dict[str, list[list[Any]]]) -> str | None:
    clauses: list[str] = []
    tables: set[str] = set()
    n = 0  # placeholders so far (a statement's SQL fixes how many it takes)
    for sql, group in runs.items():
        words = sql.split(" ", 3)  # INSERT INTO <table> ... | UPDATE <table> SET ...
        verb, table = words[0], words[2] if words[0] == "INSERT" else words[1]
        if table in tables or verb not in ("INSERT", "UPDATE"):
            return None
        tables.add(table)
        if verb == "UPDATE":
            if len(group) > 1:
                return None
            numbered = _PLACEHOLDER.sub(partial(_shifted, n), sql)
            clauses.append(f"w{len(clauses)} AS ({numbered})")
            n += len(group[0])
            continue
        head, _, row = sql.partition(" VALUES ")
        row = row.partition(" RETURNING ")[0]  # SQLAlchemy's implicit one: nobody reads it
        rows = []
        for values in group:
            rows.append(_PLACEHOLDER.sub(partial(_shifted, n), row))
            n += len(values)
        clauses.append(f"w{len(clauses)} AS ({head} VALUES {', '.join(rows)})")
    return "WITH " + ", ".join(clauses) + " SELECT 1"


class _PerStatement:
    """What ``PgConn`` runs on ``_con``, each call on a connection lent for just that call."""

    def __init__(self, lender: Lender) -> None:
        self._lender = lender

    async def fetch(self, sql: str, *args: Any) -> Any:
        return await self._lender.run(asyncpg.Connection.fetch, sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        return await self._lender.run(asyncpg.Connection.fetchval, sql, *args)

    async def execute(self, sql: str, *args: Any) -> Any:
        return await self._lender.run(asyncpg.Connection.execute, sql, *args)


class PgDatabase(PgConn):
    coalesces_reads = True  # every statement crosses a socket and starts a server executor

    def __init__(self, dsn: str, min_size: int, max_size: int) -> None:
        self.dialect = pg_asyncpg.dialect()  # type: ignore[no-untyped-call]
        self._cache, self._shapes = {}, {}
        self.dsn = dsn
        self._lender = Lender(self._open_connection, min_size, max_size)
        self._con = _PerStatement(self._lender)

    async def connect(self) -> None:
        await self._lender.start()

    async def _open_connection(self) -> Any:
        return await asyncpg.connect(
            self.dsn,
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
        await self._lender.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Executor]:
        async with self._lender.loan() as con, con.transaction():
            conn = PgConn(self, con)
            yield conn
            await conn.flush()
