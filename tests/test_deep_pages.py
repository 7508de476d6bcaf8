"""Deep pages from checkpoints (engine/checkpoints.py): every page of a business's invoices
equals the same slice of the whole list, while pages are served from remembered positions and
after each kind of change that moves rows (a new invoice before the others, a draft, a draft
given its number, a deleted invoice, a number changed and an invoice moved to another
business, both behind the API's back). On the suite's database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from coworkbill.billing.tables import coworker_invoices as I
from coworkbill.db import counts
from coworkbill.engine import checkpoints, search
from tests.support import Api, add_user, exact, on_database, unique

INV = "/api/billing/coworkerinvoices"
R = counts.row_counts.c
SIZE = 2
# (orderBy, dir): the default order, Id both ways, and one that never uses checkpoints
# (descending by a nullable column: NULLs come last, out of reach of a range from a key).
ORDERS = [(None, None), ("Id", "asc"), ("Id", "desc"), ("InvoiceNumber", "desc")]


@pytest.fixture(autouse=True)
def near_the_top() -> Iterator[None]:
    """Checkpoints from the second page on, and every list paged as a large one (a walk of
    the order, not a cut of its materialised matches): the suite's lists are short."""
    saved = checkpoints.MIN_OFFSET, search.SMALL_RESULT
    checkpoints.MIN_OFFSET, search.SMALL_RESULT = SIZE, 0
    checkpoints._kept.clear()
    yield
    checkpoints.MIN_OFFSET, search.SMALL_RESULT = saved
    checkpoints._kept.clear()


def kept_lists(api: Api) -> dict[Any, Any]:
    """The lists this app's database handle keeps checkpoints for."""
    return checkpoints._kept.get(api.client.app.state.db, {})  # type: ignore[attr-defined]


def listed(api: Api, biz: int, order: tuple[str | None, str | None], **params: Any) -> Any:
    by, direction = order
    if by is not None:
        params |= {"orderBy": by, "dir": direction}
    return exact(api.get(INV, {"CoworkerInvoice_Business": biz, **params}))


def every_page_agrees(api: Api, biz: int) -> None:
    """Each page, read twice (the second time from checkpoints), is its slice of the list."""
    for order in ORDERS:
        whole = [r["Id"] for r in listed(api, biz, order, size=1000)["Records"]]
        pages = -(-len(whole) // SIZE)
        for _ in range(2):
            for page in range(pages + 1, 1, -1):  # from the end: each page finds one behind
                got = listed(api, biz, order, page=page, size=SIZE)
                assert got["TotalItems"] == len(whole)
                want = whole[(page - 1) * SIZE : page * SIZE]
                assert [r["Id"] for r in got["Records"]] == want, (order, page)


def test_deep_pages_follow_every_change(api: Api, database_url: str) -> None:
    biz, other = api.business(), api.business()
    cw = api.coworker(biz)
    made = [api.invoice(biz, cw, InvoiceNumber=f"INV-{i:03}") for i in range(9)]
    every_page_agrees(api, biz)
    kept = kept_lists(api)
    lists = [key for key in kept if key[2] == biz]
    assert len(lists) == 3  # the default order and Id both ways keep checkpoints
    assert all(len(kept[key].offsets) >= 4 for key in lists)

    api.invoice(biz, cw, InvoiceNumber="AAA-first")  # sorts before every other
    every_page_agrees(api, biz)
    draft = api.invoice(biz, cw, InvoiceNumber="", Draft=True)  # no number: first of all
    every_page_agrees(api, biz)
    body = {**exact(api.get(f"{INV}/{draft}")), "Draft": False, "InvoiceNumber": ""}
    assert exact(api.put(INV, body))["WasSuccessful"] is True  # numbered now: moves
    every_page_agrees(api, biz)
    gone = {"Key": "COWORKER_INVOICE_DELETE", "Ids": [made[4]]}
    assert exact(api.post(f"{INV}/runcommand", gone))["WasSuccessful"] is True
    every_page_agrees(api, biz)
    renumbered = sa.update(I).where(I.c.id == made[1]).values(invoice_number="ZZZ-last")
    on_database(database_url, renumbered)
    every_page_agrees(api, biz)
    on_database(database_url, sa.update(I).where(I.c.id == made[6]).values(business_id=other))
    every_page_agrees(api, biz)


def test_a_user_of_some_businesses_pages_the_same(
    api: Api, client: TestClient, database_url: str
) -> None:
    biz, other = api.business(), api.business()
    cw = api.coworker(biz)
    for i in range(7):
        api.invoice(biz, cw, InvoiceNumber=f"N-{i:03}")
    email = f"{unique('pager')}@example.com"
    roles = ("CoworkerInvoice-List", "CoworkerInvoice-Read")
    mine = api.as_(add_user(client, email, roles=roles, business_ids=(biz,)))
    every_page_agrees(mine, biz)
    assert any(key[2] == biz for key in kept_lists(api))
    api.invoice(biz, cw, InvoiceNumber="A-first")
    every_page_agrees(mine, biz)
    # Another business's list is empty to this user, checkpoints or not.
    api.invoice(other, api.coworker(other))
    assert listed(mine, other, (None, None), page=3, size=SIZE)["Records"] == []


def test_a_deep_page_folds_the_counts_it_reads(api: Api, database_url: str) -> None:
    """The page statement reads the kept count itself (db/counts.tally), so it folds a
    business's delta rows as ``exact_count`` would, once there are more than COMPACT_AT."""
    biz = api.business()
    cw = api.coworker(biz)
    for i in range(counts.COMPACT_AT + 3):
        api.invoice(biz, cw, InvoiceNumber=f"F-{i:03}")
    got = listed(api, biz, (None, None), page=3, size=SIZE)
    assert got["TotalItems"] == counts.COMPACT_AT + 3
    assert [key for key in kept_lists(api) if key[2] == biz], "not served from checkpoints"
    key = (R.table_name == "coworker_invoices", R.column_name == "business_id", R.value == biz)
    assert on_database(database_url, sa.select(sa.func.count()).where(*key)) == [[(1,)]]
    assert listed(api, biz, (None, None), page=3, size=SIZE)["TotalItems"] == counts.COMPACT_AT + 3
