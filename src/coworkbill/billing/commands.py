"""The CoworkerInvoice commands (spec section 2.5) and the states each refuses.

Each handler runs in the engine's per-Id transaction with the invoice already loaded; every
state change recomputes the invoice and appends history in that same transaction. The credit
note lives in ``credit_notes.py``, what the commands share in ``command_rules.py``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from coworkbill.billing import downloads, history, service
from coworkbill.billing.command_rules import (
    CREDIT_NOTE,
    DRAFT,
    MANUAL_METHODS,
    PAID,
    VOID,
    actor_of,
    or_payments,
    param,
    refusal,
    why,
)
from coworkbill.billing.credit_notes import cancel, check_cancel
from coworkbill.billing.service import E, I, L
from coworkbill.db.database import Executor
from coworkbill.engine.commands import Command, CommandParam, CommandRun, Outcome
from coworkbill.engine.errors import Refused

# -------------------------------------------------------------------------- pay manually


async def check_pay(conn: Executor, r: dict[str, Any]) -> str | None:
    outstanding = r["total_amount"] - (r["paid_amount"] or 0)
    return refusal(
        r,
        VOID,
        DRAFT,
        CREDIT_NOTE,
        ("paid", "the invoice is already paid"),
        (outstanding <= 0, "nothing is outstanding"),
    )


async def pay_manual(run: CommandRun) -> Outcome:
    method = param(run.params, "Payment Method", "ePaymentProvider")
    if method is None:
        method = 999
    if isinstance(method, str) and method.strip().isdigit():
        method = int(method)
    if not isinstance(method, int) or method not in MANUAL_METHODS:
        raise Refused(why(f"{method!r} is not a payment method"))
    # Stored totals are always current (every line and payment change recomputes them under
    # this same lock), so the outstanding amount is read, not recomputed.
    inv, actor = run.record, actor_of(run)
    outstanding = inv["total_amount"] - (inv["paid_amount"] or Decimal(0))
    if outstanding <= 0:
        raise Refused(why("nothing is outstanding"))
    values = {
        "business_id": inv["business_id"],
        "coworker_id": inv["coworker_id"],
        "coworker_invoice_id": inv["id"],
        "credit": outstanding,
        "debit": Decimal(0),
        "transaction_date": actor.now,
        "description": f"Manual payment of invoice {inv['invoice_number']}",
        "code": "MANUAL",
        "payment_provider": method,
    }
    # Nothing reads the payment back in this transaction: recompute is told of it instead
    # (before it is deferred, as any read it makes would first write it), and it is sent with
    # the invoice's new state and the history entries, in one round trip.
    was_paid = bool(inv["paid"])
    await service.recompute(
        run.conn, inv, actor, announce=False, new_credit=(outstanding, actor.now)
    )
    service.insert_later(run.conn, E, values, actor)
    await history.record(
        run.conn,
        inv,
        "Payment received",
        f"Manual payment of {service.money(outstanding, inv)} (method {method}).",
        actor,
    )
    await service.announce_paid_state(run.conn, inv, was_paid, actor)
    return Outcome(f"Invoice {inv['invoice_number']} was marked as paid.", {"Id": inv["id"]})


# --------------------------------------------------------------------------------- void


async def check_void(conn: Executor, r: dict[str, Any]) -> str | None:
    return await or_payments(conn, r, refusal(r, ("void", "the invoice is already void"), PAID))


async def void(run: CommandRun) -> Outcome:
    inv, actor = run.record, actor_of(run)
    # Voiding removes the invoice's ledger entries (spec: [SKL]); check_void guarantees none
    # of them carries a payment.
    await run.conn.execute(sa.delete(E).where(E.c.coworker_invoice_id == inv["id"]))
    await run.conn.execute(
        sa.update(I)
        .where(I.c.id == inv["id"])
        .values(void=True, updated_on=actor.now, updated_by=actor.email)
    )
    await history.record(
        run.conn,
        inv,
        "Invoice voided",
        f"Invoice {inv['invoice_number']} was voided.",
        actor,
    )
    return Outcome(f"Invoice {inv['invoice_number']} was voided.", {"Id": inv["id"]})


# -------------------------------------------------------------------------------- refund


async def check_refund(conn: Executor, r: dict[str, Any]) -> str | None:
    return refusal(
        r,
        (not r["paid"], "only paid invoices can be refunded"),
        CREDIT_NOTE,
        ("refunded", "the invoice is already refunded"),
        ("credited_amount", "the invoice was settled by a credit note"),
        VOID,
    )


async def refund(run: CommandRun) -> Outcome:
    inv, actor = run.record, actor_of(run)
    await run.conn.execute(
        sa.update(L)
        .where(L.c.coworker_invoice_id == inv["id"], L.c.refunded.is_(False))
        .values(
            refunded=True, refunded_on=actor.now, refunded_amount=L.c.sub_total + L.c.tax_amount
        )
    )
    await run.conn.execute(
        sa.update(I)
        .where(I.c.id == inv["id"])
        .values(
            refunded=True,
            refunded_on=actor.now,
            refunded_amount=inv["total_amount"],
            updated_on=actor.now,
            updated_by=actor.email,
        )
    )
    await history.record(
        run.conn,
        inv,
        "Invoice refunded",
        f"Refunded {service.money(inv['total_amount'], inv)}.",
        actor,
    )
    return Outcome(f"Invoice {inv['invoice_number']} was refunded.", {"Id": inv["id"]})


# -------------------------------------------------------------------------------- delete


async def check_delete(conn: Executor, r: dict[str, Any]) -> str | None:
    return await or_payments(conn, r, refusal(r, PAID))


async def delete(run: CommandRun) -> Outcome:
    inv = run.record
    await run.conn.execute(sa.delete(I).where(I.c.id == inv["id"]))
    return Outcome("CoworkerInvoice was successfully deleted.", {"Id": inv["id"]})


# --------------------------------------------------------------------------------- print


async def print_(run: CommandRun) -> Outcome:
    url = await downloads.create(run.conn, run.ids, run.ctx.principal.email, run.ctx.now)
    kind = "invoice" if len(run.ids) == 1 else f"{len(run.ids)} invoices"
    return Outcome(f"The {kind} can be downloaded.", None, run.ctx.base_url + url)


PAY = CommandParam("Payment Method", "ePaymentProvider")
COMMANDS = [
    Command("PAY_COWORKER_INVOICE_MANUAL", "Mark as paid", pay_manual, check_pay, (PAY,), order=1),
    Command("VOID_INVOICE", "Void invoice", void, check_void, order=2),
    Command(
        "COWORKER_INVOICE_CANCEL",
        "Issue a credit note",
        cancel,
        check_cancel,
        (
            CommandParam("Amount", "decimal"),
            CommandParam("Preview", "Boolean"),
            CommandParam("DoNotApplyCreditAutomatically", "Boolean"),
        ),
        order=3,
        applies_only_to_one=True,
    ),
    Command(
        "COWORKER_INVOICE_REFUND",
        "Refund invoice",
        refund,
        check_refund,
        (
            CommandParam("Amount", "decimal"),
            CommandParam("Preview", "Boolean"),
            CommandParam("ePaymentProvider0", "ePaymentProvider"),
        ),
        order=4,
    ),
    Command("COWORKER_INVOICE_DELETE", "Delete invoice", delete, check_delete, order=5),
    Command("COWORKER_INVOICE_PRINT", "Print invoice", print_, order=6, once=True),
]
