"""Reads of records by id: get one, get many, visibility checks, the time zones in use.

Guarantees: get one is one statement and selects exactly the declared columns and the joins
they read from; records the caller's businesses do not cover are never returned.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from coworkbill.db.database import Executor, among, statement
from coworkbill.engine import batch
from coworkbill.engine.context import Ctx, Principal
from coworkbill.engine.errors import NotFound
from coworkbill.engine.resource import Resource
from coworkbill.engine.serialize import Record, serialized


def scope_clause(res: Resource, who: Principal) -> Any:
    if res.business is None or who.business_ids is None:
        return None
    if not who.business_ids:
        return sa.false()
    return res.business.in_(sorted(who.business_ids))


def _one_stmt(res: Resource) -> Any:
    return statement(
        ("one", res.name),
        lambda: (
            sa.select(*res.select_exprs)
            .select_from(res.full_from())
            .where(res.id_col == sa.bindparam("id", type_=sa.Integer))
        ),
    )


async def fetch_row(ex: Executor, res: Resource, ident: int) -> tuple[Any, ...] | None:
    return await ex.fetchrow(_one_stmt(res), {"id": ident})


def _coalesced(db: Executor, res: Resource) -> batch.Coalescer:
    """Concurrent get-ones of ``res`` as one statement (``engine/batch.py``)."""
    per_db = batch.coalescers(db)
    c = per_db.get(res.name)
    if c is None:

        async def fetch(ids: list[int]) -> dict[int, tuple[Any, ...]]:
            if len(ids) == 1:
                row = await fetch_row(db, res, ids[0])
                return {} if row is None else {ids[0]: row}
            return await rows_by_id(db, res, ids)

        c = per_db[res.name] = batch.Coalescer(fetch)
    return c


def visible(res: Resource, row: tuple[Any, ...], who: Principal) -> bool:
    if res.business_index < 0:
        return True
    return who.sees_business(row[res.business_index])


async def get_one(ctx: Ctx, res: Resource, ident: int, ex: Executor | None = None) -> Record:
    if ex is None and ctx.db.coalesces_reads:
        row = await _coalesced(ctx.db, res).get(ident)
    else:
        row = await fetch_row(ex or ctx.db, res, ident)
    ex = ex or ctx.db
    if row is None or not visible(res, row, ctx.principal):
        raise NotFound(res.name, ident)
    return (await serialized(ex, res, [row]))[0]


async def get_many(ctx: Ctx, res: Resource, ids: list[int]) -> list[Record]:
    scope = scope_clause(res, ctx.principal)
    by_id = await rows_by_id(ctx.db, res, ids, scope)
    return await serialized(ctx.db, res, [by_id[i] for i in dict.fromkeys(ids) if i in by_id])


def _many_stmt(res: Resource, dialect: Any) -> Any:
    return statement(
        ("many", res.name, dialect.name),
        lambda: (
            sa.select(*res.select_exprs)
            .select_from(res.full_from())
            .where(among(res.id_col, "ids", dialect))
        ),
    )


async def rows_by_id(
    ex: Executor, res: Resource, ids: list[int], scope: Any = None
) -> dict[int, tuple[Any, ...]]:
    """Full rows of ``ids`` (those ``scope`` allows), by id. Without a scope the statement is
    built once, with one SQL text, so PostgreSQL plans it once and reuses the plan: planning
    the full select with its joins costs more than running it."""
    if not ids:
        return {}
    if scope is None:
        stmt = _many_stmt(res, ex.dialect)
    else:
        stmt = sa.select(*res.select_exprs).select_from(res.full_from())
        stmt = stmt.where(among(res.id_col, "ids", ex.dialect), scope)
    at = res.id_index
    return {r[at]: r for r in await ex.fetch(stmt, {"ids": ids})}


async def is_visible(ex: Executor, who: Principal, res: Resource, ident: int) -> bool:
    """Whether record ``ident`` exists and ``who`` may see it (used to validate references)."""
    if res.business is None:
        stmt = statement(
            ("exists", res.name),
            lambda: sa.select(res.id_col).where(res.id_col == sa.bindparam("id", type_=sa.Integer)),
        )
        return await ex.fetchval(stmt, {"id": ident}) is not None

    def owner() -> Any:
        return (
            sa.select(res.business)
            .select_from(res.from_for(res.business))
            .where(res.id_col == sa.bindparam("id", type_=sa.Integer))
        )

    row = await ex.fetchrow(statement(("owner", res.name), owner), {"id": ident})
    return row is not None and who.sees_business(row[0])


async def zones(ctx: Ctx, res: Resource) -> list[str | None]:
    if res.timezone is None:
        return [None]
    rows = await ctx.db.fetch(sa.select(res.timezone).distinct())
    return [r[0] for r in rows] + [None]
