"""Declarations of the billing entities: CoworkerInvoice and CoworkerInvoiceHistory
(spec sections 2 and 4). The engine derives every route, filter and envelope from these."""

from __future__ import annotations

from typing import Any

from coworkbill.billing import rules, service
from coworkbill.billing.commands import COMMANDS as INVOICE_COMMANDS
from coworkbill.billing.enums import PAYMENT_PROVIDER_NAMES, STORECOVE_STATUS
from coworkbill.billing.tables import (
    coworker_invoice_histories,
    coworker_invoice_lines,
    coworker_invoices,
    coworker_ledger_entries,
)
from coworkbill.directory.tables import businesses, countries, coworkers, currencies
from coworkbill.engine.declare import den, local, own, ro
from coworkbill.engine.fields import Field, Kind, Match
from coworkbill.engine.fields import Req as R
from coworkbill.engine.resource import Hooks, Join, Resource

X = Match.EXACT

# ----------------------------------------------------------------------------- CoworkerInvoice
c = coworker_invoices.c
cw = coworkers.alias("i_cw")
biz = businesses.alias("i_biz")
bt_country = countries.alias("i_bt_country")
cur = currencies.alias("i_cur")
tx_cur = currencies.alias("i_tx_cur")

invoice = Resource(
    name="CoworkerInvoice",
    group="billing",
    plural="coworkerinvoices",
    table=coworker_invoices,
    joins=[
        Join(cw, c.coworker_id == cw.c.id),
        Join(biz, c.business_id == biz.c.id),
        Join(bt_country, c.bill_to_country_id == bt_country.c.id),
        Join(cur, c.currency_id == cur.c.id),
        Join(tx_cur, c.transaction_currency_id == tx_cur.c.id),
    ],
    fields=[
        own(c.coworker_id, "CoworkerId", post=R.REQ, put=R.REQ, ref="Coworker", indexed=True),
        den(cw.c.full_name, "CoworkerFullName", "Coworker_FullName", indexed=True),
        den(
            cw.c.regular_payment_contract_number,
            "CoworkerRegularPaymentContractNumber",
            "Coworker_RegularPaymentContractNumber",
            match=X,
        ),
        den(
            cw.c.regular_payment_provider,
            "CoworkerRegularPaymentProvider",
            "Coworker_RegularPaymentProvider",
            names=PAYMENT_PROVIDER_NAMES,
            ranged=False,
        ),
        den(cw.c.card_number, "CoworkerCardNumber", "Coworker_CardNumber", match=X),
        den(
            cw.c.go_cardless_contract_number,
            "CoworkerGoCardlessContractNumber",
            "Coworker_GoCardlessContractNumber",
            match=X,
        ),
        den(
            cw.c.enable_go_cardless_payments,
            "CoworkerEnableGoCardlessPayments",
            "Coworker_EnableGoCardlessPayments",
        ),
        den(cw.c.billing_email, "CoworkerBillingEmail", "Coworker_BillingEmail"),
        den(
            cw.c.notify_on_new_invoice, "CoworkerNotifyOnNewInvoice", "Coworker_NotifyOnNewInvoice"
        ),
        den(
            cw.c.notify_on_new_payment, "CoworkerNotifyOnNewPayment", "Coworker_NotifyOnNewPayment"
        ),
        den(
            cw.c.notify_on_failed_payment,
            "CoworkerNotifyOnFailedPayment",
            "Coworker_NotifyOnFailedPayment",
        ),
        den(
            cw.c.do_not_process_invoices_automatically,
            "CoworkerDoNotProcessInvoicesAutomatically",
            "Coworker_DoNotProcessInvoicesAutomatically",
        ),
        den(cw.c.company_name, "CoworkerCompanyName", "Coworker_CompanyName"),
        den(cw.c.team_names, "CoworkerTeamNames", "Coworker_TeamNames"),
        own(c.business_id, "BusinessId", post=R.REQ, put=R.REQ, ref="Business", indexed=True),
        den(biz.c.name, "BusinessName", "Business_Name"),
        own(
            c.invoice_number,
            "InvoiceNumber",
            post=R.REQ,
            put=R.REQ,
            match=X,
            allow_empty=True,
            description="Unique within the business; empty on a draft, assigned on finalising.",
            indexed=True,
        ),
        own(c.payment_reference, "PaymentReference", match=X),
        own(c.bill_to_name, "BillToName", post=R.REQ, put=R.REQ, indexed=True),
        own(c.bill_to_address, "BillToAddress", post=R.REQ, put=R.REQ),
        own(c.bill_to_city, "BillToCity", post=R.REQ, put=R.REQ),
        own(c.bill_to_post_code, "BillToPostCode", post=R.REQ, put=R.REQ),
        own(c.bill_to_phone, "BillToPhone"),
        own(c.bill_to_fax, "BillToFax"),
        own(c.bill_to_state, "BillToState"),
        own(c.bill_to_country_id, "BillToCountryId", post=R.REQ, put=R.REQ, ref="Country"),
        den(bt_country.c.name, "BillToCountryName", "BillToCountry_Name"),
        den(
            bt_country.c.two_digits_code,
            "BillToCountryTwoDigitsCode",
            "BillToCountry_TwoDigitsCode",
            match=X,
        ),
        own(c.bill_to_bank_account, "BillToBankAccount"),
        own(c.bill_to_tax_id_number, "BillToTaxIDNumber", match=X),
        own(c.purchase_order, "PurchaseOrder"),
        ro(c.description, "Description"),
        ro(c.discount_amount, "DiscountAmount"),
        own(c.due_date, "DueDate", indexed=True),
        own(c.invoice_from_date, "InvoiceFromDate"),
        own(c.invoice_to_date, "InvoiceToDate"),
        ro(c.total_amount, "TotalAmount"),
        ro(c.paid_amount, "PaidAmount"),
        own(c.transaction_total_amount, "TransactionTotalAmount", post=R.NO),
        own(c.transaction_currency_id, "TransactionCurrencyId", ref="Currency"),
        den(tx_cur.c.code, "TransactionCurrencyCode", "TransactionCurrency_Code", match=X),
        own(c.transaction_exchange_rate, "TransactionExchangeRate", post=R.NO),
        own(c.currency_id, "CurrencyId", post=R.REQ, put=R.REQ, ref="Currency"),
        den(cur.c.code, "CurrencyCode", "Currency_Code", match=X),
        ro(c.tax_amount, "TaxAmount"),
        own(c.draft, "Draft", indexed=True),
        ro(c.void, "Void", indexed=True),
        ro(c.waiting_for_invoice_number, "WaitingForInvoiceNumber"),
        ro(c.paid, "Paid", indexed=True),
        ro(c.sent, "Sent"),
        ro(c.sent_on, "SentOn"),
        own(c.paid_on, "PaidOn", indexed=True),
        ro(c.refunded, "Refunded"),
        ro(c.xero_invoice_transfered, "XeroInvoiceTransfered"),
        ro(c.xero_payment_transfered, "XeroPaymentTransfered"),
        ro(c.quickbooks_invoice_transfered, "QuickbooksInvoiceTransfered"),
        ro(c.quickbooks_payment_transfered, "QuickbooksPaymentTransfered"),
        ro(c.moloni_invoice_transferred, "MoloniInvoiceTransferred"),
        ro(c.moloni_payment_transferred, "MoloniPaymentTransferred"),
        own(
            c.storecove_invoice_status,
            "StorecoveInvoiceStatus",
            post=R.NO,
            kind=Kind.ENUM,
            choices=tuple(STORECOVE_STATUS),
            ranged=False,
        ),
        ro(c.auto_transfer_to_storecove, "AutoTransferToStorecove"),
        ro(c.storecove_unique_id, "StorecoveUniqueId", match=X),
        ro(c.refunded_on, "RefundedOn"),
        ro(c.credit_note, "CreditNote", indexed=True),
        ro(c.original_invoice_guid, "OriginalInvoiceGuid", match=X),
        ro(c.contract_guid, "ContractGuid", match=X),
        own(c.custom_data, "CustomData"),
        ro(c.go_cardless_reference, "GoCardlessReference", match=X),
        ro(c.spreedly_token, "SpreedlyToken", match=X),
        ro(c.last_payment_attempt, "LastPaymentAttempt"),
        own(c.billed, "Billed"),
        own(c.do_not_apply_credit_automatically, "DoNotApplyCreditAutomatically"),
        local("DueDateLocal", "DueDate"),
        local("InvoiceFromDateLocal", "InvoiceFromDate"),
        local("InvoiceToDateLocal", "InvoiceToDate"),
        local("PaidOnLocal", "PaidOn"),
        local("RefundedOnLocal", "RefundedOn"),
        local("LastPaymentAttemptLocal", "LastPaymentAttempt"),
        ro(c.received_amount, "ReceivedAmount"),
        ro(c.credited_amount, "CreditedAmount"),
        ro(c.refunded_amount, "RefundedAmount"),
        ro(c.nex_kiosk_transaction_id, "NexKioskTransactionId", match=X),
        ro(c.auto_transfer_to_xero_or_quick_books, "AutoTransferToXeroOrQuickBooks"),
    ],
    default_order="InvoiceNumber",
    large=True,
    counted=(c.business_id,),  # migration 0005 keeps these counts
    business=c.business_id,
    timezone=biz.c.simple_time_zone_id,
    label="InvoiceNumber",
    can_delete=False,
    commands=INVOICE_COMMANDS,
    hooks=Hooks(prepare=rules.prepare_invoice, after_write=rules.after_invoice_write),
    locked_extras=service.invoice_context(cur, biz),
    description="A customer invoice (or credit note).",
)

# ---------------------------------------------------------------------- CoworkerInvoiceHistory
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
        Join(h_cw, h_inv.c.coworker_id == h_cw.c.id, parent=h_inv),
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
            h_inv.c.coworker_id,
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

# ------------------------------------------------------------------------ CoworkerInvoiceLine
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

# ------------------------------------------------------------------------ CoworkerLedgerEntry
le = coworker_ledger_entries.c
e_biz = businesses.alias("e_biz")
e_cw = coworkers.alias("e_cw")
e_inv = coworker_invoices.alias("e_inv")
ledger = Resource(
    name="CoworkerLedgerEntry",
    group="billing",
    plural="coworkerledgerentries",
    table=coworker_ledger_entries,
    joins=[
        Join(e_biz, le.business_id == e_biz.c.id),
        Join(e_cw, le.coworker_id == e_cw.c.id),
        Join(e_inv, le.coworker_invoice_id == e_inv.c.id),
    ],
    fields=[
        own(le.business_id, "BusinessId", post=R.REQ, put=R.REQ, ref="Business"),
        den(e_biz.c.name, "BusinessName", "Business_Name"),
        own(le.coworker_id, "CoworkerId", post=R.REQ, put=R.REQ, ref="Coworker"),
        den(e_cw.c.full_name, "CoworkerFullName", "Coworker_FullName"),
        own(le.coworker_invoice_id, "CoworkerInvoiceId", ref="CoworkerInvoice", indexed=True),
        den(
            e_inv.c.invoice_number,
            "CoworkerInvoiceInvoiceNumber",
            "CoworkerInvoice_InvoiceNumber",
            match=X,
        ),
        own(le.credit, "Credit", description="A credit linked to an invoice is a payment."),
        own(le.debit, "Debit"),
        own(le.transaction_date, "TransactionDate", description="Defaults to now."),
        own(le.description, "Description"),
        own(le.code, "Code", match=X),
        own(le.payment_provider, "PaymentProvider", kind=Kind.ENUM, ranged=False),
    ],
    default_order="TransactionDate",
    business=le.business_id,
    timezone=e_biz.c.simple_time_zone_id,
    label="Description",
    hooks=Hooks(
        prepare=rules.prepare_ledger,
        after_write=rules.after_ledger_write,
        before_delete=rules.before_ledger_delete,
        after_delete=rules.after_ledger_delete,
    ),
    description="A customer ledger entry; credits linked to an invoice are its payments.",
)

RESOURCES = [invoice, line, history, ledger]
