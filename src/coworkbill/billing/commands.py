"""The CoworkerInvoice commands (spec section 2.5) and the states each refuses.

Each handler runs in the engine's per-Id transaction with the invoice already loaded; every
state change recomputes the invoice and appends history in that same transaction.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from coworkbill.billing import downloads, history, numbering, service, totals
from coworkbill.billing.history import Actor
from coworkbill.billing.tables import (
    coworker_invoice_lines,
    coworker_invoices,
    coworker_ledger_entries,
)
from coworkbill.db.database import Executor
from coworkbill.engine.commands import Command, CommandParam, CommandRun, Outcome
from coworkbill.engine.errors import Refused
from coworkbill.engine.records import records_where

I = coworker_invoices  # noqa: E741
L = coworker_invoice_lines
E = coworker_ledger_entries
CANNOT = "This command cannot be run for the CoworkerInvoice"
CREDIT_NOTE_PROVIDER = 94
MANUAL_METHODS = (15, 96, 97, 98, 99, 994, 995, 996, 997, 998, 999)


def _why(reason: str) -> str:
    return f"{CANNOT}: {reason}."


def _refusal(r: dict[str, Any], *rules: tuple[bool | str, str]) -> str | None:
    """The refusal of the first rule that holds for invoice row ``r``: a rule is (column whose
    value must be false, or an already computed condition, reason)."""
    for when, reason in rules:
        if r[when] if isinstance(when, str) else when:
            return _why(reason)
    return None


def _actor(run: CommandRun) -> Actor:
    return Actor(run.ctx.principal.email, run.ctx.now)


def _param(params: dict[str, Any], *names: str) -> Any:
    lowered = {k.lower(): v for k, v in params.items()}
    for n in names:
        if n.lower() in lowered:
            return lowered[n.lower()]
    return None


# -------------------------------------------------------------------------- pay manually


async def has_payments(conn: Executor, invoice_id: int) -> bool:
    """Any credit linked to the invoice, even if later entries net it to zero."""
    stmt = sa.select(E.c.id).where(E.c.coworker_invoice_id == invoice_id, E.c.credit != 0)
    return await conn.fetchval(stmt.limit(1)) is not None


_VOID = ("void", "the invoice is void")
_DRAFT = ("draft", "the invoice is a draft")
_CREDIT_NOTE = ("credit_note", "the invoice is a credit note")
_PAID = ("paid", "the invoice is paid")


async def _or_payments(conn: Executor, r: dict[str, Any], found: str | None) -> str | None:
    """``found``, else a refusal if the invoice has payments (a query, so asked last)."""
    if found is None and await has_payments(conn, r["id"]):
        return _why("the invoice has payments; remove them first")
    return found


async def check_pay(conn: Executor, r: dict[str, Any]) -> str | None:
    outstanding = r["total_amount"] - (r["paid_amount"] or 0)
    return _refusal(
        r,
        _VOID,
        _DRAFT,
        _CREDIT_NOTE,
        ("paid", "the invoice is already paid"),
        (outstanding <= 0, "nothing is outstanding"),
    )


async def pay_manual(run: CommandRun) -> Outcome:
    method = _param(run.params, "Payment Method", "ePaymentProvider")
    if method is None:
        method = 999
    if isinstance(method, str) and method.strip().isdigit():
        method = int(method)
    if not isinstance(method, int) or method not in MANUAL_METHODS:
        raise Refused(_why(f"{method!r} is not a payment method"))
    # Stored totals are always current (every line and payment change recomputes them under
    # this same lock), so the outstanding amount is read, not recomputed.
    inv, actor = run.record, _actor(run)
    outstanding = inv["total_amount"] - (inv["paid_amount"] or Decimal(0))
    if outstanding <= 0:
        raise Refused(_why("nothing is outstanding"))
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
    # Nothing reads the payment back in this transaction: recompute is told of it instead,
    # and it is sent with the history entries, in one round trip.
    service.insert_later(run.conn, E, values, actor)
    await history.record(
        run.conn,
        inv["id"],
        "Payment received",
        f"Manual payment of {service.money(outstanding, inv)} (method {method}).",
        actor,
    )
    await service.recompute(run.conn, inv, actor, new_credit=(outstanding, actor.now))
    return Outcome(f"Invoice {inv['invoice_number']} was marked as paid.", {"Id": inv["id"]})


# --------------------------------------------------------------------------------- void


async def check_void(conn: Executor, r: dict[str, Any]) -> str | None:
    return await _or_payments(conn, r, _refusal(r, ("void", "the invoice is already void"), _PAID))


async def void(run: CommandRun) -> Outcome:
    inv, actor = run.record, _actor(run)
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
        inv["id"],
        "Invoice voided",
        f"Invoice {inv['invoice_number']} was voided.",
        actor,
    )
    return Outcome(f"Invoice {inv['invoice_number']} was voided.", {"Id": inv["id"]})


# ------------------------------------------------------------------- credit note (cancel)


async def check_cancel(conn: Executor, r: dict[str, Any]) -> str | None:
    return _refusal(r, _VOID, _DRAFT, _CREDIT_NOTE, _PAID)


_COPIED = (
    "coworker_id",
    "business_id",
    "bill_to_name",
    "bill_to_address",
    "bill_to_city",
    "bill_to_post_code",
    "bill_to_phone",
    "bill_to_fax",
    "bill_to_state",
    "bill_to_country_id",
    "bill_to_bank_account",
    "bill_to_tax_id_number",
    "purchase_order",
    "currency_id",
    "transaction_currency_id",
    "payment_reference",
)
_LINE_COPIED = (
    "description",
    "display_as",
    "tax_category_name",
    "quantity",
    "tax_rate",
    "financial_account_code",
    "financial_account_name",
    "purchase_order",
)


async def cancel(run: CommandRun) -> Outcome:
    inv, actor = run.record, _actor(run)
    open_amount = inv["total_amount"] - (inv["paid_amount"] or Decimal(0))
    if open_amount <= 0:
        raise Refused(_why("nothing is left to credit"))
    amount = _param(run.params, f"Amount{inv['id']}", "Amount")
    partial: Decimal | None = None
    if amount not in (None, ""):
        try:
            partial = Decimal(str(amount))
        except InvalidOperation:
            raise Refused(_why(f"{amount!r} is not an amount")) from None
        if partial != totals.round_money(partial, int(inv["places"])):
            raise Refused(_why(f"{amount} has more decimals than {inv['currency_code']} allows"))
        if not 0 < partial <= open_amount:
            raise Refused(_why(f"the amount must be above 0 and at most {open_amount}"))
        if partial == inv["total_amount"] == open_amount:
            partial = None
    number = await numbering.next_number(run.conn, inv["business_id"])
    values = {k: inv[k] for k in _COPIED}
    values.update(
        invoice_number=number,
        credit_note=True,
        draft=False,
        original_invoice_guid=inv["unique_id"],
        do_not_apply_credit_automatically=bool(_param(run.params, "DoNotApplyCreditAutomatically")),
    )
    note_id = await service.insert(run.conn, I, values, actor)
    if partial is None and open_amount != inv["total_amount"]:
        partial = open_amount  # part-paid: credit what is still open
    if partial is None:
        lines = await run.conn.fetch(
            sa.select(L).where(L.c.coworker_invoice_id == inv["id"]).order_by(L.c.position, L.c.id)
        )
        keys = [c.key for c in L.columns]
        for raw in lines:
            line = dict(zip(keys, raw, strict=True))
            copy = {k: line[k] for k in _LINE_COPIED}
            copy.update(
                coworker_invoice_id=note_id,
                sub_total=-line["sub_total"],
                tax_amount=-line["tax_amount"],
                position=line["position"],
                cancelled_coworker_invoice_line_unique_id=line["unique_id"],
            )
            await service.insert(run.conn, L, copy, actor)
    else:
        await service.insert(
            run.conn,
            L,
            {
                "coworker_invoice_id": note_id,
                "description": f"Credit for invoice {inv['invoice_number']}",
                "quantity": 1,
                "sub_total": -partial,
                "tax_rate": Decimal(0),
                "tax_amount": Decimal(0),
                "position": 1,
            },
            actor,
        )
    note = await service.lock_invoice(run.conn, note_id)
    assert note is not None
    await service.recompute(run.conn, note, actor)
    credit = -note["total_amount"]
    credited = (inv["credited_amount"] or Decimal(0)) + credit
    await run.conn.execute(sa.update(I).where(I.c.id == inv["id"]).values(credited_amount=credited))
    await history.record(
        run.conn,
        note_id,
        "Invoice created",
        f"Credit note {number} for invoice {inv['invoice_number']}.",
        actor,
    )
    await history.record(
        run.conn,
        inv["id"],
        "Credit note issued",
        f"Credit note {number} issued for {service.money(credit, inv)}.",
        actor,
    )
    # The credit note settles the original (payment provider 94, CreditNote) and is itself
    # settled by it: two sides of one ledger movement, so nothing is paid or credited twice.
    for target, amount_ in ((inv, credit), (note, -credit)):
        entry = {
            "business_id": inv["business_id"],
            "coworker_id": inv["coworker_id"],
            "coworker_invoice_id": target["id"],
            "credit": amount_,
            "debit": Decimal(0),
            "transaction_date": actor.now,
            "description": f"Credit note {number}",
            "code": "CREDITNOTE",
            "payment_provider": CREDIT_NOTE_PROVIDER,
        }
        await service.insert(run.conn, E, entry, actor)
        await service.recompute(run.conn, target, actor, announce=target is inv)
    record = await records_where(run.conn, run.resource, run.resource.id_col == note_id)
    return Outcome(f"Credit note {number} was created.", record)


# -------------------------------------------------------------------------------- refund


async def check_refund(conn: Executor, r: dict[str, Any]) -> str | None:
    return _refusal(
        r,
        (not r["paid"], "only paid invoices can be refunded"),
        _CREDIT_NOTE,
        ("refunded", "the invoice is already refunded"),
        ("credited_amount", "the invoice was settled by a credit note"),
        _VOID,
    )


async def refund(run: CommandRun) -> Outcome:
    inv, actor = run.record, _actor(run)
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
        inv["id"],
        "Invoice refunded",
        f"Refunded {service.money(inv['total_amount'], inv)}.",
        actor,
    )
    return Outcome(f"Invoice {inv['invoice_number']} was refunded.", {"Id": inv["id"]})


# -------------------------------------------------------------------------------- delete


async def check_delete(conn: Executor, r: dict[str, Any]) -> str | None:
    return await _or_payments(conn, r, _refusal(r, _PAID))


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
