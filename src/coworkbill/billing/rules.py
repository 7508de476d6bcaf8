"""Billing rules the write hooks call: numbering on finalisation, totals after every line
change, and the history entries those changes write (payment state after every ledger change:
``ledger_rules.py``). All of it runs inside the write's own transaction."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from coworkbill.billing import history, numbering, service, totals
from coworkbill.billing.enums import STORECOVE_STATUS
from coworkbill.billing.history import Actor
from coworkbill.billing.tables import coworker_invoice_lines
from coworkbill.engine.context import WriteCtx
from coworkbill.engine.errors import Refused, ValidationError

log = logging.getLogger("coworkbill.notifications")
L = coworker_invoice_lines


def actor(w: WriteCtx) -> Actor:
    return Actor(w.ctx.principal.email, w.ctx.now)


def changed_fields(w: WriteCtx) -> list[str]:
    if w.existing is None:
        return []
    return [
        f.name
        for f in w.resource.writable
        if f.column in w.values and w.values[f.column] != w.existing.get(f.column)
    ]


# ------------------------------------------------------------------------------ invoices


async def prepare_invoice(w: WriteCtx) -> None:
    v = w.values
    if v.get("invoice_number") == "":
        v["invoice_number"] = None  # "none yet": NULL never collides on uniqueness
    old = w.existing
    if old is not None:
        if old["void"]:
            raise Refused("A void invoice cannot be changed.")
        if v.get("draft") and not old["draft"]:
            raise Refused("A finalised invoice cannot go back to draft.")
        if v.get("currency_id") != old["currency_id"] and await _has_lines(w, old["id"]):
            # Line amounts are stored at the currency's precision; switching currency would
            # silently re-round them. Remove the lines first, or raise a new invoice.
            raise ValidationError.one(
                "CurrencyId", "cannot change on an invoice that has lines", v.get("currency_id")
            )
    business_id = int(v["business_id"])
    number = v.get("invoice_number")
    kept = old is not None and (number, business_id) == (old["invoice_number"], old["business_id"])
    # A number the invoice already holds in its business was checked when it was given.
    if (
        number is not None
        and not kept
        and await numbering.number_taken(w.conn, business_id, number, w.id)
    ):
        raise ValidationError.one("InvoiceNumber", "is already used by another invoice", number)
    if not v.get("draft") and number is None:
        v["invoice_number"] = await numbering.next_number(w.conn, business_id)
        w.notes["numbered"] = v["invoice_number"]


async def _has_lines(w: WriteCtx, invoice_id: int) -> bool:
    stmt = sa.select(L.c.id).where(L.c.coworker_invoice_id == invoice_id).limit(1)
    return await w.conn.fetchval(stmt) is not None


async def after_invoice_write(w: WriteCtx) -> None:
    assert w.id is not None
    inv = _as_written(w) or await service.lock_invoice(w.conn, w.id)
    assert inv is not None
    # An invoice's own fields never touch its lines or payments; only its currency changes how
    # they round.
    same = w.existing is not None and w.existing["currency_id"] == inv["currency_id"]
    await service.recompute(w.conn, inv, actor(w), from_stored=same)
    a, number = actor(w), w.values.get("invoice_number")
    if w.op == "create":
        label = number or "(draft)"
        await history.record(w.conn, inv, "Invoice created", f"Invoice {label} created.", a)
        return
    assert w.existing is not None
    if w.existing["draft"] and not w.values.get("draft"):
        await history.record(
            w.conn,
            inv,
            "Invoice finalised",
            f"Invoice finalised with number {number}.",
            a,
        )
    elif "numbered" in w.notes:
        await history.record(
            w.conn,
            inv,
            "Invoice numbered",
            f"Invoice number {number} assigned.",
            a,
        )
    status = w.values.get("storecove_invoice_status")
    if status != w.existing.get("storecove_invoice_status"):
        name = STORECOVE_STATUS.get(status, "none") if status is not None else "none"
        await history.record(
            w.conn,
            inv,
            "E-invoicing status changed",
            f"Storecove status is now {name}.",
            a,
            is_problem=status in (2, 4),
        )
    system = {"Draft", "StorecoveInvoiceStatus"}
    if "numbered" in w.notes:
        system.add("InvoiceNumber")  # already told by "Invoice finalised"/"Invoice numbered"
    rest = [n for n in changed_fields(w) if n not in system]
    if rest:
        await history.record(
            w.conn,
            inv,
            "Invoice updated",
            "Changed: " + ", ".join(rest) + ".",
            a,
        )


def _as_written(w: WriteCtx) -> dict[str, Any] | None:
    """The invoice an update just wrote (``WriteCtx.written``), with the currency and business
    facts of ``service.invoice_context`` it was locked with: those hold while the currency and
    business stay. Otherwise (or on create) ``None``, and the invoice is read again."""
    row = w.written()
    if row is None or "places" not in row:
        return None
    assert w.existing is not None
    if any(row[k] != w.existing[k] for k in ("currency_id", "business_id")):
        return None
    return row


# --------------------------------------------------------------------------------- lines


async def locked_invoice(w: WriteCtx, invoice_id: int) -> dict[str, Any]:
    """The invoice ``invoice_id`` refers to (checked already), locked for the transaction."""
    inv = await service.lock_invoice(w.conn, invoice_id)
    assert inv is not None, "references were checked"
    return inv


async def _editable_invoice(w: WriteCtx, invoice_id: int) -> dict[str, Any]:
    inv = await locked_invoice(w, invoice_id)
    if inv["void"]:
        raise Refused("Lines of a void invoice cannot be changed.")
    if inv["paid"]:
        raise Refused("Lines of a paid invoice cannot be changed.")
    return inv


async def prepare_line(w: WriteCtx) -> None:
    v = w.values
    inv = await _editable_invoice(w, v["coworker_invoice_id"])
    w.notes["invoice"] = inv
    if w.existing is not None and w.existing["coworker_invoice_id"] != inv["id"]:
        w.notes["previous"] = await _editable_invoice(w, w.existing["coworker_invoice_id"])
    places = int(inv["places"])
    v["sub_total"] = totals.round_money(v["sub_total"], places)
    v["tax_amount"] = totals.line_tax(v["sub_total"], v["tax_rate"], places)
    if w.op == "create":
        top = await w.conn.fetchval(
            sa.select(sa.func.max(L.c.position)).where(L.c.coworker_invoice_id == inv["id"])
        )
        v["position"] = (top or 0) + 1


# What a line contributes to its invoice's totals and description (billing/totals.py).
_TOTALS_INPUTS = (
    "coworker_invoice_id", "sub_total", "tax_rate", "description", "display_as", "position",
)  # fmt: skip


async def after_line_write(w: WriteCtx) -> None:
    inv, a = w.notes["invoice"], actor(w)
    old = w.existing
    # A change that leaves every input of the totals as it was (a note, a purchase order)
    # leaves them current: every earlier line write recomputed them under this same lock.
    if old is None or any(k in w.values and w.values[k] != old[k] for k in _TOTALS_INPUTS):
        await service.recompute(w.conn, inv, a)
    if "previous" in w.notes:
        await service.recompute(w.conn, w.notes["previous"], a)
    amount = service.money(w.values["sub_total"], inv)
    text = f"{w.values['description']}: {w.values['quantity']} x, {amount} net"
    if w.op == "create":
        await history.record(w.conn, inv, "Line added", text, a)
    else:
        changed = ", ".join(changed_fields(w)) or "nothing"
        await history.record(
            w.conn,
            inv,
            "Line changed",
            f"{text} (changed: {changed}).",
            a,
        )


async def before_line_delete(w: WriteCtx) -> None:
    assert w.existing is not None
    w.notes["invoice"] = await _editable_invoice(w, w.existing["coworker_invoice_id"])


async def after_line_delete(w: WriteCtx) -> None:
    assert w.existing is not None
    inv, a = w.notes["invoice"], actor(w)
    await service.recompute(w.conn, inv, a)
    await history.record(
        w.conn,
        inv,
        "Line removed",
        f"{w.existing['description']}: {service.money(w.existing['sub_total'], inv)} net.",
        a,
    )


# ------------------------------------------------------------------------------- history


async def notify_history(w: WriteCtx) -> None:
    """Notify=true on create raises a notification event (decisions: a log line, no email)."""
    if w.op == "create" and w.values.get("notify"):
        log.info(
            "notification: invoice %s history entry %s: %s",
            w.values.get("coworker_invoice_id"),
            w.id,
            w.values.get("name"),
        )
