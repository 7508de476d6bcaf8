"""Invoice state, recomputed: totals from lines, payment state from ledger credits.

Guarantees: ``recompute`` runs in the caller's transaction after the invoice row is locked
(``lock_invoice``), so concurrent line or payment writes on one invoice serialise and the
stored totals always equal what ``totals.compute_invoice`` gives for the committed lines; it
appends the history entries a payment-state change implies ("Invoice paid", ...).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coworkbill.billing import history, totals
from coworkbill.billing.history import Actor
from coworkbill.billing.tables import (
    coworker_invoice_lines,
    coworker_invoices,
    coworker_ledger_entries,
)
from coworkbill.db.database import Executor, cached, insert_stmt, row_params, update_stmt
from coworkbill.db.metadata import new_row
from coworkbill.directory.tables import businesses, currencies

I = coworker_invoices  # noqa: E741
L = coworker_invoice_lines
E = coworker_ledger_entries


def invoice_context(currency: Any, business: Any) -> tuple[Any, ...]:
    """What the invoice rules compute with besides the invoice row, from its currency and its
    business (tables or aliases): read with the row whenever it is locked.

    Not the ledger credits: a row locked after waiting for a concurrent payment is its newest
    version, but the rest of that statement still reads the snapshot taken before the wait,
    which misses that payment's credit (``_with_credit`` reads them in a statement of its
    own)."""
    return (
        currency.c.decimal_places.label("places"),
        currency.c.code.label("currency_code"),
        business.c.exchange_rate.label("business_rate"),
        business.c.transaction_currency_id.label("business_tx_currency"),
    )


_LOCK = cached(
    sa.select(I, *invoice_context(currencies, businesses))
    .select_from(
        I.join(currencies, I.c.currency_id == currencies.c.id).join(
            businesses, I.c.business_id == businesses.c.id
        )
    )
    .where(I.c.id == sa.bindparam("id", type_=sa.Integer))
    .with_for_update(of=I),
    "billing-lock-invoice",
)
# Lines and payments of an invoice in one round trip: kind 0 rows are lines (id, sub_total,
# tax_rate, tax_amount, description, display_as, position), kind 1 rows are credits (credit in
# the sub_total slot, transaction date in ``at``), each kind in its own order.
_LOCK_KEYS = [c.name for c in _LOCK.selected_columns]
_ID = sa.bindparam("id", type_=sa.Integer)
_PARTS = cached(
    sa.union_all(
        sa.select(
            sa.literal(0).label("kind"),
            L.c.id,
            L.c.sub_total,
            L.c.tax_rate,
            L.c.tax_amount,
            L.c.description,
            L.c.display_as,
            L.c.position,
            sa.null().cast(E.c.transaction_date.type).label("at"),
        ).where(L.c.coworker_invoice_id == _ID),
        sa.select(
            sa.literal(1),
            E.c.id,
            E.c.credit,
            sa.null().cast(L.c.tax_rate.type),
            sa.null().cast(L.c.tax_amount.type),
            sa.null().cast(L.c.description.type),
            sa.null().cast(L.c.display_as.type),
            sa.null().cast(L.c.position.type),
            E.c.transaction_date,
        ).where(E.c.coworker_invoice_id == _ID),
    ).order_by(sa.text("kind"), sa.text("position"), sa.text("at"), sa.text("id")),
    "billing-invoice-parts",
)


_CREDITS = cached(
    sa.select(E.c.credit, E.c.transaction_date)
    .where(E.c.coworker_invoice_id == _ID)
    .order_by(E.c.transaction_date, E.c.id),
    "billing-invoice-credits",
)


async def lock_invoice(conn: Executor, invoice_id: int) -> dict[str, Any] | None:
    """The invoice row (column key -> value, plus places/currency_code/business settings),
    locked for the rest of the transaction."""
    row = await conn.fetchrow(_LOCK, {"id": invoice_id})
    return None if row is None else dict(zip(_LOCK_KEYS, row, strict=True))


def money(amount: Decimal | None, inv: dict[str, Any]) -> str:
    value = totals.round_money(amount or Decimal(0), int(inv["places"]))
    return f"{value} {inv['currency_code']}"


async def recompute(
    conn: Executor,
    inv: dict[str, Any],
    actor: Actor,
    *,
    announce: bool = True,
    from_stored: bool = False,
    new_credit: tuple[Decimal, datetime] | None = None,
) -> dict[str, Any]:
    """Recompute and store totals and payment state of a locked invoice; returns the new values.
    With ``announce=False`` the caller writes its own entry first, then ``announce_paid_state``.
    ``from_stored``: neither lines, payments nor currency changed, so the stored totals and
    payment state stand (every line and payment write keeps them current, under this lock) and
    only what follows from the invoice's own fields (PaidOn, the transaction currency and rate)
    is derived again. ``new_credit``: the lines did not change, and a ledger credit of this
    (amount, transaction date) is being added that the database does not hold yet (the caller
    inserts it after this call); it counts as the newest entry, and the invoice's update is
    deferred, to travel with that insert."""
    if from_stored or new_credit is not None:
        computed = totals.InvoiceTotals(
            (), inv["tax_amount"], inv["total_amount"], inv["description"]
        )
        if new_credit is None:
            state = totals.PaymentState(inv["paid_amount"], bool(inv["paid"]), _paid_on(inv))
        else:
            state = await _with_credit(conn, inv, computed.total_amount, new_credit)
    else:
        computed, state = await _from_parts(conn, inv)
    rate = inv["business_rate"]
    new = {
        "tax_amount": computed.tax_amount,
        "total_amount": computed.total_amount,
        "description": computed.description,
        "paid_amount": state.paid_amount,
        "paid": state.paid,
        "paid_on": state.paid_on,
        "received_amount": state.paid_amount,
        "transaction_exchange_rate": rate,
        "transaction_currency_id": inv["transaction_currency_id"]
        or inv["business_tx_currency"]
        or inv["currency_id"],
        "transaction_total_amount": totals.transaction_total(
            computed.total_amount, rate if rate is not None else Decimal(1)
        ),
    }
    changed = {k: v for k, v in new.items() if inv.get(k) != v}
    if changed and new_credit is not None:
        # The credit's insert follows, deferred; so is this, and they travel together.
        conn.defer(update_stmt(I, changed), row_params(changed, inv["id"]))
    elif changed:
        await conn.execute(update_stmt(I, changed), row_params(changed, inv["id"]))
    was_paid = bool(inv["paid"])
    inv.update(new)
    if announce:
        await announce_paid_state(conn, inv, was_paid, actor)
    return new


def _paid_on(inv: dict[str, Any]) -> Any:
    """The stored PaidOn while the invoice is paid: kept by a recompute that leaves it paid."""
    return inv["paid_on"] if inv["paid"] else None


async def _with_credit(
    conn: Executor, inv: dict[str, Any], total: Decimal, credit: tuple[Decimal, datetime]
) -> totals.PaymentState:
    """Payment state from the stored credits plus ``credit``, not stored yet: the replay
    ``_from_parts`` does, the new credit last (it would get the highest id; payment_state
    sorts by date and keeps that order among equal dates). A stored PaidAmount of None means
    no entry is linked (``totals.payment_state``; it is kept current under this lock), so an
    invoice's first payment reads nothing."""
    credits: list[tuple[Decimal, datetime]] = []
    if inv["paid_amount"] is not None:
        credits = [(r[0], r[1]) for r in await conn.fetch(_CREDITS, {"id": inv["id"]})]
    return totals.payment_state(total, [*credits, credit], int(inv["places"]), _paid_on(inv))


async def _from_parts(
    conn: Executor, inv: dict[str, Any]
) -> tuple[totals.InvoiceTotals, totals.PaymentState]:
    """Totals from the lines (storing any line amount that was not rounded yet) and payment
    state from the linked credits."""
    places = int(inv["places"])
    rows = await conn.fetch(_PARTS, {"id": inv["id"]})
    lines = [r for r in rows if r[0] == 0]
    computed = totals.compute_invoice(
        [
            totals.LineIn(
                sub_total=r[2],
                tax_rate=r[3],
                description=r[5] or "",
                display_as=r[6],
                position=r[7],
            )
            for r in lines
        ],
        places,
    )
    for r, out in zip(lines, computed.lines, strict=True):
        if out.sub_total != r[2] or out.tax_amount != r[4]:
            fixed = {"sub_total": out.sub_total, "tax_amount": out.tax_amount}
            await conn.execute(update_stmt(L, fixed), row_params(fixed, r[1]))
    credits = [(r[2], r[8]) for r in rows if r[0] == 1]
    state = totals.payment_state(computed.total_amount, credits, places, _paid_on(inv))
    return computed, state


async def announce_paid_state(
    conn: Executor, inv: dict[str, Any], was_paid: bool, actor: Actor
) -> None:
    """The history entry a change of the (recomputed) paid state implies, if any."""
    if inv["paid"] and not was_paid:
        await history.record(
            conn,
            inv,
            "Invoice paid",
            f"Invoice fully paid: {money(inv['paid_amount'], inv)} received.",
            actor,
        )
    elif was_paid and not inv["paid"]:
        await history.record(
            conn,
            inv,
            "Invoice no longer paid",
            f"Payments now total {money(inv['paid_amount'], inv)} of "
            f"{money(inv['total_amount'], inv)}.",
            actor,
        )


async def insert(conn: Executor, table: sa.Table, values: dict[str, Any], actor: Actor) -> int:
    """Insert a row the system creates itself (payments, credit notes), with base columns."""
    row = new_row(values, actor.email, actor.now)
    return int(await conn.fetchval(insert_stmt(table, row), row_params(row)))


def insert_later(conn: Executor, table: sa.Table, values: dict[str, Any], actor: Actor) -> None:
    """``insert``, deferred to the end of the transaction (for a row nothing reads back)."""
    row = new_row(values, actor.email, actor.now)
    conn.defer(insert_stmt(table, row, returning=False), row_params(row))
