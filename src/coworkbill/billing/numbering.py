"""Invoice numbers: unique within a business, handed out from the business's own sequence.

Guarantees: the next number is read and advanced under a row lock on the business (``FOR
UPDATE`` on PostgreSQL; SQLite write transactions are already serial) in the caller's
transaction, so a rolled-back finalisation returns its number (no gap) and concurrent
finalisations never share one (no duplicate). Numbers a client typed by hand are skipped.
"""

from __future__ import annotations

import sqlalchemy as sa

from coworkbill.billing.tables import coworker_invoices
from coworkbill.db.database import Executor
from coworkbill.directory.tables import businesses

B = businesses.c
I = coworker_invoices.c  # noqa: E741


def format_number(prefix: str, padding: int, n: int) -> str:
    return f"{prefix}{str(n).zfill(padding)}"


async def next_number(conn: Executor, business_id: int) -> str:
    row = await conn.fetchrow(
        sa.select(B.invoice_number_prefix, B.invoice_number_padding, B.next_invoice_number)
        .where(B.id == business_id)
        .with_for_update()
    )
    assert row is not None, "the invoice's business exists (foreign key)"
    prefix, padding, n = row[0] or "", int(row[1]), int(row[2])
    while True:
        candidate = format_number(prefix, padding, n)
        taken = await conn.fetchval(
            sa.select(I.id).where(I.business_id == business_id, I.invoice_number == candidate)
        )
        n += 1
        if taken is None:
            break
    await conn.execute(
        sa.update(businesses).where(B.id == business_id).values(next_invoice_number=n)
    )
    return candidate


async def number_taken(
    conn: Executor, business_id: int, number: str, except_id: int | None
) -> bool:
    stmt = sa.select(I.id).where(I.business_id == business_id, I.invoice_number == number)
    if except_id is not None:
        stmt = stmt.where(I.id != except_id)
    return await conn.fetchval(stmt) is not None
