"""CoworkerInvoiceLine: an invoice's lines and their totals (spec section 3)."""

from __future__ import annotations

from typing import Any

from coworkbill.billing import rules
from coworkbill.billing.tables import (
    coworker_invoice_lines,
    coworker_invoices,
)
from coworkbill.directory.tables import businesses, currencies
from coworkbill.engine.declare import den, local, own, ro
from coworkbill.engine.fields import Field, Match
from coworkbill.engine.fields import Req as R
from coworkbill.engine.resource import Hooks, Join, Resource

X = Match.EXACT

ln = coworker_invoice_lines.c
l_inv = coworker_invoices.alias("l_inv")
l_cur = currencies.alias("l_cur")
l_biz = businesses.alias("l_biz")


def _posted(col: Any, name: str, **kw: Any) -> Field:
    """[OLD] POST accepts it; afterwards only the system changes it."""
    return own(col, name, post=R.OPT, put=R.NO, **kw)


line = Resource(
    name="CoworkerInvoiceLine",
    group="billing",
    plural="coworkerinvoicelines",
    table=coworker_invoice_lines,
    joins=[
        Join(l_inv, ln.coworker_invoice_id == l_inv.c.id),
        Join(l_cur, l_inv.c.currency_id == l_cur.c.id, parent=l_inv),
        Join(l_biz, l_inv.c.business_id == l_biz.c.id, parent=l_inv),
    ],
    fields=[
        own(
            ln.coworker_invoice_id,
            "CoworkerInvoiceId",
            post=R.REQ,
            put=R.REQ,
            ref="CoworkerInvoice",
            indexed=True,
        ),
        den(
            l_inv.c.invoice_number,
            "CoworkerInvoiceInvoiceNumber",
            "CoworkerInvoice_InvoiceNumber",
            match=X,
            indexed=True,
        ),
        den(l_inv.c.paid, "CoworkerInvoicePaid", "CoworkerInvoice_Paid"),
        den(l_inv.c.paid_on, "CoworkerInvoicePaidOn", "CoworkerInvoice_PaidOn"),
        den(l_inv.c.credit_note, "CoworkerInvoiceCreditNote", "CoworkerInvoice_CreditNote"),
        den(l_cur.c.code, "CoworkerInvoiceCurrencyCode", "CoworkerInvoice_Currency_Code", match=X),
        den(l_inv.c.due_date, "CoworkerInvoiceDueDate", "CoworkerInvoice_DueDate"),
        own(ln.description, "Description", post=R.REQ, put=R.REQ),
        own(ln.display_as, "DisplayAs"),
        own(ln.tax_category_name, "TaxCategoryName"),
        own(ln.quantity, "Quantity", post=R.REQ, put=R.REQ),
        own(ln.sub_total, "SubTotal", post=R.REQ, put=R.REQ),
        own(
            ln.tax_amount,
            "TaxAmount",
            post=R.OPT,
            put=R.REQ,
            description="Computed from SubTotal and TaxRate; sent values are ignored.",
        ),
        own(ln.tax_rate, "TaxRate", post=R.REQ, put=R.REQ),
        _posted(ln.coworker_contract_unique_id, "CoworkerContractUniqueId", match=X),
        _posted(ln.contract_deposit_unique_id, "ContractDepositUniqueId", match=X),
        _posted(ln.booking_unique_id, "BookingUniqueId", match=X),
        _posted(ln.coworker_extra_service_unique_id, "CoworkerExtraServiceUniqueId", match=X),
        _posted(ln.extra_service_unique_id, "ExtraServiceUniqueId", match=X),
        _posted(ln.coworker_time_pass_unique_id, "CoworkerTimePassUniqueId", match=X),
        _posted(ln.coworker_charge_unique_id, "CoworkerChargeUniqueId", match=X),
        _posted(ln.coworker_product_unique_id, "CoworkerProductUniqueId", match=X),
        _posted(ln.event_attendee_unique_id, "EventAttendeeUniqueId", match=X),
        _posted(ln.grouped_line_unique_id, "GroupedLineUniqueId", match=X),
        ro(ln.refunded_amount, "RefundedAmount"),
        ro(ln.refunded, "Refunded"),
        ro(ln.refunded_on, "RefundedOn"),
        _posted(ln.sale_date, "SaleDate"),
        _posted(ln.discount_code, "DiscountCode", match=X),
        _posted(ln.discount_amount, "DiscountAmount"),
        _posted(ln.coworker_extra_service_name, "CoworkerExtraServiceName"),
        _posted(ln.coworker_time_pass_name, "CoworkerTimePassName"),
        _posted(ln.coworker_product_name, "CoworkerProductName"),
        _posted(ln.event_attendee_product_name, "EventAttendeeProductName"),
        _posted(ln.tariff_name, "TariffName"),
        own(ln.financial_account_code, "FinancialAccountCode", match=X),
        own(ln.financial_account_name, "FinancialAccountName"),
        own(ln.issued_by_unique_id, "IssuedByUniqueId", match=X),
        own(
            ln.cancelled_coworker_invoice_line_unique_id,
            "CancelledCoworkerInvoiceLineUniqueId",
            match=X,
        ),
        local("RefundedOnLocal", "RefundedOn"),
        local("SaleDateLocal", "SaleDate"),
        ro(ln.position, "Position"),
        ro(ln.is_hidden, "IsHidden"),
        ro(ln.is_universal_credit, "IsUniversalCredit"),
        own(ln.purchase_order, "PurchaseOrder"),
        own(ln.credit_amount, "CreditAmount", post=R.OPT, put=R.REQ),
        ro(ln.is_prorated_contract, "IsProratedContract"),
        ro(ln.coworker_discount_code_unique_id, "CoworkerDiscountCodeUniqueId", match=X),
    ],
    default_order="CreatedOn",
    large=True,
    business=l_inv.c.business_id,
    timezone=l_biz.c.simple_time_zone_id,
    label="Description",
    hooks=Hooks(
        prepare=rules.prepare_line,
        after_write=rules.after_line_write,
        before_delete=rules.before_line_delete,
        after_delete=rules.after_line_delete,
    ),
    description="One billed item of an invoice; its invoice's totals follow every change.",
)
