"""Writes: POST, full-replacement PUT and DELETE for any declared resource.

Guarantees: every problem in a body is reported at once in the 400 envelope; read-only and
unknown properties are ignored; a PUT clears every writable optional property it omits and
rejects a missing required one; a reference to a record that does not exist, or that the caller
may not see, is ``is not a valid value``; hooks run inside the same transaction as the write, so
a failure anywhere leaves nothing behind.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.util import find_tables

from coworkbill.db.database import cached
from coworkbill.engine.context import Ctx, WriteCtx
from coworkbill.engine.errors import FieldProblem, NotFound, ValidationError
from coworkbill.engine.fields import (
    INVALID,
    REQUIRED,
    Field,
    Kind,
    Problem,
    Req,
    coerce,
    is_missing,
)
from coworkbill.engine.query import is_visible
from coworkbill.engine.resource import Resource

BODY = "Body"


def body_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValidationError.one(BODY, "must be a JSON object")
    return body


def _lookup(body: dict[str, Any], lowered: dict[str, str], name: str) -> tuple[bool, Any]:
    if name in body:
        return True, body[name]
    key = lowered.get(name.lower())
    if key is not None:
        return True, body[key]
    return False, None


def validate(res: Resource, body: dict[str, Any], op: str) -> dict[str, Any]:
    """Coerce the writable fields of ``body`` to column values for ``op`` ("create"/"update")."""
    lowered = {k.lower(): k for k in body}
    values: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for f in res.writable:
        need = f.post if op == "create" else f.put
        if need is Req.NO:
            continue
        present, raw = _lookup(body, lowered, f.name)
        value: Any = None
        if present and raw is not None:
            try:
                value = coerce(f, raw)
            except Problem as p:
                problems.append(FieldProblem(f.name, raw, p.message))
                continue
        if need is Req.REQ and is_missing(f, value):
            problems.append(FieldProblem(f.name, raw if present else None, REQUIRED))
            continue
        if f.ref is not None and value == 0:
            value = None
        if value is None:
            if op == "create" and not present:
                continue  # the column default applies
            value = f.cleared()
        assert f.column is not None
        values[f.column] = value
    if problems:
        raise ValidationError(problems)
    return values


async def check_references(w: WriteCtx) -> None:
    """Every reference must name a record the caller may see (unchanged ones too: the caller's
    businesses may have changed since)."""
    problems = []
    for f in w.resource.writable:
        value = w.values.get(f.column) if f.ref is not None and f.column else None
        if value is None:
            continue
        target = w.ctx.registry[f.ref]  # type: ignore[index]
        if not await is_visible(w.conn, w.ctx.principal, target, value):
            problems.append(FieldProblem(f.name, value, INVALID))
    if problems:
        raise ValidationError(problems)


def _current_stmt(res: Resource) -> Any:
    extra = [res.business.label("_business")] if res.business is not None else []
    # check_columns: the business is often a column of a joined alias (a history's invoice);
    # without it no join is found and SQL silently cross-joins every invoice.
    aliases: set[Any] = set()
    if extra:
        aliases.update(find_tables(res.business, include_aliases=True, check_columns=True))
    stmt = (
        sa.select(res.table, *extra)
        .select_from(res.join_chain(aliases))
        .where(res.id_col == sa.bindparam("id", type_=sa.Integer))
    )
    return cached(stmt, ("current", res.name))


async def load_current(ctx: Ctx, conn: Any, res: Resource, ident: int) -> dict[str, Any]:
    """The stored row (column key -> value) of a record the caller may see, else ``NotFound``."""
    row = await conn.fetchrow(_current_stmt(res), {"id": ident})
    if row is None:
        raise NotFound(res.name, ident)
    keys = [c.key for c in res.table.columns]
    current = dict(zip(keys, row, strict=False))
    if res.business is not None and not ctx.principal.sees_business(row[len(keys)]):
        raise NotFound(res.name, ident)
    return current


def _require_id(body: dict[str, Any]) -> int:
    lowered = {k.lower(): k for k in body}
    _, raw = _lookup(body, lowered, "Id")
    if raw is None:
        raise ValidationError.one("Id", REQUIRED)
    try:
        return int(coerce(Field("Id", Kind.INT), raw))
    except Problem as p:
        raise ValidationError.one("Id", p.message, raw) from None


async def create(ctx: Ctx, res: Resource, body: Any) -> int:
    values = validate(res, body_object(body), "create")
    async with ctx.db.transaction() as conn:
        w = WriteCtx(ctx, conn, res, "create", values, None)
        await check_references(w)
        if res.hooks.prepare is not None:
            await res.hooks.prepare(w)
        row = {
            **w.values,
            "unique_id": str(uuid.uuid4()),
            "created_on": ctx.now,
            "updated_on": ctx.now,
            "updated_by": ctx.principal.email,
        }
        w.id = await conn.fetchval(sa.insert(res.table).values(row).returning(res.id_col))
        if res.hooks.after_write is not None:
            await res.hooks.after_write(w)
        return int(w.id)


async def update(ctx: Ctx, res: Resource, body: Any) -> int:
    obj = body_object(body)
    ident = _require_id(obj)
    values = validate(res, obj, "update")
    async with ctx.db.transaction() as conn:
        existing = await load_current(ctx, conn, res, ident)
        w = WriteCtx(ctx, conn, res, "update", values, existing, ident)
        await check_references(w)
        if res.hooks.prepare is not None:
            await res.hooks.prepare(w)
        row = {**w.values, "updated_on": ctx.now, "updated_by": ctx.principal.email}
        await conn.execute(sa.update(res.table).where(res.id_col == ident).values(row))
        if res.hooks.after_write is not None:
            await res.hooks.after_write(w)
    return ident


async def delete(ctx: Ctx, res: Resource, ident: int) -> int:
    async with ctx.db.transaction() as conn:
        existing = await load_current(ctx, conn, res, ident)
        w = WriteCtx(ctx, conn, res, "delete", {}, existing, ident)
        if res.hooks.before_delete is not None:
            await res.hooks.before_delete(w)
        await conn.execute(sa.delete(res.table).where(res.id_col == ident))
        if res.hooks.after_delete is not None:
            await res.hooks.after_delete(w)
    return ident
