"""Tables for invoices, invoice lines, invoice history entries and ledger entries (payments)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from coworkbill.db.metadata import LONG, MONEY, RATE, SHORT, base_columns, metadata
from coworkbill.db.types import UTCDateTime


def _flag(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.Boolean, nullable=False, server_default=sa.false())


def _text(name: str, length: int = SHORT) -> sa.Column[Any]:
    return sa.Column(name, sa.String(length), nullable=True)


def _when(name: str) -> sa.Column[Any]:
    return sa.Column(name, UTCDateTime(), nullable=True)


coworker_invoices = sa.Table(
    "coworker_invoices",
    metadata,
    *base_columns(),
    sa.Column("coworker_id", sa.Integer, sa.ForeignKey("coworkers.id"), nullable=False),
    sa.Column("business_id", sa.Integer, sa.ForeignKey("businesses.id"), nullable=False),
    sa.Column("invoice_number", sa.String(64), nullable=True),
    _text("payment_reference"),
    sa.Column("bill_to_name", sa.String(SHORT), nullable=False, server_default=""),
    sa.Column("bill_to_address", sa.String(LONG), nullable=False, server_default=""),
    sa.Column("bill_to_city", sa.String(SHORT), nullable=False, server_default=""),
    sa.Column("bill_to_post_code", sa.String(64), nullable=False, server_default=""),
    _text("bill_to_phone"),
    _text("bill_to_fax"),
    _text("bill_to_state"),
    sa.Column("bill_to_country_id", sa.Integer, sa.ForeignKey("countries.id"), nullable=False),
    _text("bill_to_bank_account"),
    _text("bill_to_tax_id_number"),
    _text("purchase_order"),
    _text("description", LONG),
    sa.Column("discount_amount", MONEY, nullable=False, server_default="0"),
    _when("due_date"),
    _when("invoice_from_date"),
    _when("invoice_to_date"),
    sa.Column("total_amount", MONEY, nullable=False, server_default="0"),
    sa.Column("tax_amount", MONEY, nullable=False, server_default="0"),
    sa.Column("paid_amount", MONEY, nullable=True),
    sa.Column("transaction_total_amount", MONEY, nullable=True),
    sa.Column("transaction_currency_id", sa.Integer, sa.ForeignKey("currencies.id"), nullable=True),
    sa.Column("transaction_exchange_rate", RATE, nullable=True),
    sa.Column("currency_id", sa.Integer, sa.ForeignKey("currencies.id"), nullable=False),
    _flag("draft"),
    _flag("void"),
    _flag("waiting_for_invoice_number"),
    _flag("paid"),
    _flag("sent"),
    _when("sent_on"),
    _when("paid_on"),
    _flag("refunded"),
    _when("refunded_on"),
    _flag("xero_invoice_transfered"),
    _flag("xero_payment_transfered"),
    _flag("quickbooks_invoice_transfered"),
    _flag("quickbooks_payment_transfered"),
    _flag("moloni_invoice_transferred"),
    _flag("moloni_payment_transferred"),
    sa.Column("storecove_invoice_status", sa.Integer, nullable=True),
    _flag("auto_transfer_to_storecove"),
    _text("storecove_unique_id", 64),
    _flag("credit_note"),
    _text("original_invoice_guid", 36),
    _text("contract_guid", 36),
    _text("custom_data", LONG),
    _text("go_cardless_reference"),
    _text("spreedly_token"),
    _when("last_payment_attempt"),
    _flag("billed"),
    _flag("do_not_apply_credit_automatically"),
    sa.Column("received_amount", MONEY, nullable=True),
    sa.Column("credited_amount", MONEY, nullable=True),
    sa.Column("refunded_amount", MONEY, nullable=True),
    _text("nex_kiosk_transaction_id"),
    _flag("auto_transfer_to_xero_or_quick_books"),
    # Numbers are unique per business; NULL (a draft without a number) never collides.
    sa.UniqueConstraint("business_id", "invoice_number", name="uq_coworker_invoices_number"),
)
# Covering: a search through the customer reads the invoice ids off the index (0006).
sa.Index(
    "ix_coworker_invoices_coworker_id", coworker_invoices.c.coworker_id, coworker_invoices.c.id
)

coworker_invoice_lines = sa.Table(
    "coworker_invoice_lines",
    metadata,
    *base_columns(),
    sa.Column(
        "coworker_invoice_id",
        sa.Integer,
        sa.ForeignKey("coworker_invoices.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("description", sa.String(LONG), nullable=False),
    _text("display_as", LONG),
    _text("tax_category_name"),
    sa.Column("quantity", sa.Integer, nullable=False, server_default="1"),
    sa.Column("sub_total", MONEY, nullable=False, server_default="0"),
    sa.Column("tax_amount", MONEY, nullable=False, server_default="0"),
    sa.Column("tax_rate", RATE, nullable=False, server_default="0"),
    _text("coworker_contract_unique_id", 36),
    _text("contract_deposit_unique_id", 36),
    _text("booking_unique_id", 36),
    _text("coworker_extra_service_unique_id", 36),
    _text("extra_service_unique_id", 36),
    _text("coworker_time_pass_unique_id", 36),
    _text("coworker_charge_unique_id", 36),
    _text("coworker_product_unique_id", 36),
    _text("event_attendee_unique_id", 36),
    _text("grouped_line_unique_id", 36),
    sa.Column("refunded_amount", MONEY, nullable=True),
    _flag("refunded"),
    _when("refunded_on"),
    _when("sale_date"),
    _text("discount_code"),
    sa.Column("discount_amount", MONEY, nullable=True),
    _text("coworker_extra_service_name"),
    _text("coworker_time_pass_name"),
    _text("coworker_product_name"),
    _text("event_attendee_product_name"),
    _text("tariff_name"),
    _text("financial_account_code", 64),
    _text("financial_account_name"),
    _text("issued_by_unique_id", 36),
    _text("cancelled_coworker_invoice_line_unique_id", 36),
    sa.Column("position", sa.Integer, nullable=False, server_default="0"),
    _flag("is_hidden"),
    _flag("is_universal_credit"),
    _text("purchase_order"),
    sa.Column("credit_amount", MONEY, nullable=False, server_default="0"),
    _flag("is_prorated_contract"),
    _text("coworker_discount_code_unique_id", 36),
)
sa.Index("ix_coworker_invoice_lines_invoice", coworker_invoice_lines.c.coworker_invoice_id)

coworker_invoice_histories = sa.Table(
    "coworker_invoice_histories",
    metadata,
    *base_columns(),
    sa.Column(
        "coworker_invoice_id",
        sa.Integer,
        sa.ForeignKey("coworker_invoices.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("name", sa.String(SHORT), nullable=False),
    sa.Column("description", sa.String(LONG), nullable=False),
    _flag("is_problem"),
    _flag("notify"),
    # Always the invoice's customer: the app's own entries (history.record) and the bulk
    # loader write it, triggers (0009) fill or correct it for any other writer. A search of
    # history by customer reads one index range instead of each invoice's.
    sa.Column("coworker_id", sa.Integer, nullable=True),
)
# Covering: an invoice's entries with their id and default sort key, in that order (0006).
sa.Index(
    "ix_coworker_invoice_histories_invoice",
    coworker_invoice_histories.c.coworker_invoice_id,
    coworker_invoice_histories.c.created_on,
    coworker_invoice_histories.c.id,
)
sa.Index("ix_coworker_invoice_histories_created_on", coworker_invoice_histories.c.created_on)
# A customer's entries in the default order: history by customer (id or name), 0009.
sa.Index(
    "ix_coworker_invoice_histories_coworker",
    coworker_invoice_histories.c.coworker_id,
    coworker_invoice_histories.c.created_on,
    coworker_invoice_histories.c.id,
)

coworker_ledger_entries = sa.Table(
    "coworker_ledger_entries",
    metadata,
    *base_columns(),
    sa.Column("business_id", sa.Integer, sa.ForeignKey("businesses.id"), nullable=False),
    sa.Column("coworker_id", sa.Integer, sa.ForeignKey("coworkers.id"), nullable=False),
    sa.Column(
        "coworker_invoice_id",
        sa.Integer,
        sa.ForeignKey("coworker_invoices.id", ondelete="CASCADE"),
        nullable=True,
    ),
    sa.Column("credit", MONEY, nullable=False, server_default="0"),
    sa.Column("debit", MONEY, nullable=False, server_default="0"),
    sa.Column("transaction_date", UTCDateTime(), nullable=False),
    _text("description", LONG),
    _text("code", 64),
    sa.Column("payment_provider", sa.Integer, nullable=True),
)
sa.Index("ix_coworker_ledger_entries_invoice", coworker_ledger_entries.c.coworker_invoice_id)

# Short-lived downloads (printed invoices): only the digest of the link's secret is stored.
downloads = sa.Table(
    "downloads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("invoice_ids", sa.String(LONG), nullable=False),
    sa.Column("created_by", sa.String(SHORT), nullable=False),
    sa.Column("created_on", UTCDateTime(), nullable=False),
    sa.Column("expires_on", UTCDateTime(), nullable=False),
)

# ---------------------------------------------------------------- indexes behind the filters
# Each serves a filter or sort the declarations mark ``indexed=True`` (billing/resources/);
# tests/test_query_plans.py checks them against PostgreSQL's plans. Nothing else is indexed:
# every index costs each write.
_inv = coworker_invoices.c
for _col in ("due_date", "paid_on", "created_on", "updated_on", "paid", "draft", "void",
             "credit_note"):  # fmt: skip
    sa.Index(f"ix_coworker_invoices_{_col}", _inv[_col])
# Exact, case-insensitive number lookups compare lower(number).
sa.Index("ix_coworker_invoices_lower_number", sa.func.lower(_inv.invoice_number))
# The default order (InvoiceNumber, NULLs first, then Id); SQLite puts NULLs first by itself.
sa.Index(
    "ix_coworker_invoices_number_order",
    _inv.invoice_number.asc().nulls_first(),
    _inv.id,
).ddl_if(dialect="postgresql")
sa.Index("ix_coworker_invoices_number_order", _inv.invoice_number, _inv.id).ddl_if(dialect="sqlite")
# A business's invoices in the default order (the deep pages of CoworkerInvoice_Business).
sa.Index(
    "ix_coworker_invoices_business_number_order",
    _inv.business_id,
    _inv.invoice_number.asc().nulls_first(),
    _inv.id,
).ddl_if(dialect="postgresql")
sa.Index(
    "ix_coworker_invoices_business_number_order", _inv.business_id, _inv.invoice_number, _inv.id
).ddl_if(dialect="sqlite")
# "Contains" on names: trigram GIN on PostgreSQL (SQLite scans; it is not the scale target).
sa.Index(
    "ix_coworker_invoices_bill_to_name_trgm",
    _inv.bill_to_name,
    postgresql_using="gin",
    postgresql_ops={"bill_to_name": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
for _col in ("created_on", "updated_on"):
    sa.Index(f"ix_coworker_invoice_lines_{_col}", coworker_invoice_lines.c[_col])
sa.Index("ix_coworker_invoice_histories_updated_on", coworker_invoice_histories.c.updated_on)
