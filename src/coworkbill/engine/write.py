"""Writes: POST, full-replacement PUT and DELETE for any declared resource.

Guarantees: every problem in a body is reported at once in the 400 envelope; read-only and
unknown properties are ignored; a PUT clears every writable optional property it omits and
rejects a missing required one; a reference to a record that does not exist, or that the caller
may not see, is ``is not a valid value``; hooks run inside the same transaction as the write, so
a failure anywhere leaves nothing behind; an update of a resource declared ``lock_on_update``
locks the record before it checks anything.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from coworkbill import timeutil
from coworkbill.db.database import (
    IntegrityViolation,
    insert_stmt,
    row_params,
    statement,
    update_stmt,
)
from coworkbill.db.metadata import new_row
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
    values[LOCALS] = _local_inputs(res, body, lowered, op, problems)
    if problems:
        raise ValidationError(problems)
    return values


LOCALS = "__locals__"  # base column -> wall-clock time sent in its *Local twin


def _local_inputs(
    res: Resource,
    body: dict[str, Any],
    lowered: dict[str, str],
    op: str,
    problems: list[FieldProblem],
) -> dict[str, datetime]:
    """A *Local value counts when its base field is absent or null; it is a wall-clock time
    (any offset it carries is ignored) in the zone of the business the record belongs to."""
    out: dict[str, datetime] = {}
    for local, base in res.local_inputs:
        if (base.post if op == "create" else base.put) is Req.NO:
            continue
        present, raw = _lookup(body, lowered, local.name)
        if not present or raw is None or _lookup(body, lowered, base.name)[1] is not None:
            continue
        try:
            if not isinstance(raw, str):
                raise ValueError(raw)
            out[str(base.column)] = timeutil.parse(raw, UTC)[0].replace(tzinfo=None)
        except ValueError:
            problems.append(FieldProblem(local.name, raw, "is not a valid date"))
    return out


async def apply_locals(w: WriteCtx, locals_: dict[str, datetime]) -> None:
    """Convert *Local inputs now that the record (and so its business zone) is written."""
    res = w.resource
    if not locals_ or res.timezone is None:
        return
    zone_name = await w.conn.fetchval(
        sa.select(res.timezone).select_from(res.from_for(res.timezone)).where(res.id_col == w.id)
    )
    zone = timeutil.zone(zone_name)
    fixed = {col: wall.replace(tzinfo=zone).astimezone(UTC) for col, wall in locals_.items()}
    assert w.id is not None
    await w.conn.execute(update_stmt(res.table, fixed), row_params(fixed, w.id))
    w.values.update(fixed)


async def check_references(w: WriteCtx) -> None:
    """Every reference a write introduces must name a record the caller may see. A reference
    an update leaves as it was is not looked up again: the record itself was just loaded within
    the caller's businesses (an invoice PUT carries five references; that is five queries)."""
    problems = []
    for f in w.resource.writable:
        if f.ref is None or f.column is None:
            continue
        value = w.values.get(f.column)
        if value is None or (w.existing is not None and w.existing.get(f.column) == value):
            continue
        target = w.ctx.registry[f.ref]
        if not await is_visible(w.conn, w.ctx.principal, target, value):
            problems.append(FieldProblem(f.name, value, INVALID))
    if problems:
        raise ValidationError(problems)


def _current_stmt(res: Resource, lock: bool) -> Any:
    return statement(("current", res.name, lock), lambda: _build_current(res, lock))


def _build_current(res: Resource, lock: bool) -> Any:
    extra = [res.business.label("_business")] if res.business is not None else []
    if lock:
        extra += res.locked_extras
    stmt = (
        sa.select(res.table, *extra)
        .select_from(res.from_for(*extra))
        .where(res.id_col == sa.bindparam("id", type_=sa.Integer))
    )
    return stmt.with_for_update(of=res.table) if lock else stmt


async def load_current(
    ctx: Ctx, conn: Any, res: Resource, ident: int, *, lock: bool = False
) -> dict[str, Any]:
    """The stored row (column key -> value) of a record the caller may see, else ``NotFound``;
    with ``lock``, locked for the rest of the transaction (so checks made on it stay true) and
    with the resource's ``locked_extras`` (by label)."""
    row = await conn.fetchrow(_current_stmt(res, lock), {"id": ident})
    if row is None:
        raise NotFound(res.name, ident)
    keys = res.column_keys
    current = dict(zip(keys, row, strict=False))
    at = len(keys)
    if res.business is not None:
        if not ctx.principal.sees_business(row[at]):
            raise NotFound(res.name, ident)
        at += 1
    if lock:
        current.update(zip((e.name for e in res.locked_extras), row[at:], strict=True))
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


def conflict(res: Resource, err: IntegrityViolation) -> ValidationError:
    """A unique constraint lost to a concurrent write names the property it guards, as the
    sequential check would have."""
    for c in res.table.constraints:
        if isinstance(c, sa.UniqueConstraint) and c.name == err.constraint:
            keys = [col.key for col in c.columns]
            for f in reversed(res.writable):
                if f.column in keys:
                    return ValidationError.one(f.name, "is already used by another record")
    return ValidationError.one("Id", "conflicts with another change; try again")


async def create(ctx: Ctx, res: Resource, body: Any) -> int:
    try:
        return await _create(ctx, res, body)
    except IntegrityViolation as err:
        raise conflict(res, err) from err


async def update(ctx: Ctx, res: Resource, body: Any) -> int:
    try:
        return await _update(ctx, res, body)
    except IntegrityViolation as err:
        raise conflict(res, err) from err


async def _create(ctx: Ctx, res: Resource, body: Any) -> int:
    values = validate(res, body_object(body), "create")
    locals_ = values.pop(LOCALS)
    async with ctx.db.transaction() as conn:
        w = WriteCtx(ctx, conn, res, "create", values, None)
        await check_references(w)
        if res.hooks.prepare is not None:
            await res.hooks.prepare(w)
        row = new_row(w.values, ctx.principal.email, ctx.now)
        w.id = await conn.fetchval(insert_stmt(res.table, row), row_params(row))
        await apply_locals(w, locals_)
        if res.hooks.after_write is not None:
            await res.hooks.after_write(w)
        return int(w.id)


async def _update(ctx: Ctx, res: Resource, body: Any) -> int:
    obj = body_object(body)
    problems: list[FieldProblem] = []
    ident, values = 0, {}
    for step in ("id", "fields"):  # report a missing Id together with every field problem
        try:
            if step == "id":
                ident = _require_id(obj)
            else:
                values = validate(res, obj, "update")
        except ValidationError as err:
            problems.extend(err.problems)
    if problems:
        raise ValidationError(problems)
    locals_ = values.pop(LOCALS)
    async with ctx.db.transaction() as conn:
        # Locked from the start where the declaration allows (``Resource.lock_on_update``): the
        # checks and the hooks then decide on the row the write replaces.
        existing = await load_current(ctx, conn, res, ident, lock=res.lock_on_update)
        w = WriteCtx(ctx, conn, res, "update", values, existing, ident)
        await check_references(w)
        if res.hooks.prepare is not None:
            await res.hooks.prepare(w)
        w.values.update(updated_on=ctx.now, updated_by=ctx.principal.email)
        # Deferred: it travels with whatever the hooks write last (a log entry), or runs before
        # anything they read, so a hook that reads the record sees it written.
        conn.defer(update_stmt(res.table, w.values), row_params(w.values, ident))
        await apply_locals(w, locals_)
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
