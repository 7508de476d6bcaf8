"""What the CoworkerInvoice commands share: their refusal messages and rules, the acting user,
command parameters, and the payments check.

Guarantees: every refusal reads "This command cannot be run for the CoworkerInvoice: <why>."
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from coworkbill.billing.history import Actor
from coworkbill.billing.service import E
from coworkbill.db.database import Executor
from coworkbill.engine.commands import CommandRun

CANNOT = "This command cannot be run for the CoworkerInvoice"
MANUAL_METHODS = (15, 96, 97, 98, 99, 994, 995, 996, 997, 998, 999)


def why(reason: str) -> str:
    return f"{CANNOT}: {reason}."


def refusal(r: dict[str, Any], *rules: tuple[bool | str, str]) -> str | None:
    """The refusal of the first rule that holds for invoice row ``r``: a rule is (column whose
    value must be false, or an already computed condition, reason)."""
    for when, reason in rules:
        if r[when] if isinstance(when, str) else when:
            return why(reason)
    return None


def actor_of(run: CommandRun) -> Actor:
    return Actor(run.ctx.principal.email, run.ctx.now)


def param(params: dict[str, Any], *names: str) -> Any:
    lowered = {k.lower(): v for k, v in params.items()}
    for n in names:
        if n.lower() in lowered:
            return lowered[n.lower()]
    return None


async def has_payments(conn: Executor, invoice_id: int) -> bool:
    """Any credit linked to the invoice, even if later entries net it to zero."""
    stmt = sa.select(E.c.id).where(E.c.coworker_invoice_id == invoice_id, E.c.credit != 0)
    return await conn.fetchval(stmt.limit(1)) is not None


VOID = ("void", "the invoice is void")
DRAFT = ("draft", "the invoice is a draft")
CREDIT_NOTE = ("credit_note", "the invoice is a credit note")
PAID = ("paid", "the invoice is paid")


async def or_payments(conn: Executor, r: dict[str, Any], found: str | None) -> str | None:
    """``found``, else a refusal if the invoice has payments (a query, so asked last)."""
    if found is None and await has_payments(conn, r["id"]):
        return why("the invoice has payments; remove them first")
    return found
