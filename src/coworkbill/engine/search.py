"""List pages: the search statements, exact totals, and the page's records.

Guarantees: a page is its page of ids (with just the joins its filters need, so deep pages do
not materialise what they skip) and the full rows of those ids; its total comes with the ids
for few matches, else from a count before them (kept counts where the only filter is a counted
column, whose deep pages start from checkpoints: engine/checkpoints.py); every count is exact;
records the caller's businesses do not cover are never returned; the order is total (ties break
on Id ascending); list records carry every field of the get-one record. A search statement is
built once per filter shape and run with each request's values.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from coworkbill.db import counts
from coworkbill.db.database import Executor, Reused
from coworkbill.engine import checkpoints, envelopes
from coworkbill.engine.context import Ctx, Principal
from coworkbill.engine.filters import ListQuery
from coworkbill.engine.query import rows_by_id, scope_clause
from coworkbill.engine.resource import Resource
from coworkbill.engine.serialize import Record, serialized

# At most this many matches, a page is cut from the matches themselves (materialised, then
# sorted); above it, from a walk of the ordering index, which then finds its page quickly.
SMALL_RESULT = 20_000


def _directed(expr: Any, q: ListQuery) -> Any:
    out = expr.asc() if q.direction > 0 else expr.desc()
    if q.order_nullable:
        # One order on both databases: NULLs first ascending (SQLite's own), last descending.
        # Said only where NULLs can occur, so a plain index still serves NOT NULL columns.
        out = out.nulls_first() if q.direction > 0 else out.nulls_last()
    return out


def _order(key: Any, ident: Any, q: ListQuery, by_id: bool) -> list[Any]:
    """The requested order, ties broken by Id ascending (a total order, so pages never
    overlap or skip)."""
    if by_id:
        return [ident.desc() if q.direction < 0 else ident.asc()]
    return [_directed(key, q), ident.asc()]


class Search:
    """The statements of one search's ids; ``rows_by_id`` then reads the full rows of just
    those (deferred join). For a result of at most ``SMALL_RESULT`` matches one statement
    (``small``) materialises them once, counts them and cuts the page from them: walking an
    ordering index and joining every row to test a filter through related records costs in
    proportion to the whole table, not to the matches. A larger result is counted (``count``),
    then its page taken from a walk of the ordering index with only the joins the filters
    need (``page``)."""

    def __init__(self, who: Principal, res: Resource, q: ListQuery) -> None:
        self.res, self.q = res, q
        self.where = list(q.where)
        scope = scope_clause(res, who)
        if scope is not None:
            self.where.append(scope)
        self.matched = (*q.compared, res.business if scope is not None else None)
        self.by_id = q.order_expr is res.id_col
        # The filters' structure (their values taken out): statements are built once per
        # structure, order and direction (``statement``).
        self.filters = sa.and_(*self.where)._generate_cache_key() if self.where else None
        self.limits = {"lim": q.size, "off": (q.page - 1) * q.size}

    @property
    def frm(self) -> Any:
        return self.res.from_for(*self.where, self.q.order_expr, matched=self.matched)

    def statement(self, kind: str) -> Any:
        """``count``, ``small`` or ``page``, built once per shape and run with this search's
        values (run it with ``limits``): a request reuses the statement another request of
        the same shape built, which SQLAlchemy rebinds by position (``db.Reused``)."""
        build = getattr(self, kind)
        filters = self.filters
        if filters is None and self.where:
            return build()  # a construct SQLAlchemy cannot key: built every time
        q = self.q
        key: tuple[Any, ...] = ("search", kind, self.res.name, q.order_field.name, q.direction)
        key += (filters.key if filters is not None else None,)
        found = _templates.get(key)
        if found is None:
            stmt = build()
            ck = stmt._generate_cache_key()
            if ck is None:
                return stmt
            if len(_templates) >= MAX_TEMPLATES:
                _templates.clear()  # rare; keeps memory flat under endless new shapes
            binds = tuple(filters.bindparams) if filters is not None else ()
            found = _templates[key] = (stmt, ck, binds)
        stmt, ck, binds = found
        mine = filters.bindparams if filters is not None else ()
        ours = {id(b): m for b, m in zip(binds, mine, strict=True)}
        return Reused(stmt, key, ck, [ours.get(id(b), b) for b in ck.bindparams])

    def count(self) -> Any:
        return sa.select(sa.func.count()).select_from(self.frm).where(*self.where)

    def small(self) -> Any:
        """Rows of (total, id) in page order; one row of (total, NULL) when the page is empty.
        A total over ``SMALL_RESULT`` means the result is larger: the matches were cut there,
        and the page is not to be used. The full rows are read apart (``rows_by_id``): that
        statement's plan is made once, whereas this one's is made for each filter value."""
        res, q = self.res, self.q
        matches = (
            sa.select(res.id_col.label("id"), q.order_expr.label("k"))
            .select_from(self.frm)
            .where(*self.where)
            .limit(SMALL_RESULT + 1)
            .cte("matches")
            .prefix_with("MATERIALIZED")
        )
        page = (
            sa.select(matches.c.id, matches.c.k)
            .order_by(*_order(matches.c.k, matches.c.id, q, self.by_id))
            .limit(self._bound("lim"))
            .offset(self._bound("off"))
            .subquery("page")
        )
        total = sa.select(sa.func.count().label("n")).select_from(matches).subquery("total")
        return (
            sa.select(total.c.n, page.c.id)
            .select_from(total.outerjoin(page, sa.true()))
            .order_by(*_order(page.c.k, page.c.id, q, self.by_id))
        )

    def page(self) -> Any:
        q = self.q
        return (
            sa.select(self.res.id_col)
            .select_from(self.frm)
            .where(*self.where)
            .order_by(*_order(q.order_expr, self.res.id_col, q, self.by_id))
            .limit(self._bound("lim"))
            .offset(self._bound("off"))
        )

    def ordered(self, key: Any, ident: Any) -> list[Any]:
        """ORDER BY terms of this search's order over ``key`` (ties on ``ident``)."""
        return _order(key, ident, self.q, self.by_id)

    def _bound(self, name: str) -> Any:
        # Named, so a reused statement takes this search's page from ``limits``.
        return sa.bindparam(name, self.limits[name], type_=sa.BigInteger)


# Built search statements (see ``Search.statement``) and their cache keys, by shape.
_templates: dict[Any, tuple[Any, Any, tuple[Any, ...]]] = {}
MAX_TEMPLATES = 2000

# Filter shapes (resource, filters used) whose latest search found more than SMALL_RESULT
# matches: the next search of that shape is counted first instead of tried as a small one.
_large_shapes: set[tuple[str, tuple[str, ...]]] = set()


async def list_page(ctx: Ctx, res: Resource, q: ListQuery) -> Record:
    search = Search(ctx.principal, res, q)
    shape = (res.name, q.shape)
    if q.where and q.counted is None and shape not in _large_shapes:
        found = await _small_page(ctx.db, search)
        if found is not None:
            return found
    if checkpoints.applies(search, ctx.principal):  # total and page in one statement
        total, ids = await checkpoints.page_ids(ctx.db, search)
        return _envelope(q, await _records(ctx.db, res, ids), total)
    total = await _count(ctx, search)
    if q.where:
        if total <= SMALL_RESULT:
            _large_shapes.discard(shape)
            found = await _small_page(ctx.db, search)
            if found is not None:
                return found
        if len(_large_shapes) >= 10_000:
            _large_shapes.clear()  # rare; keeps memory flat under endless new shapes
        _large_shapes.add(shape)
    records: list[Record] = []
    if total > (q.page - 1) * q.size:
        ids = [r[0] for r in await ctx.db.fetch(search.statement("page"), search.limits)]
        records = await _records(ctx.db, res, ids)
    return _envelope(search.q, records, total)


async def _count(ctx: Ctx, search: Search) -> int:
    """The search's exact total: from the database's row counts when it filters by just one
    counted column (within the caller's businesses), else by counting."""
    res, counted, who = search.res, search.q.counted, ctx.principal
    if counted is not None:
        column, value = counted
        if who.business_ids is None or res.business is None:
            return await counts.exact_count(ctx.db, column, value)
        if column is res.business:
            return (
                await counts.exact_count(ctx.db, column, value) if who.sees_business(value) else 0
            )
    return int(await ctx.db.fetchval(search.statement("count")) or 0)


async def _small_page(ex: Executor, search: Search) -> Record | None:
    """The page from ``search.small()``, or ``None`` if the result has grown past
    SMALL_RESULT."""
    rows = await ex.fetch(search.statement("small"), search.limits)
    total = int(rows[0][0])
    if total > SMALL_RESULT:
        return None
    ids = [r[1] for r in rows if r[1] is not None]
    return _envelope(search.q, await _records(ex, search.res, ids), total)


async def _records(ex: Executor, res: Resource, ids: list[int]) -> list[Record]:
    by_id = await rows_by_id(ex, res, ids)
    return await serialized(ex, res, [by_id[i] for i in ids if i in by_id], listing=True)


def _envelope(q: ListQuery, records: list[Record], total: int) -> Record:
    return envelopes.page(
        records,
        page=q.page,
        size=q.size,
        total=total,
        order_field=q.order_field.name,
        direction=q.direction,
    )
