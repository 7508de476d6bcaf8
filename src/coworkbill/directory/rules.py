"""Directory rules, as plain functions the write hooks call."""

from __future__ import annotations

import sqlalchemy as sa

from coworkbill import timeutil
from coworkbill.directory.tables import businesses
from coworkbill.engine.context import WriteCtx
from coworkbill.engine.errors import ValidationError


def check_time_zone(values: dict[str, object], prop: str = "SimpleTimeZoneId") -> None:
    tz = values.get("simple_time_zone_id")
    if isinstance(tz, str) and not timeutil.is_valid_zone(tz):
        raise ValidationError.one(prop, "is not a valid time zone", tz)


async def prepare_business(w: WriteCtx) -> None:
    check_time_zone(w.values)
    padding = w.values.get("invoice_number_padding")
    if isinstance(padding, int) and not 0 <= padding <= 12:
        raise ValidationError.one("InvoiceNumberPadding", "must be between 0 and 12", padding)
    if w.op == "create" and not w.ctx.principal.is_admin and w.ctx.principal.business_ids:
        # A user limited to some businesses cannot create others it would then not see.
        raise ValidationError.one("Id", "only a full administrator can create businesses")


async def prepare_coworker(w: WriteCtx) -> None:
    check_time_zone(w.values)
    if w.values.get("invoicing_business_id") is None:
        w.values["invoicing_business_id"] = await default_business(w)


async def default_business(w: WriteCtx) -> int:
    """The caller's first business, else the oldest one: a customer always belongs somewhere."""
    allowed = w.ctx.principal.business_ids
    stmt = sa.select(sa.func.min(businesses.c.id))
    if allowed is not None:
        stmt = stmt.where(businesses.c.id.in_(sorted(allowed)))
    found = await w.conn.fetchval(stmt)
    if found is None:
        raise ValidationError.one("InvoicingBusinessId", "is a required field")
    return int(found)


async def before_coworker_delete(w: WriteCtx) -> None:
    from coworkbill.billing.tables import coworker_invoices, coworker_ledger_entries
    from coworkbill.engine.errors import Refused

    for table in (coworker_invoices, coworker_ledger_entries):
        used = await w.conn.fetchval(
            sa.select(table.c.id).where(table.c.coworker_id == w.id).limit(1)
        )
        if used is not None:
            raise Refused("A customer with invoices or ledger entries cannot be deleted.")
