"""CoworkerInvoice: the invoice, its denormalised customer, business and currency fields, its
commands (spec section 2)."""

from __future__ import annotations

from coworkbill.billing import rules, service
from coworkbill.billing.commands import COMMANDS as INVOICE_COMMANDS
from coworkbill.billing.enums import PAYMENT_PROVIDER_NAMES, STORECOVE_STATUS
from coworkbill.billing.tables import coworker_invoices
from coworkbill.directory.tables import businesses, countries, coworkers, currencies
from coworkbill.engine.declare import den, local, own, ro
from coworkbill.engine.fields import Kind, Match
from coworkbill.engine.fields import Req as R
from coworkbill.engine.resource import Hooks, Join, Resource

X = Match.EXACT

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
    counted_orders=(c.invoice_number,),  # migration 0008 records its changes
    business=c.business_id,
    timezone=biz.c.simple_time_zone_id,
    label="InvoiceNumber",
    can_delete=False,
    commands=INVOICE_COMMANDS,
    hooks=Hooks(prepare=rules.prepare_invoice, after_write=rules.after_invoice_write),
    locked_extras=service.invoice_context(cur, biz),
    lock_on_update=True,  # an invoice is the first lock its writes and commands take
    description="A customer invoice (or credit note).",
)
