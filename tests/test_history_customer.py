"""History entries carry their invoice's customer (migration 0009), whoever writes: the API,
SQL behind its back, or the bulk loader. A search of history by customer id or name reads that
copy, so it must never disagree with the invoice's. On the suite's database."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from coworkbill.billing import history
from coworkbill.billing.history import Actor
from coworkbill.billing.tables import coworker_invoice_histories as H
from coworkbill.billing.tables import coworker_invoices as I
from coworkbill.db.database import make_database
from coworkbill.timeutil import now_utc
from tests.support import Api, exact, on_database, send

HIST = "/api/billing/coworkerinvoicehistories"
INV = "/api/billing/coworkerinvoices"


def stored(url: str, *entries: int) -> list[int | None]:
    """Each entry's stored customer, in the order given."""
    [rows] = on_database(url, sa.select(H.c.id, H.c.coworker_id).where(H.c.id.in_(entries)))
    by_id = dict(rows)
    return [by_id[e] for e in entries]


def found(api: Api, **params: Any) -> list[int]:
    return sorted(r["Id"] for r in exact(api.get(HIST, {"size": 1000, **params}))["Records"])


def mismatched(url: str) -> int:
    """Entries anywhere whose stored customer is not their invoice's."""
    joined = H.join(I, I.c.id == H.c.coworker_invoice_id)
    wrong = H.c.coworker_id.is_distinct_from(I.c.coworker_id)
    [[(n,)]] = on_database(url, sa.select(sa.func.count()).select_from(joined).where(wrong))
    return int(n)


def test_an_entry_takes_its_invoices_customer(api: Api, database_url: str) -> None:
    biz = api.business()
    ann, bob = api.coworker(biz), api.coworker(biz)
    inv, other = api.invoice(biz, ann), api.invoice(biz, bob)
    entry = api.history(inv)
    assert stored(database_url, entry) == [ann]
    assert entry in found(api, CoworkerInvoiceHistory_CoworkerInvoice_Coworker_Id=ann)

    # Moved to another invoice (a full PUT): it takes that invoice's customer.
    rec = exact(api.get(f"{HIST}/{entry}"))
    body = {k: rec[k] for k in ("Id", "Name", "Description", "IsProblem", "Notify")}
    r = send(api, "PUT", HIST, {**body, "CoworkerInvoiceId": other})
    assert exact(r)["WasSuccessful"] is True, r.text
    assert stored(database_url, entry) == [bob]
    assert entry not in found(api, CoworkerInvoiceHistory_CoworkerInvoice_Coworker_Id=ann)
    assert entry in found(api, CoworkerInvoiceHistory_CoworkerInvoice_Coworker_Id=bob)
    assert mismatched(database_url) == 0


def test_an_invoice_given_another_customer_takes_its_entries_along(
    api: Api, database_url: str
) -> None:
    biz = api.business()
    ann, bob = api.coworker(biz, FullName="Annabel Quist"), api.coworker(biz)
    inv = api.invoice(biz, ann)
    for _ in range(2):
        api.history(inv)
    entries = found(api, CoworkerInvoiceHistory_CoworkerInvoice=inv)  # with the invoice's own
    assert len(entries) >= 2
    by_name = {"CoworkerInvoiceHistory_CoworkerInvoice_Coworker_FullName": "annabel quis"}
    assert found(api, **by_name) == entries

    rec = exact(api.get(f"{INV}/{inv}"))
    r = send(api, "PUT", INV, {**rec, "CoworkerId": bob})
    assert exact(r)["WasSuccessful"] is True, r.text
    assert exact(api.get(f"{INV}/{inv}"))["CoworkerId"] == bob
    assert stored(database_url, *entries) == [bob] * len(entries)
    assert found(api, **by_name) == []
    got = exact(api.get(f"{HIST}/{entries[0]}"))
    assert got["CoworkerInvoiceCoworkerId"] == bob
    assert mismatched(database_url) == 0


def test_sql_behind_the_apis_back_cannot_break_it(api: Api, database_url: str) -> None:
    biz = api.business()
    ann, bob, cy = (api.coworker(biz) for _ in range(3))
    inv, other = api.invoice(biz, ann), api.invoice(biz, bob)
    entry = api.history(inv)
    now = datetime.now(UTC)
    new = {"unique_id": str(uuid.uuid4()), "created_on": now, "updated_on": now}
    new |= {"name": "Raw", "description": "SQL"}
    [[(raw,)]] = on_database(
        database_url,
        sa.insert(H).values(coworker_invoice_id=other, **new).returning(H.c.id),
    )
    assert stored(database_url, raw) == [bob]  # inserted without it: filled in
    on_database(database_url, sa.update(H).where(H.c.id == entry).values(coworker_id=cy))
    assert stored(database_url, entry) == [ann]  # a wrong customer by hand: put right
    on_database(database_url, sa.update(H).where(H.c.id == entry).values(coworker_invoice_id=other))
    assert stored(database_url, entry) == [bob]  # moved to another invoice
    on_database(database_url, sa.update(I).where(I.c.id == other).values(coworker_id=cy))
    assert stored(database_url, entry, raw) == [cy, cy]  # the invoice's customer changed
    assert mismatched(database_url) == 0


def test_the_app_writes_the_customer_itself(api: Api, database_url: str) -> None:
    """A system entry names its customer in its own INSERT (the trigger's lookup is then
    skipped), the invoice's as the transaction leaves it."""
    biz = api.business()
    ann = api.coworker(biz)
    inv = api.invoice(biz, ann)

    async def write() -> str:
        db = make_database(database_url, 1, 2)
        await db.connect()
        try:
            async with db.transaction() as conn:
                written = {"id": inv, "coworker_id": ann}
                await history.record(
                    conn, written, "Note", "By the app.", Actor("t@x.io", now_utc())
                )
                sql = conn._deferred[-1][0]  # type: ignore[attr-defined]
            return str(sql)
        finally:
            await db.close()

    sql = asyncio.run(write())
    assert "coworker_id" in sql.split(" VALUES ")[0]
    entries = exact(api.get(HIST, {"CoworkerInvoiceHistory_CoworkerInvoice": inv, "size": 50}))
    note = [r for r in entries["Records"] if r["Name"] == "Note"]
    assert len(note) == 1
    assert stored(database_url, note[0]["Id"]) == [ann]
    assert mismatched(database_url) == 0
