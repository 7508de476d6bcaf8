"""Exact counts kept by the database (db/counts.py, migration 0005): a list of one business's
invoices reads its TotalItems from them, and they equal count(*) through creates, deletes,
a change of business, folding, and folding while others write. On the suite's database."""

from __future__ import annotations

import asyncio
from typing import Any

import sqlalchemy as sa

from coworkbill.app import build_registry
from coworkbill.billing.tables import coworker_invoices as I
from coworkbill.db import counts
from coworkbill.db.database import make_database
from coworkbill.db.migrate import sync_engine
from tests.support import Api, exact, on_database

INV = "/api/billing/coworkerinvoices"
R = counts.row_counts.c


def total_items(api: Api, business: int, **params: Any) -> int:
    r = exact(api.get(INV, {"CoworkerInvoice_Business": business, **params}))
    return int(r["TotalItems"])


def stored(url: str, business: int) -> tuple[int, int, int]:
    """(sum of the business's delta rows, how many there are, count(*) of its invoices)."""
    key = (R.table_name == "coworker_invoices", R.column_name == "business_id")
    deltas = sa.select(sa.func.coalesce(sa.func.sum(R.n), 0), sa.func.count())
    real = sa.select(sa.func.count()).select_from(I).where(I.c.business_id == business)
    [[(n, rows)], [(count,)]] = on_database(url, deltas.where(*key, R.value == business), real)
    return int(n), int(rows), int(count)


def changes(url: str, business: int) -> int:
    """The business's invoices' version (``counts.tally``) as a reader sees it now."""
    [[(version,)]] = on_database(url, sa.select(counts.tally(I.c.business_id, business).c.version))
    return int(version)


def test_a_business_list_counts_from_the_kept_counts(api: Api, database_url: str) -> None:
    biz, other = api.business(), api.business()
    cw = api.coworker(biz)
    made = [api.invoice(biz, cw) for _ in range(counts.COMPACT_AT + 3)]
    assert total_items(api, biz) == len(made)
    # More delta rows than COMPACT_AT: that count folded them into one.
    assert stored(database_url, biz) == (len(made), 1, len(made))

    gone = exact(api.post(f"{INV}/runcommand", {"Key": "COWORKER_INVOICE_DELETE", "Ids": made[:1]}))
    assert gone["WasSuccessful"] is True, gone
    assert total_items(api, biz) == len(made) - 1
    # A change of business (no API moves an invoice; the trigger must count it anyway).
    moved = sa.update(I).where(I.c.id.in_(made[1:3])).values(business_id=other)
    same = sa.update(I).where(I.c.id == made[3]).values(business_id=biz)  # not a change
    on_database(database_url, moved, same)
    assert total_items(api, biz) == len(made) - 3
    assert total_items(api, other) == 2
    assert stored(database_url, biz)[::2] == (len(made) - 3, len(made) - 3)
    assert stored(database_url, biz)[1] == 4  # the folded row, the delete, two moves
    # With a second filter the rows are counted as before; the totals agree.
    assert total_items(api, biz, CoworkerInvoice_Draft="false") == len(made) - 3


def test_folding_while_others_write_keeps_every_count(api: Api, database_url: str) -> None:
    biz = api.business()
    cw = api.coworker(biz)
    for _ in range(5):
        api.invoice(biz, cw)

    async def race() -> None:
        db = make_database(database_url, 1, 6)
        await db.connect()
        try:
            delta = {"t": "coworker_invoices", "c": "business_id", "v": biz}

            async def write(n: int) -> None:
                async with db.transaction() as con:
                    await con.execute(counts._PUT, {**delta, "n": n, "changes": n})
                    await con.execute(counts._PUT, {**delta, "n": -n, "changes": n})

            jobs = [counts.compact(db, I.c.business_id, biz) for _ in range(4)]
            jobs += [write(n) for n in range(1, 9)]
            await asyncio.gather(*jobs)
            await counts.compact(db, I.c.business_id, biz)
        finally:
            await db.close()

    asyncio.run(race())
    assert stored(database_url, biz) == (5, 1, 5)
    assert total_items(api, biz) == 5
    # The changes folded with the counts: 5 inserts, then 2 x (1 + ... + 8) from the writers.
    assert changes(database_url, biz) == 5 + 2 * sum(range(1, 9))


def test_every_counted_column_is_kept_by_a_trigger(api: Api, database_url: str) -> None:
    """A column declared ``counted`` whose table has no trigger would read as 0 for every
    value: for each declaration, the kept counts of every value equal count(*) (after this
    module's writes, and the invoice made here)."""
    biz = api.business()
    api.invoice(biz, api.coworker(biz))
    declared = [(r, col) for r in build_registry().values() for col in r.counted]
    assert declared, "nothing is declared counted: this test would prove nothing"
    engine = sync_engine(database_url)
    try:
        with engine.connect() as con:
            for res, col in declared:
                real: dict[int, int] = dict(
                    con.execute(sa.select(col, sa.func.count()).group_by(col)).all()
                )
                key = (R.table_name == res.table.name, R.column_name == col.name)
                sums = sa.select(R.value, sa.func.sum(R.n)).where(*key).group_by(R.value)
                kept: dict[int, int] = dict(con.execute(sums.having(sa.func.sum(R.n) != 0)).all())
                assert real and kept == real, res.name
    finally:
        engine.dispose()
