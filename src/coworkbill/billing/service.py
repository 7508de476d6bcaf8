"""Invoice state, recomputed: totals from lines, payment state from ledger credits.

Guarantees: ``recompute`` runs in the caller's transaction after the invoice row is locked
(``lock_invoice``), so concurrent line or payment writes on one invoice serialise and the
stored totals always equal what ``totals.compute_invoice`` gives for the committed lines; it
appends the history entries a payment-state change implies ("Invoice paid", ...).
"""

from __future__ import annotations

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
from coworkbill.directory.tables import businesses, currencies

I = coworker_invoices  # noqa: E741
L = coworker_invoice_lines
E = coworker_ledger_entries

_LOCK = cached(
    sa.select(
        I,
        currencies.c.decimal_places.label("places"),
        currencies.c.code.label("currency_code"),
        businesses.c.exchange_rate.label("business_rate"),
        businesses.c.transaction_currency_id.label("business_tx_currency"),
    )
    .select_from(
        I.join(currencies, I.c.currency_id == currencies.c.id).join(
            businesses, I.c.business_id == businesses.c.id
        )
    )
    .where(I.c.id == sa.bindparam("id", type_=sa.Integer))
    .with_for_update(of=I),
    "billing-lock-invoice",
)
_LINES = cached(
    sa.select(
        L.c.id,
        L.c.sub_total,
        L.c.tax_rate,
        L.c.tax_amount,
        L.c.description,
        L.c.display_as,
        L.c.position,
    )
    .where(L.c.coworker_invoice_id == sa.bindparam("id", type_=sa.Integer))
    .order_by(L.c.position, L.c.id),
    "billing-lines",
)
_CREDITS = cached(
    sa.select(E.c.credit, E.c.transaction_date)
    .where(E.c.coworker_invoice_id == sa.bindparam("id", type_=sa.Integer))
    .order_by(E.c.transaction_date, E.c.id),
    "billing-credits",
)


async def lock_invoice(conn: Executor, invoice_id: int) -> dict[str, Any] | None:
    """The invoice row (column key -> value, plus places/currency_code/business settings),
    locked for the rest of the transaction."""
    row = await conn.fetchrow(_LOCK, {"id": invoice_id})
    if row is None:
        return None
    keys = [c.key for c in I.columns] + [
        "places",
        "currency_code",
        "business_rate",
        "business_tx_currency",
    ]
    return dict(zip(keys, row, strict=True))


def money(amount: Decimal | None, inv: dict[str, Any]) -> str:
    value = totals.round_money(amount or Decimal(0), int(inv["places"]))
    return f"{value} {inv['currency_code']}"


async def recompute(
    conn: Executor, inv: dict[str, Any], actor: Actor, *, announce: bool = True
) -> dict[str, Any]:
    """Recompute and store totals and payment state of a locked invoice; returns the new values.
    With ``announce=False`` the caller writes its own entry first, then ``announce_paid_state``."""
    places = int(inv["places"])
    lines = await conn.fetch(_LINES, {"id": inv["id"]})
    computed = totals.compute_invoice(
        [
            totals.LineIn(
                sub_total=r[1],
                tax_rate=r[2],
                description=r[4] or "",
                display_as=r[5],
                position=r[6],
            )
            for r in lines
        ],
        places,
    )
    for r, out in zip(lines, computed.lines, strict=True):
        if out.sub_total != r[1] or out.tax_amount != r[3]:
            fixed = {"sub_total": out.sub_total, "tax_amount": out.tax_amount}
            await conn.execute(update_stmt(L, fixed), row_params(fixed, r[0]))
    credits = [(r[0], r[1]) for r in await conn.fetch(_CREDITS, {"id": inv["id"]})]
    state = totals.payment_state(
        computed.total_amount, credits, places, inv["paid_on"] if inv["paid"] else None
    )
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
    if changed:
        await conn.execute(update_stmt(I, changed), row_params(changed, inv["id"]))
    was_paid = bool(inv["paid"])
    inv.update(new)
    if announce:
        await announce_paid_state(conn, inv, was_paid, actor)
    return new


async def announce_paid_state(
    conn: Executor, inv: dict[str, Any], was_paid: bool, actor: Actor
) -> None:
    """The history entry a change of the (recomputed) paid state implies, if any."""
    if inv["paid"] and not was_paid:
        await history.record(
            conn,
            inv["id"],
            "Invoice paid",
            f"Invoice fully paid: {money(inv['paid_amount'], inv)} received.",
            actor,
        )
    elif was_paid and not inv["paid"]:
        await history.record(
            conn,
            inv["id"],
            "Invoice no longer paid",
            f"Payments now total {money(inv['paid_amount'], inv)} of "
            f"{money(inv['total_amount'], inv)}.",
            actor,
        )


async def insert(conn: Executor, table: sa.Table, values: dict[str, Any], actor: Actor) -> int:
    """Insert a row the system creates itself (payments, credit notes), with base columns."""
    import uuid

    row = {
        **values,
        "unique_id": str(uuid.uuid4()),
        "created_on": actor.now,
        "updated_on": actor.now,
        "updated_by": actor.email,
    }
    return int(await conn.fetchval(insert_stmt(table, row), row_params(row)))
