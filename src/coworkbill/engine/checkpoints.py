"""Deep pages that start near where they are instead of walking from the top.

Page 2,000 of a list (size 25) is, done plainly, a walk over the 49,975 index entries before
it, on every request. Here every such page leaves a checkpoint behind: the order key
(and Id) of the row at its first position. A later page of the same list at or after a
checkpoint starts from it (an index range from that key) and walks only the distance between
the two; the same page again walks nothing.

A checkpoint holds only while that list's rows and their order are unchanged. The statement
that reads a page also reads the list's kept count and version (``db.counts.tally``; the
version is how many changes were ever made to those rows), in the same snapshot as the page,
and a page read from a checkpoint is used only if that is the version the checkpoint was taken
at; otherwise the page is walked again (and leaves a checkpoint of the new version). Which
lists qualify (``applies``): filtered by just one counted column (``ListQuery.counted``, the
version's key), ordered by Id or by a column whose changes the count triggers record
(``Resource.counted_orders``), and not so near the top that walking costs less.

Guarantees: a page is exactly the page the walk gives in the same snapshot, and its total is
that snapshot's count (one statement reads both); checkpoints live in the worker process, with
the database handle they were read through (so two databases in one process never share them),
a few per list and a bounded number of lists; a restart only costs one walk per list.
"""

from __future__ import annotations

import weakref
from bisect import bisect_right, insort
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from coworkbill.db import counts
from coworkbill.db.database import Database, Row, statement
from coworkbill.engine.context import Principal

if TYPE_CHECKING:
    from coworkbill.engine.search import Search

MIN_OFFSET = 1_000  # above the first thousand rows: nearer the top, walking costs less
PER_LIST = 64  # checkpoints kept per list
MAX_LISTS = 1_000  # lists (filter value, order, direction) remembered per process


@dataclass
class _Kept:
    version: int
    offsets: list[int] = field(default_factory=list)  # ascending
    keys: dict[int, tuple[Any, int]] = field(default_factory=dict)  # offset -> (key, Id)


# Database handle -> list (filter column and value, order, direction) -> its checkpoints.
_kept: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], _Kept]] = weakref.WeakKeyDictionary()


def applies(search: Search, who: Principal) -> bool:
    res, q = search.res, search.q
    if q.counted is None or (q.page - 1) * q.size < MIN_OFFSET:
        return False
    # Scoped to some businesses: the page is the counted value's alone only when that value
    # is the business itself (and the caller sees it, or there is nothing to page).
    scoped = len(search.where) > len(q.where)
    if scoped and (q.counted[0] is not res.business or not who.sees_business(q.counted[1])):
        return False
    if search.by_id:
        return True
    if not any(q.order_expr is c for c in res.counted_orders):
        return False
    # Descending, NULLs sort last: a range from a key would leave them out.
    return q.direction > 0 or not q.order_nullable


async def page_ids(ex: Database, search: Search) -> tuple[int, list[int]]:
    """The search's total and the Ids of its page, from the nearest checkpoint at or before it
    when one of the current version is kept, else by walking."""
    q = search.q
    assert q.counted is not None
    value, offset = q.counted[1], (q.page - 1) * q.size
    list_key = (search.res.name, q.counted[0].name, value, q.order_field.name, q.direction)
    params: dict[str, Any] = {"cv": value, "lim": q.size}
    lists = _kept.get(ex)
    if lists is None:
        lists = _kept[ex] = {}
    kept = lists.get(list_key)
    if kept is not None:
        at = bisect_right(kept.offsets, offset) - 1
        if at >= 0:
            start = kept.offsets[at]
            k0, i0 = kept.keys[start]
            rows = await ex.fetch(
                _statement(search, True), {**params, "k0": k0, "i0": i0, "off": offset - start}
            )
            if int(rows[0][0]) == kept.version:
                return await _page(ex, search, (lists, list_key), offset, rows)
    rows = await ex.fetch(_statement(search, False), {**params, "off": offset})
    return await _page(ex, search, (lists, list_key), offset, rows)


Place = tuple[dict[tuple[Any, ...], _Kept], tuple[Any, ...]]  # the lists, and the list's key


async def _page(
    ex: Database, search: Search, place: Place, offset: int, rows: list[Row]
) -> tuple[int, list[int]]:
    """Total and Ids from rows of (version, total, delta rows, Id, key), remembering where the
    page starts."""
    first = rows[0]
    if first[3] is not None and first[4] is not None:  # no checkpoint at a NULL key
        _remember(place, int(first[0]), offset, (first[4], first[3]))
    if first[2] > counts.COMPACT_AT:
        assert search.q.counted is not None
        await counts.compact(ex, *search.q.counted)
    return int(first[1]), [r[3] for r in rows if r[3] is not None]


def _remember(place: Place, version: int, offset: int, key: tuple[Any, int]) -> None:
    lists, list_key = place
    kept = lists.get(list_key)
    if kept is not None and version < kept.version:
        return  # read in an older snapshot than the kept ones: theirs are the useful ones
    if kept is None or version > kept.version or len(kept.offsets) >= PER_LIST:
        if kept is None and len(lists) >= MAX_LISTS:
            lists.clear()  # rare; keeps memory flat under endless new lists
        kept = lists[list_key] = _Kept(version)
    if offset not in kept.keys:
        insort(kept.offsets, offset)
    kept.keys[offset] = key


def _statement(search: Search, from_checkpoint: bool) -> Any:
    """Rows of (version, total, delta rows, Id, order key) in page order; one row ending in
    (NULL, NULL) for an empty page. Binds: ``cv`` (the counted value), ``lim``, ``off``, and
    from a checkpoint ``k0`` and ``i0`` (the key and Id of the row where it stands)."""
    res, q = search.res, search.q
    assert q.counted is not None
    column = q.counted[0]
    key = ("checkpoint", res.name, column.name, q.order_field.name, q.direction, from_checkpoint)

    def build() -> Any:
        ident = res.id_col
        k = ident if search.by_id else q.order_expr
        value = sa.bindparam("cv", type_=column.type)
        where = [column == value]
        if from_checkpoint:
            k0, i0 = sa.bindparam("k0", type_=k.type), sa.bindparam("i0", type_=sa.Integer)
            if search.by_id:
                where.append(ident >= i0 if q.direction > 0 else ident <= i0)
            elif q.direction > 0:  # ties break on Id ascending in both directions
                where += [k >= k0, sa.or_(k > k0, ident >= i0)]
            else:
                where += [k <= k0, sa.or_(k < k0, ident >= i0)]
        page = (
            sa.select(ident.label("id"), k.label("k"))
            .where(*where)
            .order_by(*search.ordered(k, ident))
            .limit(sa.bindparam("lim", type_=sa.BigInteger))
            .offset(sa.bindparam("off", type_=sa.BigInteger))
            .subquery("page")
        )
        kept = counts.tally(column, value)
        return (
            sa.select(kept.c.version, kept.c.total, kept.c.deltas, page.c.id, page.c.k)
            .select_from(kept.outerjoin(page, sa.true()))
            .order_by(*search.ordered(page.c.k, page.c.id))
        )

    return statement(key, build)
