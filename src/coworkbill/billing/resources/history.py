"""CoworkerInvoiceHistory: the log of what happened to an invoice (spec section 4)."""

from __future__ import annotations

from typing import Any

from coworkbill.billing import rules
from coworkbill.billing.tables import (
    coworker_invoice_histories,
    coworker_invoices,
)
from coworkbill.directory.tables import businesses, coworkers, currencies
from coworkbill.engine.declare import den, own
from coworkbill.engine.fields import Field, Match
from coworkbill.engine.fields import Req as R
from coworkbill.engine.resource import Hooks, Join, Resource

X = Match.EXACT

h = coworker_invoice_histories.c
h_inv = coworker_invoices.alias("h_inv")
h_cw = coworkers.alias("h_cw")
h_biz = businesses.alias("h_biz")
h_biz_cur = currencies.alias("h_biz_cur")
SEED = "CoworkerInvoiceHistory"  # list records repeat related values under seed 004's keys


def _via_invoice(expr: Any, name: str, path: str, **kw: Any) -> Field:
    return den(expr, name, path, alt=True, alias_prefix=SEED, **kw)


history = Resource(
    name="CoworkerInvoiceHistory",
    group="billing",
    plural="coworkerinvoicehistories",
    table=coworker_invoice_histories,
    joins=[
        Join(h_inv, h.coworker_invoice_id == h_inv.c.id),
        # Through the entry's own copy of its invoice's customer (migration 0009): a filter
        # by customer then skips the invoices.
        Join(h_cw, h.coworker_id == h_cw.c.id),
        Join(h_biz, h_inv.c.business_id == h_biz.c.id, parent=h_inv),
        Join(h_biz_cur, h_biz.c.currency_id == h_biz_cur.c.id, parent=h_biz),
    ],
    fields=[
        own(
            h.coworker_invoice_id,
            "CoworkerInvoiceId",
            post=R.REQ,
            put=R.REQ,
            ref="CoworkerInvoice",
            list_aliases=("CoworkerInvoice",),
            indexed=True,
        ),
        _via_invoice(
            h.coworker_id,
            "CoworkerInvoiceCoworkerId",
            "CoworkerInvoice_Coworker_Id",
            ranged=True,
            indexed=True,
        ),
        _via_invoice(
            h_inv.c.business_id,
            "CoworkerInvoiceBusinessId",
            "CoworkerInvoice_Business_Id",
            ranged=True,
        ),
        _via_invoice(
            h_biz_cur.c.code,
            "CoworkerInvoiceBusinessCurrencyCode",
            "CoworkerInvoice_Business_Currency_Code",
            match=X,
        ),
        _via_invoice(
            h_cw.c.full_name,
            "CoworkerInvoiceCoworkerFullName",
            "CoworkerInvoice_Coworker_FullName",
            indexed=True,
        ),
        _via_invoice(
            h_inv.c.total_amount, "CoworkerInvoiceTotalAmount", "CoworkerInvoice_TotalAmount"
        ),
        _via_invoice(
            h_inv.c.invoice_number,
            "CoworkerInvoiceInvoiceNumber",
            "CoworkerInvoice_InvoiceNumber",
            match=X,
            indexed=True,
        ),
        _via_invoice(
            h_inv.c.bill_to_name,
            "CoworkerInvoiceBillToName",
            "CoworkerInvoice_BillToName",
            indexed=True,
        ),
        _via_invoice(h_inv.c.paid, "CoworkerInvoicePaid", "CoworkerInvoice_Paid"),
        _via_invoice(h_inv.c.paid_on, "CoworkerInvoicePaidOn", "CoworkerInvoice_PaidOn"),
        _via_invoice(h_inv.c.refunded, "CoworkerInvoiceRefunded", "CoworkerInvoice_Refunded"),
        _via_invoice(
            h_inv.c.refunded_on, "CoworkerInvoiceRefundedOn", "CoworkerInvoice_RefundedOn"
        ),
        _via_invoice(h_inv.c.due_date, "CoworkerInvoiceDueDate", "CoworkerInvoice_DueDate"),
        _via_invoice(h_inv.c.draft, "CoworkerInvoiceDraft", "CoworkerInvoice_Draft"),
        own(h.name, "Name", post=R.REQ, put=R.REQ),
        own(h.description, "Description", post=R.REQ, put=R.REQ),
        own(h.is_problem, "IsProblem"),
        own(h.notify, "Notify"),
    ],
    default_order="CreatedOn",
    large=True,
    business=h_inv.c.business_id,
    label="Name",
    hooks=Hooks(after_write=rules.notify_history),
    description="An entry in an invoice's activity log.",
)
