"""One invoice's life, as the API would have recorded it: created as a draft with its lines,
finalised (numbered) and sent, then paid, part-paid, left open (reminders, failed card
payments), voided, or cancelled by a credit note. Each step appends the history entry and
ledger entry the server writes for it, with the server's own names and texts, at whole-second
instants no later than the generator's ``now``.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from coworkbill.billing import totals
from coworkbill.billing.enums import CREDIT_NOTE_PROVIDER
from coworkbill.bulk.data import EXTRAS, MEMBERSHIPS, Product

if TYPE_CHECKING:
    from coworkbill.bulk.generate import Biz, Chunk, Customer, Generator

CARD_LIKE = frozenset({2, 11, 12, 13})  # charged automatically: can fail, pays within days
DELAY_DAYS = {2: (0, 1), 11: (3, 5), 12: (3, 6), 13: (3, 6), 96: (2, 25), 97: (0, 10)}
DAY = 86400
ZERO = Decimal(0)
# Description, Quantity, SubTotal, TaxRate, TaxCategoryName, FinancialAccountCode and -Name.
Line = tuple[str, int, Decimal, Decimal, str | None, str | None, str | None]


class Invoice:
    def __init__(self, g: Generator, chunk: Chunk, biz: Biz, who: Customer, at: datetime) -> None:
        self.g, self.chunk, self.biz, self.who, self.at = g, chunk, biz, who, at
        self.id, self.guid = g.next_id("coworker_invoices"), g.guid()
        self.events: list[tuple[datetime, str, str, bool]] = []
        self.credits: list[tuple[Decimal, datetime]] = []
        self.updated = at
        self.rows = chunk.rows["coworker_invoices"]
        self.lines: list[Line] = []
        self.line_guids: list[str] = []  # drawn early: a credit note's lines point at them

    def later(self, when: datetime, lo: int, hi: int) -> datetime:
        return when + timedelta(seconds=self.g.rng.randint(lo, hi))

    def event(self, when: datetime, name: str, text: str, problem: bool = False) -> None:
        self.events.append((when, name, text, problem))
        self.updated = max(self.updated, when)

    def money(self, amount: Decimal) -> str:
        return f"{totals.round_money(amount, self.biz.places)} {self.biz.code}"

    def make(self) -> None:
        g, r, biz, at, now = self.g, self.g.rng, self.biz, self.at, self.g.now
        month = bisect_right(biz.month_starts, at) - 1
        start, end = biz.month_starts[month], biz.month_starts[month + 1] - timedelta(seconds=1)
        self.lines = self.choose_lines(biz.month_labels[month])
        self.line_guids = [g.guid() for _ in self.lines]
        computed = compute(self.lines, biz.places)
        total = computed.total_amount
        self.event(at, "Invoice created", "Invoice (draft) created.")
        g.made += 1
        draft = ((now - at).days < 20 and r.random() < 0.5) or r.random() < 0.01
        number = sent_on = attempt = credited = None
        void, due = False, at + timedelta(days=biz.loc.terms_days)
        if draft:
            for ln, out in zip(self.lines[: r.randint(0, 3)], computed.lines, strict=False):
                text = f"{ln[0]}: {ln[1]} x, {self.money(out.sub_total)} net"
                self.event(self.later(at, 5, 300), "Line added", text)
        else:
            done = min(now, self.later(at, 300, 3 * 3600))
            number = biz.number()
            self.event(done, "Invoice finalised", f"Invoice finalised with number {number}.")
            due = done + timedelta(days=biz.loc.terms_days)
            if r.random() < 0.95:
                sent_on = min(now, self.later(done, 60, 600))
                self.event(sent_on, "Invoice sent", f"Invoice {number} emailed to {self.to}.")
            if r.random() < 0.015:
                void = True
                when = min(now, self.later(done, DAY, 10 * DAY))
                self.event(when, "Invoice voided", f"Invoice {number} was voided.")
            else:
                attempt, credited = self.settle(number, total, done, due)
        state = totals.payment_state(total, self.credits, biz.places, None)
        flags = (
            draft, void, state.paid, sent_on is not None, sent_on, state.paid_on, False, None,
            attempt, credited,
        )  # fmt: skip
        dates = (due, start, end)
        self.row(self.id, self.guid, at, self.updated, number, computed, state, dates, flags)
        self.write_lines(self.id, at, self.lines, computed, self.line_guids, None)
        self.write_events(self.id, self.events)

    def row(
        self,
        inv_id: int,
        guid: str,
        created: datetime,
        updated: datetime,
        number: str | None,
        computed: totals.InvoiceTotals,
        state: totals.PaymentState,
        dates: tuple[datetime | None, ...],
        flags: tuple[bool | datetime | str | Decimal | None, ...],
    ) -> None:
        """An invoice's row: ``flags`` are the columns from ``draft`` on."""
        biz, total, rate = self.biz, computed.total_amount, self.biz.rate
        self.rows.append(
            (
                inv_id, guid, created, updated, biz.staff, self.who.id, biz.id, number,
                *self.who.bill_to, self.purchase_order, computed.description, *dates, total,
                computed.tax_amount, state.paid_amount, state.paid_amount,
                totals.transaction_total(total, rate if rate is not None else Decimal(1)),
                biz.tx_currency_id or biz.currency_id, rate, biz.currency_id, *flags,
            )
        )  # fmt: skip

    @property
    def to(self) -> str:
        return str(self.who.bill_to[0])

    @property
    def purchase_order(self) -> str | None:
        if self.who.company and self.who.id % 4 == 0:
            return f"PO-{self.who.id % 9000 + 1000}-{self.at.year}"
        return None

    def choose_lines(self, month: str) -> list[Line]:
        r, biz = self.g.rng, self.biz
        loc = biz.loc
        kind = ("office" if self.who.id % 3 == 0 else "desk") if self.who.company else "hot"
        chosen: list[tuple[Product, int]] = [(MEMBERSHIPS[kind], 1)]
        for _ in range(min(19, int(r.expovariate(1 / 4.6)))):
            p = EXTRAS[int(r.random() * len(EXTRAS))]
            chosen.append((p, 1 + int(r.random() * p.max_quantity)))
        out: list[Line] = []
        for p, qty in chosen:
            rate, tax = loc.tax_rate, loc.tax_name
            if p.reduced_tax and loc.reduced_rate is not None and loc.reduced_name is not None:
                rate, tax = loc.reduced_rate, loc.reduced_name
            if p.key in MEMBERSHIPS:
                code, account = "4000", "Membership income"
            else:
                code, account = (
                    ("4200", "Food & beverage") if p.reduced_tax else ("4100", "Services")
                )
            desc = f"{p.name} ({month})"
            out.append((desc, qty, biz.prices[p.key] * qty, rate, tax, code, account))
        return out

    def settle(
        self, number: str, total: Decimal, done: datetime, due: datetime
    ) -> tuple[datetime | None, Decimal | None]:
        """Payments, failures and reminders of a finalised invoice, perhaps a credit note;
        returns (LastPaymentAttempt, CreditedAmount)."""
        g, r, now, provider = self.g, self.g.rng, self.g.now, self.who.provider
        p = r.random()
        kind = "paid" if p < 0.70 else "part" if p < 0.80 else "open"
        attempt, pay_from = None, done
        if provider in CARD_LIKE and r.random() < 0.10 and (t := self.later(done, 600, DAY)) < now:
            text = (
                f"Card payment for invoice {number} was declined by the issuing bank."
                if provider == 2
                else f"Direct debit for invoice {number} failed: insufficient funds."
            )
            self.event(t, "Payment failed", text, True)
            attempt, pay_from = t, self.later(t, 2 * DAY, 4 * DAY)
        lo, hi = DELAY_DAYS.get(provider, (1, 20))
        pay_at = self.later(pay_from, lo * DAY + 600, hi * DAY + 3600)
        paid = ZERO
        if kind != "open" and pay_at <= now:
            paid = total
            if kind == "part":
                share = totals.round_money(
                    total * (20 + int(r.random() * 60)) / 100, self.biz.places
                )
                paid = min(max(share, totals.minor_unit_quantum(self.biz.places)), total)
            self.pay(self.id, paid, pay_at, f"Payment of invoice {number}", None, provider)
            so_far = f"{self.money(paid)}; paid so far {self.money(paid)}."
            self.event(pay_at, "Payment received", so_far)
            if provider in CARD_LIKE:
                attempt = pay_at
            if paid >= total:
                self.event(
                    pay_at, "Invoice paid", f"Invoice fully paid: {self.money(paid)} received."
                )
                return attempt, None
        cancel_at = None
        if g.room_for_credit_note() and r.random() < (0.15 if paid == 0 else 0.10):
            cancel_at = self.later(max(done, self.updated), 3 * DAY, 25 * DAY)
            cancel_at = cancel_at if cancel_at <= now else None
        for days in (2, 16):
            when = due + timedelta(days=days, seconds=r.randint(0, 3600))
            if when <= now and (cancel_at is None or when < cancel_at):
                text = f"Invoice {number} was due on {due:%Y-%m-%d} and is still unpaid."
                self.event(when, "Payment reminder sent", text)
        if cancel_at is None:
            return attempt, None
        return attempt, self.credit_note(number, total - paid, paid, cancel_at)

    def pay(
        self, inv_id: int, amount: Decimal, when: datetime, text: str, code: str | None, via: int
    ) -> None:
        g, biz = self.g, self.biz
        if inv_id == self.id:
            self.credits.append((amount, when))
        self.chunk.rows["coworker_ledger_entries"].append(
            (
                g.next_id("coworker_ledger_entries"), g.guid(), when, when, biz.staff, biz.id,
                self.who.id, inv_id, amount, ZERO, when, text, code, via,
            )
        )  # fmt: skip

    def credit_note(
        self, number: str, open_amount: Decimal, paid: Decimal, at: datetime
    ) -> Decimal:
        """What ``COWORKER_INVOICE_CANCEL`` writes: a numbered credit note negating the lines
        (when part-paid, one line crediting what is still open), settled both ways by ledger
        credits; returns the original's CreditedAmount."""
        g, biz = self.g, self.biz
        note, note_id, guid = biz.number(), g.next_id("coworker_invoices"), g.guid()
        g.made += 1
        cancelled: list[str] | None = None
        if paid:
            lines: list[Line] = [
                (f"Credit for invoice {number}", 1, -open_amount, ZERO, None, None, None)
            ]
        else:
            lines = [(ln[0], ln[1], -ln[2], *ln[3:]) for ln in self.lines]
            cancelled = self.line_guids
        computed = compute(lines, biz.places)
        credit = -computed.total_amount
        state = totals.payment_state(computed.total_amount, [(-credit, at)], biz.places, None)
        flags = (False, False, state.paid, False, None, state.paid_on, True, self.guid, None, None)
        self.row(note_id, guid, at, at, note, computed, state, (None, None, None), flags)
        self.write_lines(note_id, at, lines, computed, [g.guid() for _ in lines], cancelled)
        created = f"Credit note {note} for invoice {number}."
        self.write_events(note_id, [(at, "Invoice created", created, False)])
        self.event(at, "Credit note issued", f"Credit note {note} issued for {self.money(credit)}.")
        self.pay(self.id, credit, at, f"Credit note {note}", "CREDITNOTE", CREDIT_NOTE_PROVIDER)
        self.event(at, "Invoice paid", f"Invoice fully paid: {self.money(paid + credit)} received.")
        self.pay(note_id, -credit, at, f"Credit note {note}", "CREDITNOTE", CREDIT_NOTE_PROVIDER)
        return credit

    def write_lines(
        self,
        inv_id: int,
        at: datetime,
        lines: list[Line],
        computed: totals.InvoiceTotals,
        guids: list[str],
        cancelled: list[str] | None,
    ) -> None:
        g, staff, out = self.g, self.biz.staff, self.chunk.rows["coworker_invoice_lines"]
        for i, (ln, amounts) in enumerate(zip(lines, computed.lines, strict=True)):
            out.append(
                (
                    g.next_id("coworker_invoice_lines"), guids[i], at, at, staff, inv_id, ln[0],
                    ln[4], ln[1], amounts.sub_total, amounts.tax_amount, ln[3], ln[5], ln[6],
                    cancelled[i] if cancelled else None, i + 1,
                )
            )  # fmt: skip

    def write_events(self, inv_id: int, events: list[tuple[datetime, str, str, bool]]) -> None:
        g, staff, out = self.g, self.biz.staff, self.chunk.rows["coworker_invoice_histories"]
        who = self.who.id  # written here, so the load skips the triggers' lookup (0009)
        for when, name, text, problem in sorted(events, key=lambda e: e[0]):
            out.append(
                (g.next_id("coworker_invoice_histories"), g.guid(), when, when, staff, inv_id,
                 name, text, problem, who)
            )  # fmt: skip


@lru_cache(maxsize=1 << 16)
def _line(sub_total: Decimal, tax_rate: Decimal, places: int) -> totals.LineOut:
    return totals.LineOut(
        totals.round_money(sub_total, places), totals.line_tax(sub_total, tax_rate, places)
    )


def compute(lines: list[Line], places: int) -> totals.InvoiceTotals:
    """``totals.compute_invoice`` for these lines, its per-line rounding memoised: a million
    invoices repeat a few hundred (price x quantity, rate) pairs."""
    outs = tuple(_line(ln[2], ln[3], places) for ln in lines)
    zero = totals.round_money(ZERO, places)
    tax = sum((out.tax_amount for out in outs), zero)
    total = sum((out.sub_total for out in outs), tax)
    described = totals.describe([totals.LineIn(ZERO, ZERO, ln[0]) for ln in lines])
    return totals.InvoiceTotals(
        outs, totals.round_money(tax, places), totals.round_money(total, places), described
    )
