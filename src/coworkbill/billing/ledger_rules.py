"""Ledger entry hooks: a payment, refund or change of one recomputes the payment state of the
invoice it is linked to (and of the one it left), under that invoice's lock, and writes the
history entries the change implies. All of it runs inside the write's own transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from coworkbill.billing import history, service
from coworkbill.billing.rules import actor, locked_invoice
from coworkbill.engine.context import WriteCtx
from coworkbill.engine.errors import Refused, ValidationError


async def prepare_ledger(w: WriteCtx) -> None:
    v = w.values
    if v.get("transaction_date") is None:
        v["transaction_date"] = w.ctx.now
    invoice_id = v.get("coworker_invoice_id")
    if invoice_id is not None:
        inv = await locked_invoice(w, invoice_id)
        if inv["business_id"] != v["business_id"] or inv["coworker_id"] != v["coworker_id"]:
            raise ValidationError.one(
                "CoworkerInvoiceId", "belongs to another business or customer", invoice_id
            )
        if inv["void"] and (w.existing is None or w.existing["coworker_invoice_id"] != invoice_id):
            raise Refused("A void invoice cannot take payments.")
        w.notes["invoice"] = inv
    old = w.existing["coworker_invoice_id"] if w.existing is not None else None
    if old is not None and old != invoice_id:
        w.notes["previous"] = await locked_invoice(w, old)


async def after_ledger_write(w: WriteCtx) -> None:
    a = actor(w)
    credit = w.values.get("credit")
    for key in ("invoice", "previous"):
        inv = w.notes.get(key)
        if inv is None:
            continue
        if key == "invoice" and w.op == "create" and credit:
            # Told before recomputing, so "Payment received" precedes "Invoice paid".
            name = "Payment received" if credit > 0 else "Payment reversed"
            so_far = (inv.get("paid_amount") or Decimal(0)) + credit
            await history.record(
                w.conn,
                inv,
                name,
                f"{service.money(abs(credit), inv)}; paid so far {service.money(so_far, inv)}.",
                a,
            )
            await service.recompute(w.conn, inv, a)
            continue
        await _settle(w, inv, "Payment changed", only_if_changed=True)


async def before_ledger_delete(w: WriteCtx) -> None:
    assert w.existing is not None
    invoice_id = w.existing["coworker_invoice_id"]
    if invoice_id is not None:
        w.notes["invoice"] = await locked_invoice(w, invoice_id)


async def after_ledger_delete(w: WriteCtx) -> None:
    inv = w.notes.get("invoice")
    if inv is None:
        return
    await _settle(w, inv, "Payment removed")


async def _settle(
    w: WriteCtx, inv: dict[str, Any], name: str, only_if_changed: bool = False
) -> None:
    """Recompute a locked invoice after a ledger change; tell the new amount paid so far
    (``only_if_changed``: only if it moved), then any change of the paid state."""
    a, before, was_paid = actor(w), inv.get("paid_amount"), bool(inv["paid"])
    await service.recompute(w.conn, inv, a, announce=False)
    if not only_if_changed or inv.get("paid_amount") != before:
        paid = f"Paid so far {service.money(inv['paid_amount'], inv)}."
        await history.record(w.conn, inv, name, paid, a)
    await service.announce_paid_state(w.conn, inv, was_paid, a)
