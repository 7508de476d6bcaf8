"""The async executor every request uses: SQLAlchemy builds the SQL, a raw driver runs it.

Why not SQLAlchemy's own execution: on this machine an ORM session per request costs 5-10x a
Core query and the async layer adds greenlet and thread hops (docs/architecture.md). Here a
statement is compiled once for the dialect (cached per shape), its parameters pass through the
column types' own bind/result processors, and the driver runs it directly:
asyncpg's pool on PostgreSQL, one stdlib ``sqlite3`` connection per process on SQLite (each call
takes microseconds, so it runs inline on the event loop instead of hopping to a thread).

Guarantees: a ``transaction()`` block commits on normal exit and rolls back on any exception;
SQLite write transactions start with ``BEGIN IMMEDIATE`` so two writers never deadlock on a lock
upgrade, and the workers' writers queue on a file lock (``<database>-writers``) off the event
loop; foreign keys are enforced on SQLite.
"""

from __future__ import annotations

import asyncio
import fcntl
import itertools
import json
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import asyncpg as pg_asyncpg
from sqlalchemy.dialects.sqlite import pysqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.types import TypeDecorator

Row = tuple[Any, ...]


class IntegrityViolation(Exception):
    """A constraint the database enforces was violated (a safety net behind the domain checks).
    ``constraint`` names it when the driver says which (PostgreSQL does)."""

    def __init__(self, message: str, constraint: str | None = None) -> None:
        super().__init__(message)
        self.constraint = constraint


Proc = Callable[[Any], Any] | None
_EXPANDED = re.compile(r"_\d+$")


@dataclass(slots=True)
class Compiled:
    """A statement compiled once for a dialect, reusable with other parameter values."""

    compiled: Any  # SQLAlchemy's SQLCompiler
    dialect: Dialect
    expanding: bool  # IN lists are rendered per call (their length varies)
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]  # result (column, processor) pairs
    binders: dict[str, Proc]

    def prepare(
        self, params: dict[str, Any] | None, extracted: Sequence[Any] | None = None
    ) -> tuple[str, list[Any]]:
        """The SQL and positional arguments for these values (``extracted``: the values
        SQLAlchemy's cache key took out of an equivalent statement)."""
        c = self.compiled
        if params or extracted is not None:
            values = c.construct_params(params, extracted_parameters=extracted)
        else:
            values = c.params
        sql, names = c.string, c.positiontup or ()
        if self.expanding:
            state = c.construct_expanded_state(values)
            sql, names, values = state.statement, state.positiontup or (), state.parameters
        args = []
        for name in names:
            v = values[name]
            if v is not None:
                proc = self._binder(name)
                if proc is not None:
                    v = proc(v)
            args.append(v)
        return sql, args

    def _binder(self, name: str) -> Proc:
        try:
            return self.binders[name]
        except KeyError:
            bp = self.compiled.binds.get(name)
            if bp is None:  # an expanded IN element: "ids_1_3" belongs to "ids_1"
                bp = self.compiled.binds.get(_EXPANDED.sub("", name))
            t = bp.type if bp is not None else sa.types.NULLTYPE
            proc = t.dialect_impl(self.dialect).bind_processor(self.dialect)
            self.binders[name] = proc
            return proc

    def row(self, raw: Sequence[Any]) -> Row:
        if not self.converted:
            return tuple(raw)
        out = list(raw)
        for i, proc in self.converted:  # only the columns whose type converts
            v = out[i]
            if v is not None:
                out[i] = proc(v)
        return tuple(out)


def _result_procs(types: Sequence[Any], dialect: Dialect) -> list[Proc]:
    procs: list[Proc] = []
    for t in types:
        impl = t.dialect_impl(dialect)
        try:
            procs.append(impl.result_processor(dialect, None))
        except TypeError:
            # asyncpg's numeric processor wants the column's type oid; asyncpg already returns
            # Decimal, so only a decorator's own conversion is needed.
            if isinstance(t, TypeDecorator):
                procs.append(partial(_decorated, t, dialect))
            else:
                procs.append(None)
    return procs


def _decorated(t: TypeDecorator[Any], dialect: Dialect, value: Any) -> Any:
    return t.process_result_value(value, dialect)


def compile_for(dialect: Dialect, stmt: ClauseElement, cache_key: Any = None) -> Compiled:
    c: Any = stmt.compile(dialect=dialect, cache_key=cache_key)
    expanding = bool(c.post_compile_params or c.literal_execute_params)
    cols = list(getattr(stmt, "exported_columns", ()) or ())
    procs = _result_procs([col.type for col in cols], dialect)
    converted = tuple((i, p) for i, p in enumerate(procs) if p is not None)
    return Compiled(c, dialect, expanding, converted, {})


MAX_SHAPES = 2000  # distinct statement shapes kept compiled per process


class Executor(Protocol):
    dialect: Dialect

    async def fetch(
        self, stmt: ClauseElement, params: dict[str, Any] | None = None
    ) -> list[Row]: ...

    async def fetchrow(
        self, stmt: ClauseElement, params: dict[str, Any] | None = None
    ) -> Row | None: ...

    async def fetchval(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> Any: ...

    async def execute(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> None: ...

    def defer(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> None: ...


class _Base:
    dialect: Dialect
    _cache: dict[Any, Compiled]
    _shapes: dict[Any, Compiled]
    _deferred: list[tuple[str, list[Any]]] | None = None  # a transaction's, else None

    def defer(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> None:
        """Run ``stmt`` at the end of this transaction, just before it commits: for writes
        nothing in the transaction reads back (log entries). Consecutive deferred runs of one
        statement reach the database together, in one round trip."""
        if self._deferred is None:
            raise RuntimeError("defer() runs inside a transaction only")
        _, sql, args = self.prepare(stmt, params)
        self._deferred.append((sql, args))

    def _batches(self) -> list[tuple[str, list[list[Any]]]]:
        batches = [
            (sql, [args for _, args in group])
            for sql, group in itertools.groupby(self._deferred or (), key=lambda d: d[0])
        ]
        self._deferred = []
        return batches

    def prepare(
        self, stmt: ClauseElement, params: dict[str, Any] | None = None
    ) -> tuple[Compiled, str, list[Any]]:
        """Compile ``stmt`` at most once per shape: a statement marked with ``cached`` by its
        key, any other by SQLAlchemy's own cache key (its structure, with the literal values
        taken out), so the same search with other values reuses the compiled SQL."""
        key = getattr(stmt, "_cb_key", None)
        if key is not None:
            hit = self._cache.get(key)
            if hit is None:
                hit = self._cache[key] = compile_for(self.dialect, stmt)
            return (hit, *hit.prepare(params))
        ck = stmt._generate_cache_key()
        if ck is None:  # a construct SQLAlchemy cannot cache
            once = compile_for(self.dialect, stmt)
            return (once, *once.prepare(params))
        hit = self._shapes.get(ck.key)
        if hit is None:
            if len(self._shapes) >= MAX_SHAPES:
                self._shapes.clear()  # rare; keeps memory flat under endless new shapes
            hit = self._shapes[ck.key] = compile_for(self.dialect, stmt, ck)
        return (hit, *hit.prepare(params, ck.bindparams))

    async def fetchrow(
        self, stmt: ClauseElement, params: dict[str, Any] | None = None
    ) -> Row | None:
        rows = await self.fetch(stmt, params)  # type: ignore[attr-defined]
        return rows[0] if rows else None

    async def fetchval(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> Any:
        row = await self.fetchrow(stmt, params)
        return row[0] if row else None


# --------------------------------------------------------------------------- SQLite


class SqliteConn(_Base):
    def __init__(self, owner: SqliteDatabase, con: sqlite3.Connection) -> None:
        self.dialect = owner.dialect
        self._cache, self._shapes = owner._cache, owner._shapes
        self._con = con
        self._deferred = []

    async def flush(self) -> None:
        """Run what was deferred."""
        for sql, many in self._batches():
            try:
                self._con.executemany(sql, many)
            except sqlite3.IntegrityError as err:
                raise IntegrityViolation(str(err)) from err

    async def fetch(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> list[Row]:
        c, sql, args = self.prepare(stmt, params)
        try:
            cur = self._con.execute(sql, args)
            raw = cur.fetchall() if cur.description is not None else []
        except sqlite3.IntegrityError as err:
            raise IntegrityViolation(str(err)) from err
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


def configure_sqlite(con: Any) -> None:
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute("PRAGMA busy_timeout=10000")


# --------------------------------------------------------------------------- PostgreSQL


class PgConn(_Base):
    def __init__(self, owner: PgDatabase, con: Any) -> None:
        self.dialect = owner.dialect
        self._cache, self._shapes = owner._cache, owner._shapes
        self._con = con
        self._deferred = []

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


Database = SqliteDatabase | PgDatabase


_statements: dict[Any, Any] = {}


def statement(key: Any, build: Callable[[], Any]) -> Any:
    """The statement ``build`` makes, built once per ``key`` and compiled once per database:
    constructing a SQLAlchemy Select costs more than running a primary-key read."""
    stmt = _statements.get(key)
    if stmt is None:
        stmt = _statements[key] = cached(build(), key)
    return stmt


def insert_stmt(table: sa.Table, keys: Iterable[str], returning: bool = True) -> Any:
    """``INSERT INTO table (keys) VALUES (...) [RETURNING id]``, built once per column set; run
    it with ``row_params(values)``. Building an INSERT (or an UPDATE) of
    seventy columns and taking its cache key costs more than the database's work on it."""
    cols = tuple(keys)

    def build() -> Any:
        stmt = sa.insert(table).values(
            {c: sa.bindparam(f"{c}_", type_=table.c[c].type) for c in cols}
        )
        return stmt.returning(table.c.id) if returning else stmt

    return statement(("insert", table.name, cols, returning), build)


def update_stmt(table: sa.Table, keys: Iterable[str]) -> Any:
    """``UPDATE table SET keys WHERE id = :id_``, built once per column set (see
    ``insert_stmt``); run it with ``row_params(values, ident)``."""
    cols = tuple(keys)
    return statement(
        ("update", table.name, cols),
        lambda: (
            sa.update(table)
            .where(table.c.id == sa.bindparam("id_", type_=sa.Integer))
            .values({c: sa.bindparam(f"{c}_", type_=table.c[c].type) for c in cols})
        ),
    )


def row_params(values: dict[str, Any], ident: int | None = None) -> dict[str, Any]:
    """The parameters ``insert_stmt`` (or, with ``ident``, ``update_stmt``) takes for these
    column values. (A bind parameter may not share its column's name.)"""
    out = {f"{c}_": v for c, v in values.items()}
    if ident is not None:
        out["id_"] = ident
    return out


def cached(stmt: Any, key: Any) -> Any:
    """Mark a statement built only from bindparams so its compiled form is reused under ``key``."""
    stmt._cb_key = key
    return stmt


def sqlite_path(url: str) -> str:
    path = url.split(":///", 1)[1] if ":///" in url else ""
    return path or ":memory:"


def make_database(url: str, pool_min: int = 2, pool_max: int = 10) -> Database:
    if url.startswith("sqlite"):
        return SqliteDatabase(sqlite_path(url))
    dsn = re.sub(r"^postgresql\+\w+://", "postgresql://", url)
    dsn = dsn.replace("postgres://", "postgresql://", 1)
    return PgDatabase(dsn, pool_min, pool_max)


def sync_url(url: str) -> str:
    """The URL SQLAlchemy's own (sync) engine uses for migrations and bulk loads."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
