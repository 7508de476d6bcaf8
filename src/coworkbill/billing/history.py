"""System-written invoice history: every state change of an invoice appends an entry, in the
caller's transaction, naming what changed and who did it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from coworkbill.billing.tables import coworker_invoice_histories as H
from coworkbill.db.database import Executor, insert_stmt, row_params
from coworkbill.db.metadata import new_row


@dataclass(frozen=True)
class Actor:
    """Who acts and when: the user's email and the request's instant."""

    email: str
    now: datetime


async def record(
    conn: Executor,
    invoice: Mapping[str, Any],
    name: str,
    description: str,
    actor: Actor,
    *,
    is_problem: bool = False,
) -> None:
    """Append an entry to ``invoice`` (its row as this transaction leaves it: ``id`` and
    ``coworker_id``). The entry carries the invoice's customer, so the database's trigger
    has nothing to look up (it still fills or corrects the column for any other writer)."""
    values = {
        "coworker_invoice_id": invoice["id"],
        "coworker_id": invoice["coworker_id"],
        "name": name,
        "description": description[:4000],
        "is_problem": is_problem,
        "notify": False,
    }
    row = new_row(values, actor.email, actor.now)
    # Deferred to the end of the transaction: nothing reads the log back before then, and a
    # write that logs several entries (a payment that pays the invoice) sends them at once.
    conn.defer(insert_stmt(H, row, returning=False), row_params(row))
