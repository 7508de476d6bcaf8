"""Statements compiled once, run by a raw driver: what every executor shares.

Why not SQLAlchemy's own execution: on this machine an ORM session per request costs 5-10x a
Core query and the async layer adds greenlet and thread hops (docs/architecture.md). Here a
statement is compiled once for the dialect (cached per shape), its parameters pass through the
column types' own bind/result processors, and the driver runs it directly (``db/sqlite.py``,
``db/postgres.py``). Statements built from bind parameters only are built once per key
(``db/statements.py``).

Guarantees: a statement is compiled at most once per shape and process; deferred statements
(``defer``) run just before the next statement of their transaction, or at its end, or not at
all if it rolls back, so deferring never changes what any statement sees; each table's
deferred rows are written in the order deferred (on PostgreSQL, statements on different tables
may run as one, in no set order: deferred writes must not depend on each other's rows).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

import sqlalchemy as sa
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
        final = getattr(t, "driver_result_is_final", None)
        if final is not None and final(dialect):
            procs.append(None)  # the driver's value is already what the type promises
            continue
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


@dataclass(slots=True)
class Reused:
    """A statement built once for a shape (``template``, with its cache key ``ck``), to run
    with another statement's values of the same shape: ``extracted`` lines up with
    ``ck.bindparams`` (SQLAlchemy's own positional rebinding). Building a search and taking
    its cache key cost more Python than the rest of a list request (``engine/search.py``)."""

    template: Any
    key: Any
    ck: Any
    extracted: Sequence[Any]


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
    # Whether concurrent reads by id should go together as one statement (engine/batch.py):
    # worth it where every statement crosses a socket, not where it runs inline.
    coalesces_reads = False

    def __init__(self, owner: _Base, con: Any) -> None:
        """A transaction's executor on driver connection ``con``, sharing ``owner``'s
        compiled statements."""
        self.dialect = owner.dialect
        self._cache, self._shapes = owner._cache, owner._shapes
        self._con = con
        self._deferred = []

    def defer(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> None:
        """Run ``stmt`` later in this transaction: just before its next statement, or just
        before it commits. Consecutive deferred writes reach the database together, in one
        round trip (see the module's guarantees for their order); a write that is the last
        thing a transaction does (a log entry, a payment, the record a PUT replaces) costs
        no round trip of its own."""
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
        """Compile ``stmt`` at most once per shape: a statement marked with ``cached`` (or a
        ``Reused`` one) by its key, any other by SQLAlchemy's own cache key (its structure,
        with the literal values taken out), so the same search with other values reuses the
        compiled SQL."""
        if isinstance(stmt, Reused):
            hit = self._shapes.get(stmt.key)
            if hit is None:
                hit = self._compiled_shape(stmt.key, stmt.template, stmt.ck)
            return (hit, *hit.prepare(params, stmt.extracted))
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
            hit = self._compiled_shape(ck.key, stmt, ck)
        return (hit, *hit.prepare(params, ck.bindparams))

    def _compiled_shape(self, key: Any, stmt: ClauseElement, ck: Any) -> Compiled:
        if len(self._shapes) >= MAX_SHAPES:
            self._shapes.clear()  # rare; keeps memory flat under endless new shapes
        hit = self._shapes[key] = compile_for(self.dialect, stmt, ck)
        return hit

    async def fetchrow(
        self, stmt: ClauseElement, params: dict[str, Any] | None = None
    ) -> Row | None:
        rows = await self.fetch(stmt, params)  # type: ignore[attr-defined]
        return rows[0] if rows else None

    async def fetchval(self, stmt: ClauseElement, params: dict[str, Any] | None = None) -> Any:
        row = await self.fetchrow(stmt, params)
        return row[0] if row else None
