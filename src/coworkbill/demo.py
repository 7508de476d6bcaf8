"""Demo data: two locations in different time zones and currencies, their customers, three
months of invoices with lines and history entries, and an administrator to log in with.

Guarantees: every record of the demo itself goes through the engine's own write path (the
validation and domain hooks a POST or PUT runs), never straight into a table; a second run adds
nothing (a location already present, found by name, is left as it is) and still prints the
login. ``extra_invoices=N`` then has ``coworkbill.bulk`` load the scale data set (locations of
its own, written in bulk) until those hold at least N invoices, so repeating it is idempotent
too and a larger N tops it up.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from coworkbill import timeutil
from coworkbill.auth.tables import users
from coworkbill.auth.users import create_user
from coworkbill.billing.tables import (
    coworker_invoice_histories,
    coworker_invoice_lines,
    coworker_invoices,
    coworker_ledger_entries,
)
from coworkbill.db.database import Database, SqliteDatabase
from coworkbill.demo_sites import SITES, Customer, Site
from coworkbill.directory.tables import businesses, countries, coworkers, currencies
from coworkbill.engine import query, write
from coworkbill.engine.context import Ctx, Principal

ADMIN_EMAIL = "admin@coworkbill.local"
ADMIN_PASSWORD = "coworkbill-admin"
# The one-line extras of earlier versions were marked with this CustomData; the bulk data set
# lives in its own locations instead (coworkbill.bulk.data.LOCATIONS) and never carries it.
CENT = Decimal("0.01")


class Seeder:
    """Creates the demo's records through the engine's write path, as an API client would."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx, self.reg = ctx, ctx.registry

    async def ref(self, table: sa.Table, col: str, code: str) -> int:
        found = await self.ctx.db.fetchval(sa.select(table.c.id).where(table.c[col] == code))
        if found is None:
            raise LookupError(f"{table.name} {code} is missing: run `coworkbill db upgrade`")
        return int(found)

    def at(self, when: datetime | None) -> Ctx:
        """The context as of ``when`` (never in the future), so records carry realistic dates."""
        return self.ctx if when is None else replace(self.ctx, now=min(when, self.ctx.now))

    async def create(self, entity: str, body: dict[str, Any], when: datetime | None = None) -> int:
        return await write.create(self.at(when), self.reg[entity], body)

    async def site(self, s: Site) -> int:
        opened = month_bounds(s.zone, self.ctx.now, 3)[0]  # before the first demo invoice
        currency = await self.ref(currencies, "code", s.currency)
        biz = await self.create(
            "Business",
            {
                "Name": s.name,
                "CountryId": await self.ref(countries, "two_digits_code", s.country),
                "CurrencyId": currency,
                "SimpleTimeZoneId": s.zone,
                "Email": s.email,
                "Address": s.address,
                "TaxIDNumber": s.tax_id,
                "InvoiceNumberPrefix": s.prefix,
                "InvoiceNumberPadding": 5,
            },
            opened,
        )
        for i, cu in enumerate(s.customers):
            snap = bill_to(cu, await self.ref(countries, "two_digits_code", cu.country))
            customer = {
                "FullName": cu.name,
                "Email": cu.email,
                "CountryId": snap["BillToCountryId"],
                "SimpleTimeZoneId": s.zone,
                "InvoicingBusinessId": biz,
                "CoworkerType": 2 if cu.company else 1,
                "CompanyName": cu.company,
                "TaxIDNumber": snap["BillToTaxIDNumber"],
                "RegularPaymentProvider": cu.provider,
                "NotifyOnNewInvoice": True,
                "NotifyOnFailedPayment": True,
                "BillingEmail": cu.email,
                "BillingName": snap["BillToName"],
                "BillingAddress": cu.address,
                "BillingCityName": cu.city,
                "BillingPostCode": cu.post_code,
                "BillingState": cu.state,
                "BillingCountryId": snap["BillToCountryId"],
            }
            cw = await self.create("Coworker", customer, opened)
            base = {"CoworkerId": cw, "BusinessId": biz, "CurrencyId": currency, **snap}
            for months_ago in (2, 1, 0):
                await self.invoice(s, base, i, months_ago)
        return biz

    async def invoice(self, s: Site, base: dict[str, Any], i: int, ago: int) -> None:
        """Customer ``i``'s invoice for the month ``ago`` months back: two months back paid,
        last month sent (then paid, declined or overdue), this month still a draft."""
        start, end = month_bounds(s.zone, self.ctx.now, ago)
        issued = start + timedelta(days=1)
        body = {
            **base,
            "InvoiceNumber": "",
            "Draft": True,
            "InvoiceFromDate": timeutil.fmt_utc(start),
            "InvoiceToDate": timeutil.fmt_utc(end),
            "DueDate": timeutil.fmt_utc(start + timedelta(days=14)),
        }
        inv = await self.create("CoworkerInvoice", body, issued)
        month = start.astimezone(ZoneInfo(s.zone)).strftime("%B %Y")
        for desc, qty, price in lines_for(s, i, ago):
            await self.line(s, inv, f"{desc} ({month})", qty, price, issued)
        if ago == 0:
            return
        # Finalise as a client would: read the record, clear Draft, PUT it back whole; the
        # business's numbering assigns the number.
        res = self.reg["CoworkerInvoice"]
        rec = await query.get_one(self.ctx, res, inv)
        await write.update(self.at(issued), res, {**rec, "Draft": False})
        rec = await query.get_one(self.ctx, res, inv)
        number, who = rec["InvoiceNumber"], base["BillToName"]
        await self.history(inv, "Invoice sent", f"Invoice {number} emailed to {who}.", issued)
        if ago == 2 or i % 3 == 0:
            paid = issued + timedelta(days=6)
            payment = {
                "BusinessId": base["BusinessId"],
                "CoworkerId": base["CoworkerId"],
                "CoworkerInvoiceId": inv,
                "Credit": rec["TotalAmount"],
                "TransactionDate": timeutil.fmt_utc(min(paid, self.ctx.now)),
                "Description": f"Payment of invoice {number}",
                "PaymentProvider": s.customers[i].provider,
            }
            await self.create("CoworkerLedgerEntry", payment, paid)  # logs "Payment received"
        elif i % 3 == 1:
            text = f"Card payment for invoice {number} was declined by the issuing bank."
            await self.history(inv, "Payment failed", text, issued + timedelta(hours=6), True)
        else:
            text = f"Invoice {number} was due on {body['DueDate'][:10]} and is still unpaid."
            await self.history(inv, "Payment reminder sent", text, issued + timedelta(days=16))

    async def line(
        self, s: Site, inv: int, desc: str, qty: int, price: Decimal, when: datetime | None
    ) -> None:
        sub = price * qty
        body = {
            "CoworkerInvoiceId": inv,
            "Description": desc,
            "Quantity": qty,
            "SubTotal": sub,
            "TaxRate": s.tax_rate,
            "TaxAmount": (sub * s.tax_rate / 100).quantize(CENT, ROUND_HALF_UP),
            "TaxCategoryName": s.tax_name,
        }
        await self.create("CoworkerInvoiceLine", body, when)

    async def history(
        self, inv: int, name: str, text: str, when: datetime, problem: bool = False
    ) -> None:
        body = {"CoworkerInvoiceId": inv, "Name": name, "Description": text, "IsProblem": problem}
        await self.create("CoworkerInvoiceHistory", body, when)


def bill_to(cu: Customer, country_id: int) -> dict[str, Any]:
    """The invoice's snapshot of the customer's billing details; companies get a stable
    made-up tax id."""
    tax_id = f"{cu.country}{zlib.crc32(cu.name.encode()) % 10**8:08d}" if cu.company else None
    return {
        "BillToName": cu.company or cu.name,
        "BillToAddress": cu.address,
        "BillToCity": cu.city,
        "BillToPostCode": cu.post_code,
        "BillToState": cu.state,
        "BillToCountryId": country_id,
        "BillToTaxIDNumber": tax_id,
    }


def month_bounds(zone: str, now: datetime, months_ago: int) -> tuple[datetime, datetime]:
    """[first second, last second] of the local calendar month ``months_ago`` before ``now``."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    index = local.year * 12 + local.month - 1 - months_ago
    first = datetime(index // 12, index % 12 + 1, 1, tzinfo=tz)
    after = datetime((index + 1) // 12, (index + 1) % 12 + 1, 1, tzinfo=tz)
    return first.astimezone(UTC), (after - timedelta(seconds=1)).astimezone(UTC)


def lines_for(s: Site, i: int, months_ago: int) -> Iterator[tuple[str, int, Decimal]]:
    """What customer ``i`` used that month: a membership, then varying extras."""
    p = s.prices
    if s.customers[i].company is not None:
        yield "Dedicated desk membership", 1, p["desk"]
    else:
        yield "Hot desk membership", 1, p["hot"]
    rooms = (i + months_ago) % 4
    if rooms:
        yield "Meeting room booking", rooms, p["room"]
    if (i + months_ago) % 2 == 0:
        yield "Printing, 100 pages", 1 + i % 3, p["print"]
    yield "Coffee & snacks bundle", 1 + (i * 2 + months_ago) % 4, p["coffee"]


async def summary(db: Database, biz: int) -> str:
    """What the database holds for business ``biz`` (the billing rules add history too)."""
    inv = coworker_invoices.c
    of_biz = sa.select(inv.id).where(inv.business_id == biz).scalar_subquery()
    counts = {
        "customers": coworkers.c.invoicing_business_id == biz,
        "invoices": inv.business_id == biz,
        "drafts": sa.and_(inv.business_id == biz, inv.draft),
        "lines": coworker_invoice_lines.c.coworker_invoice_id.in_(of_biz),
        "payments": coworker_ledger_entries.c.business_id == biz,
        "history entries": coworker_invoice_histories.c.coworker_invoice_id.in_(of_biz),
    }
    found = [await db.fetchval(sa.select(sa.func.count()).where(w)) for w in counts.values()]
    return ", ".join(f"{n} {what}" for n, what in zip(found, counts, strict=True))


async def _admin(db: Database) -> Principal:
    async with db.transaction() as conn:
        uid = await conn.fetchval(sa.select(users.c.id).where(users.c.email == ADMIN_EMAIL))
        if uid is None:
            uid = await create_user(conn, ADMIN_EMAIL, ADMIN_PASSWORD, is_admin=True)
    return Principal(int(uid), ADMIN_EMAIL, True, frozenset(), None)


async def seed(db: Database, extra_invoices: int = 0, *, progress: bool = False) -> list[str]:
    """Seed the demo, then (``extra_invoices`` > 0) the bulk data set, with a progress bar on
    stderr when ``progress``; returns the report lines, the admin login last."""
    from coworkbill.app import build_registry

    seeder = Seeder(Ctx(db, build_registry(), await _admin(db), timeutil.now_utc()))
    report: list[str] = []
    for s in SITES:
        found = await db.fetchval(sa.select(businesses.c.id).where(businesses.c.name == s.name))
        state = "already present, left as it is" if found is not None else "created"
        biz = int(found) if found is not None else await seeder.site(s)
        counts = await summary(db, biz)
        report.append(f"{s.name} (business {biz}, {s.zone}, {s.currency}) {state}: {counts}")
    if extra_invoices > 0:
        from coworkbill import bulk
        from coworkbill.bulk.data import LOCATIONS

        # The loader is synchronous (COPY through psycopg, or sqlite3): a worker thread keeps
        # this event loop free meanwhile.
        url = database_url(db)
        added = await asyncio.to_thread(bulk.load, url, extra_invoices, progress=progress)
        report.append(f"extra invoices: {added} added ({extra_invoices} wanted in total)")
        for loc in LOCATIONS:
            biz = int(
                await db.fetchval(sa.select(businesses.c.id).where(businesses.c.name == loc.name))
            )
            counts = await summary(db, biz)
            report.append(f"{loc.name} (business {biz}, {loc.zone}, {loc.currency}): {counts}")
    report.append(f"admin login: {ADMIN_EMAIL} / {ADMIN_PASSWORD}")
    return report


def database_url(db: Database) -> str:
    """The URL ``db`` was opened with, for the bulk loader's own (synchronous) connection."""
    if isinstance(db, SqliteDatabase):
        if db.path == ":memory:":
            raise ValueError("the bulk data set needs a database file, not :memory:")
        return f"sqlite:///{db.path}"
    return db.dsn
