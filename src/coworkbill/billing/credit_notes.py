"""COWORKER_INVOICE_CANCEL: a credit note for all or part of an invoice (spec section 2.5).

Guarantees: the note copies the invoice's billing details and (for a full credit) its lines,
gets its number from the business's sequence, and settles against the original in the same
transaction; the original's credited amount and payment state are recomputed there too.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa

from coworkbill.billing import history, numbering, service, totals
from coworkbill.billing.command_rules import (
    CREDIT_NOTE,
    DRAFT,
    PAID,
    VOID,
    actor_of,
    param,
    refusal,
    why,
)
from coworkbill.billing.enums import CREDIT_NOTE_PROVIDER
from coworkbill.billing.service import E, I, L
from coworkbill.db.database import Executor
from coworkbill.engine.commands import CommandRun, Outcome
from coworkbill.engine.errors import Refused
from coworkbill.engine.records import records_where


async def check_cancel(conn: Executor, r: dict[str, Any]) -> str | None:
    return refusal(r, VOID, DRAFT, CREDIT_NOTE, PAID)


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
    inv, actor = run.record, actor_of(run)
    open_amount = inv["total_amount"] - (inv["paid_amount"] or Decimal(0))
    if open_amount <= 0:
        raise Refused(why("nothing is left to credit"))
    amount = param(run.params, f"Amount{inv['id']}", "Amount")
    partial: Decimal | None = None
    if amount not in (None, ""):
        try:
            partial = Decimal(str(amount))
        except InvalidOperation:
            raise Refused(why(f"{amount!r} is not an amount")) from None
        if partial != totals.round_money(partial, int(inv["places"])):
            raise Refused(why(f"{amount} has more decimals than {inv['currency_code']} allows"))
        if not 0 < partial <= open_amount:
            raise Refused(why(f"the amount must be above 0 and at most {open_amount}"))
        if partial == inv["total_amount"] == open_amount:
            partial = None
    number = await numbering.next_number(run.conn, inv["business_id"])
    values = {k: inv[k] for k in _COPIED}
    values.update(
        invoice_number=number,
        credit_note=True,
        draft=False,
        original_invoice_guid=inv["unique_id"],
        do_not_apply_credit_automatically=bool(param(run.params, "DoNotApplyCreditAutomatically")),
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
        note,
        "Invoice created",
        f"Credit note {number} for invoice {inv['invoice_number']}.",
        actor,
    )
    await history.record(
        run.conn,
        inv,
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
