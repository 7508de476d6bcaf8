"""Pure row generation for the bulk data set: customers, invoices, lines, history entries and
payments as tuples in ``COLUMNS`` order, chunk by chunk (no database here).

Guarantees:
- Amounts are ``billing.totals``' own: lines at the currency's precision, invoice TaxAmount,
  TotalAmount and Description from ``compute_invoice``, PaidAmount/Paid/PaidOn from
  ``payment_state`` over the invoice's ledger credits, transaction fields as ``recompute`` sets
  them; credit notes are what the ``COWORKER_INVOICE_CANCEL`` command writes.
- Every finalised invoice (and credit note) takes the next number of its business, skipping
  numbers already taken, so per business the numbers stay gapless; drafts have none.
- Each invoice gets 1-10 history entries; every instant is whole seconds, within
  [start, now], and UpdatedOn >= CreatedOn.
- Deterministic for one seed and starting state, except the GUIDs (random, so never repeated).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from random import Random
from typing import Any

from coworkbill.billing import totals
from coworkbill.bulk import flows
from coworkbill.bulk.data import (
    COMPANY_KINDS,
    COMPANY_WORDS,
    EXTRAS,
    FIRST,
    LAST,
    MEMBERSHIPS,
    Location,
)

Row = tuple[Any, ...]
BASE = ("id", "unique_id", "created_on", "updated_on", "updated_by")
COLUMNS: dict[str, tuple[str, ...]] = {  # parents before children
    "coworkers": (
        *BASE, "full_name", "email", "country_id", "simple_time_zone_id",
        "invoicing_business_id", "coworker_type", "company_name", "billing_email",
        "billing_name", "billing_address", "billing_city_name", "billing_post_code",
        "billing_state", "billing_country_id", "tax_id_number", "regular_payment_provider",
        "notify_on_new_invoice", "notify_on_failed_payment",
    ),
    "coworker_invoices": (
        *BASE, "coworker_id", "business_id", "invoice_number", "bill_to_name",
        "bill_to_address", "bill_to_city", "bill_to_post_code", "bill_to_state",
        "bill_to_country_id", "bill_to_tax_id_number", "purchase_order", "description",
        "due_date", "invoice_from_date", "invoice_to_date", "total_amount", "tax_amount",
        "paid_amount", "received_amount", "transaction_total_amount", "transaction_currency_id",
        "transaction_exchange_rate", "currency_id", "draft", "void", "paid", "sent", "sent_on",
        "paid_on", "credit_note", "original_invoice_guid", "last_payment_attempt",
        "credited_amount",
    ),
    "coworker_invoice_lines": (
        *BASE, "coworker_invoice_id", "description", "tax_category_name", "quantity",
        "sub_total", "tax_amount", "tax_rate", "financial_account_code",
        "financial_account_name", "cancelled_coworker_invoice_line_unique_id", "position",
    ),
    "coworker_invoice_histories": (
        *BASE, "coworker_invoice_id", "name", "description", "is_problem", "coworker_id",
    ),
    "coworker_ledger_entries": (
        *BASE, "business_id", "coworker_id", "coworker_invoice_id", "credit", "debit",
        "transaction_date", "description", "code", "payment_provider",
    ),
}  # fmt: skip
NEW_CUSTOMER = 1 / 20  # about one customer per 20 invoices
_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


class Guids:
    """Random version-4 GUIDs, drawn from the OS in blocks (uuid.uuid4() costs 5x more)."""

    def __init__(self) -> None:
        self._hex, self._at = "", 0

    def __call__(self) -> str:
        if self._at >= len(self._hex):
            self._hex, self._at = os.urandom(16 * 8192).hex(), 0
        h, self._at = self._hex[self._at : self._at + 32], self._at + 32
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


@dataclass
class Customer:
    id: int
    name: str
    email: str
    company: bool
    provider: int
    bill_to: tuple[Any, ...]  # name, address, city, post code, state, country id, tax id


@dataclass
class Biz:
    """A location as it stands in the database, and what this run has made for it."""

    loc: Location
    id: int
    currency_id: int
    country_id: int
    code: str  # currency
    places: int
    rate: Decimal | None  # business exchange rate
    tx_currency_id: int | None  # business transaction currency
    prefix: str
    padding: int
    next_number: int
    taken: set[str]  # numbers at or past next_number already used (typed by hand)
    prices: dict[str, Decimal]
    staff: str = ""
    month_starts: list[datetime] = field(default_factory=list)  # local months, in UTC
    month_labels: list[str] = field(default_factory=list)
    customers: list[Customer] = field(default_factory=list)

    def number(self) -> str:
        while True:
            n, self.next_number = self.next_number, self.next_number + 1
            candidate = f"{self.prefix}{str(n).zfill(self.padding)}"
            if candidate not in self.taken:
                return candidate


@dataclass
class Chunk:
    rows: dict[str, list[Row]]
    invoices: int = 0


class Generator:
    """Makes ``total`` invoices (credit notes included) spread evenly over [start, now] in
    time order, so each business's numbers follow its dates."""

    def __init__(
        self,
        bizs: list[Biz],
        next_ids: dict[str, int],
        start: datetime,
        now: datetime,
        total: int,
        seed: int,
    ) -> None:
        self.bizs, self.ids, self.start, self.now = bizs, dict(next_ids), start, now
        self.total, self.rng, self.guid = total, Random(seed), Guids()
        self.made = 0
        self.pick = [b for b in bizs for _ in range(b.loc.weight)]
        self.step = (now - start).total_seconds() / max(total, 1)

    def next_id(self, table: str) -> int:
        n = self.ids[table]
        self.ids[table] = n + 1
        return n

    def chunks(self, size: int) -> Iterator[Chunk]:
        while self.made < self.total:
            chunk = Chunk({t: [] for t in COLUMNS})
            target = min(self.total, self.made + size)
            while self.made < target:
                before = self.made
                at = self.start + timedelta(
                    seconds=int((self.made + self.rng.random()) * self.step)
                )
                biz = self.pick[int(self.rng.random() * len(self.pick))]
                flows.Invoice(self, chunk, biz, self.customer(chunk, biz, at), at).make()
                chunk.invoices += self.made - before
            yield chunk

    def room_for_credit_note(self) -> bool:
        return self.made + 2 <= self.total

    def customer(self, chunk: Chunk, biz: Biz, at: datetime) -> Customer:
        r = self.rng
        if biz.customers and r.random() >= NEW_CUSTOMER:
            return biz.customers[int(r.random() * len(biz.customers))]
        loc = biz.loc
        first, last = r.choice(FIRST[loc.names]), r.choice(LAST[loc.names])
        if r.random() < 0.3:  # a double surname
            last = f"{last}-{r.choice(LAST[loc.names])}"
        # A middle initial: with a few dozen first and last names per location, names alone
        # would repeat every few hundred customers, which real customer lists do not.
        middle = chr(ord("A") + int(r.random() * 26))
        name, cid = f"{first} {middle}. {last}", self.next_id("coworkers")
        company = None
        if r.random() < 0.4:
            company = f"{r.choice(COMPANY_WORDS)} {r.choice(COMPANY_KINDS)} {loc.legal_form}"
        handle = _ascii(f"{first}.{last}".lower())
        email = f"{handle}{cid % 1000}@{'example.com' if company is None else _domain(company)}"
        address = f"{r.choice(loc.streets)} {r.randint(1, 240)}"
        post_code = loc.post_code.format(*(r.randint(0, 9) for _ in range(3)))
        tax_id = f"{loc.country}{r.randint(10**7, 10**8 - 1)}" if company else None
        bill_to = (company or name, address, loc.city, post_code, loc.state, biz.country_id, tax_id)
        who = Customer(cid, name, email, company is not None, r.choice(loc.providers), bill_to)
        joined = max(self.start, at - timedelta(seconds=r.randint(3600, 60 * 86400)))
        chunk.rows["coworkers"].append(
            (
                cid, self.guid(), joined, joined, biz.staff, name, email, biz.country_id,
                loc.zone, biz.id, 2 if company else 1, company, email, company or name,
                address, loc.city, post_code, loc.state, biz.country_id, tax_id, who.provider,
                True, who.provider in flows.CARD_LIKE,
            )
        )  # fmt: skip
        biz.customers.append(who)
        return who


def _ascii(text: str) -> str:
    """Letters, digits and dots of ``text`` without accents (Müller -> muller): email-safe."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain if ch.isalnum() or ch == ".")


def _domain(company: str) -> str:
    return _ascii(company.split()[0].lower()) + ".example"


def price_list(loc: Location, places: int) -> dict[str, Decimal]:
    """The location's prices: the EUR list converted and rounded to its currency's minor unit."""
    products = (*MEMBERSHIPS.values(), *EXTRAS)
    return {p.key: totals.round_money(p.eur_price * loc.per_eur, places) for p in products}
