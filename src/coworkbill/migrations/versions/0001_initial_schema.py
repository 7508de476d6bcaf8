"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 06:28:21.894728
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import coworkbill.db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "countries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unique_id", sa.String(length=36), nullable=False),
        sa.Column("created_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.Column("system_id", sa.String(length=4000), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("two_digits_code", sa.String(length=2), nullable=False),
        sa.Column("culture", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_countries")),
        sa.UniqueConstraint("two_digits_code", name=op.f("uq_countries_two_digits_code")),
        sa.UniqueConstraint("unique_id", name=op.f("uq_countries_unique_id")),
    )
    op.create_table(
        "currencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unique_id", sa.String(length=36), nullable=False),
        sa.Column("created_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.Column("system_id", sa.String(length=4000), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("format", sa.String(length=64), nullable=True),
        sa.Column("decimal_places", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_currencies")),
        sa.UniqueConstraint("code", name=op.f("uq_currencies_code")),
        sa.UniqueConstraint("unique_id", name=op.f("uq_currencies_unique_id")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("is_admin", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("roles", sa.String(length=4000), server_default="[]", nullable=False),
        sa.Column("business_ids", sa.String(length=4000), server_default="[]", nullable=False),
        sa.Column("created_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "businesses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unique_id", sa.String(length=36), nullable=False),
        sa.Column("created_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.Column("system_id", sa.String(length=4000), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("country_id", sa.Integer(), nullable=False),
        sa.Column("currency_id", sa.Integer(), nullable=False),
        sa.Column("simple_time_zone_id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=True),
        sa.Column("address", sa.String(length=4000), nullable=True),
        sa.Column("tax_id_number", sa.String(length=255), nullable=True),
        sa.Column(
            "exchange_rate", coworkbill.db.types.ExactDecimal(precision=19, scale=8), nullable=True
        ),
        sa.Column("transaction_currency_id", sa.Integer(), nullable=True),
        sa.Column("invoice_number_prefix", sa.String(length=32), server_default="", nullable=False),
        sa.Column("invoice_number_padding", sa.Integer(), server_default="5", nullable=False),
        sa.Column("next_invoice_number", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["country_id"], ["countries.id"], name=op.f("fk_businesses_country_id_countries")
        ),
        sa.ForeignKeyConstraint(
            ["currency_id"], ["currencies.id"], name=op.f("fk_businesses_currency_id_currencies")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_currency_id"],
            ["currencies.id"],
            name=op.f("fk_businesses_transaction_currency_id_currencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_businesses")),
        sa.UniqueConstraint("unique_id", name=op.f("uq_businesses_unique_id")),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tokens")),
    )
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tokens_user_client", ["user_id", "client_id", "kind"], unique=False
        )

    op.create_table(
        "coworkers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unique_id", sa.String(length=36), nullable=False),
        sa.Column("created_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.Column("system_id", sa.String(length=4000), nullable=True),
        sa.Column("full_name", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("country_id", sa.Integer(), nullable=False),
        sa.Column("simple_time_zone_id", sa.String(length=64), nullable=False),
        sa.Column("invoicing_business_id", sa.Integer(), nullable=False),
        sa.Column("coworker_type", sa.Integer(), server_default="1", nullable=False),
        sa.Column("company_name", sa.String(length=255), nullable=True),
        sa.Column("team_names", sa.String(length=4000), nullable=True),
        sa.Column("billing_email", sa.String(length=255), nullable=True),
        sa.Column("billing_name", sa.String(length=255), nullable=True),
        sa.Column("billing_address", sa.String(length=4000), nullable=True),
        sa.Column("billing_city_name", sa.String(length=255), nullable=True),
        sa.Column("billing_post_code", sa.String(length=64), nullable=True),
        sa.Column("billing_state", sa.String(length=255), nullable=True),
        sa.Column("billing_country_id", sa.Integer(), nullable=True),
        sa.Column("tax_id_number", sa.String(length=255), nullable=True),
        sa.Column("bank_account", sa.String(length=255), nullable=True),
        sa.Column("regular_payment_provider", sa.Integer(), nullable=True),
        sa.Column("regular_payment_contract_number", sa.String(length=255), nullable=True),
        sa.Column("card_number", sa.String(length=64), nullable=True),
        sa.Column("go_cardless_contract_number", sa.String(length=255), nullable=True),
        sa.Column(
            "enable_go_cardless_payments", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column("notify_on_new_invoice", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("notify_on_new_payment", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "notify_on_failed_payment", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column(
            "do_not_process_invoices_automatically",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["billing_country_id"],
            ["countries.id"],
            name=op.f("fk_coworkers_billing_country_id_countries"),
        ),
        sa.ForeignKeyConstraint(
            ["country_id"], ["countries.id"], name=op.f("fk_coworkers_country_id_countries")
        ),
        sa.ForeignKeyConstraint(
            ["invoicing_business_id"],
            ["businesses.id"],
            name=op.f("fk_coworkers_invoicing_business_id_businesses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coworkers")),
        sa.UniqueConstraint("unique_id", name=op.f("uq_coworkers_unique_id")),
    )
    with op.batch_alter_table("coworkers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coworkers_invoicing_business_id", ["invoicing_business_id"], unique=False
        )

    op.create_table(
        "coworker_invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unique_id", sa.String(length=36), nullable=False),
        sa.Column("created_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.Column("system_id", sa.String(length=4000), nullable=True),
        sa.Column("coworker_id", sa.Integer(), nullable=False),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("invoice_number", sa.String(length=64), nullable=True),
        sa.Column("payment_reference", sa.String(length=255), nullable=True),
        sa.Column("bill_to_name", sa.String(length=255), server_default="", nullable=False),
        sa.Column("bill_to_address", sa.String(length=4000), server_default="", nullable=False),
        sa.Column("bill_to_city", sa.String(length=255), server_default="", nullable=False),
        sa.Column("bill_to_post_code", sa.String(length=64), server_default="", nullable=False),
        sa.Column("bill_to_phone", sa.String(length=255), nullable=True),
        sa.Column("bill_to_fax", sa.String(length=255), nullable=True),
        sa.Column("bill_to_state", sa.String(length=255), nullable=True),
        sa.Column("bill_to_country_id", sa.Integer(), nullable=False),
        sa.Column("bill_to_bank_account", sa.String(length=255), nullable=True),
        sa.Column("bill_to_tax_id_number", sa.String(length=255), nullable=True),
        sa.Column("purchase_order", sa.String(length=255), nullable=True),
        sa.Column("description", sa.String(length=4000), nullable=True),
        sa.Column(
            "discount_amount",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            server_default="0",
            nullable=False,
        ),
        sa.Column("due_date", coworkbill.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "invoice_from_date", coworkbill.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("invoice_to_date", coworkbill.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "total_amount",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            server_default="0",
            nullable=False,
        ),
        sa.Column(
            "tax_amount",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            server_default="0",
            nullable=False,
        ),
        sa.Column(
            "paid_amount", coworkbill.db.types.ExactDecimal(precision=19, scale=4), nullable=True
        ),
        sa.Column(
            "transaction_total_amount",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            nullable=True,
        ),
        sa.Column("transaction_currency_id", sa.Integer(), nullable=True),
        sa.Column(
            "transaction_exchange_rate",
            coworkbill.db.types.ExactDecimal(precision=19, scale=8),
            nullable=True,
        ),
        sa.Column("currency_id", sa.Integer(), nullable=False),
        sa.Column("draft", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("void", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "waiting_for_invoice_number", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column("paid", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("sent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("sent_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paid_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("refunded", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("refunded_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "xero_invoice_transfered", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column(
            "xero_payment_transfered", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column(
            "quickbooks_invoice_transfered",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
        ),
        sa.Column(
            "quickbooks_payment_transfered",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
        ),
        sa.Column(
            "moloni_invoice_transferred", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column(
            "moloni_payment_transferred", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column("storecove_invoice_status", sa.Integer(), nullable=True),
        sa.Column(
            "auto_transfer_to_storecove", sa.Boolean(), server_default=sa.false(), nullable=False
        ),
        sa.Column("storecove_unique_id", sa.String(length=64), nullable=True),
        sa.Column("credit_note", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("original_invoice_guid", sa.String(length=36), nullable=True),
        sa.Column("contract_guid", sa.String(length=36), nullable=True),
        sa.Column("custom_data", sa.String(length=4000), nullable=True),
        sa.Column("go_cardless_reference", sa.String(length=255), nullable=True),
        sa.Column("spreedly_token", sa.String(length=255), nullable=True),
        sa.Column(
            "last_payment_attempt", coworkbill.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("billed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "do_not_apply_credit_automatically",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
        ),
        sa.Column(
            "received_amount",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            nullable=True,
        ),
        sa.Column(
            "credited_amount",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            nullable=True,
        ),
        sa.Column(
            "refunded_amount",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            nullable=True,
        ),
        sa.Column("nex_kiosk_transaction_id", sa.String(length=255), nullable=True),
        sa.Column(
            "auto_transfer_to_xero_or_quick_books",
            sa.Boolean(),
            server_default=sa.false(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["bill_to_country_id"],
            ["countries.id"],
            name=op.f("fk_coworker_invoices_bill_to_country_id_countries"),
        ),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["businesses.id"],
            name=op.f("fk_coworker_invoices_business_id_businesses"),
        ),
        sa.ForeignKeyConstraint(
            ["coworker_id"],
            ["coworkers.id"],
            name=op.f("fk_coworker_invoices_coworker_id_coworkers"),
        ),
        sa.ForeignKeyConstraint(
            ["currency_id"],
            ["currencies.id"],
            name=op.f("fk_coworker_invoices_currency_id_currencies"),
        ),
        sa.ForeignKeyConstraint(
            ["transaction_currency_id"],
            ["currencies.id"],
            name=op.f("fk_coworker_invoices_transaction_currency_id_currencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coworker_invoices")),
        sa.UniqueConstraint("business_id", "invoice_number", name="uq_coworker_invoices_number"),
        sa.UniqueConstraint("unique_id", name=op.f("uq_coworker_invoices_unique_id")),
    )
    with op.batch_alter_table("coworker_invoices", schema=None) as batch_op:
        batch_op.create_index("ix_coworker_invoices_coworker_id", ["coworker_id"], unique=False)

    op.create_table(
        "coworker_invoice_histories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unique_id", sa.String(length=36), nullable=False),
        sa.Column("created_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.Column("system_id", sa.String(length=4000), nullable=True),
        sa.Column("coworker_invoice_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("is_problem", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("notify", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coworker_invoice_id"],
            ["coworker_invoices.id"],
            name=op.f("fk_coworker_invoice_histories_coworker_invoice_id_coworker_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coworker_invoice_histories")),
        sa.UniqueConstraint("unique_id", name=op.f("uq_coworker_invoice_histories_unique_id")),
    )
    with op.batch_alter_table("coworker_invoice_histories", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coworker_invoice_histories_created_on", ["created_on"], unique=False
        )
        batch_op.create_index(
            "ix_coworker_invoice_histories_invoice", ["coworker_invoice_id"], unique=False
        )

    op.create_table(
        "coworker_invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unique_id", sa.String(length=36), nullable=False),
        sa.Column("created_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.Column("system_id", sa.String(length=4000), nullable=True),
        sa.Column("coworker_invoice_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("display_as", sa.String(length=4000), nullable=True),
        sa.Column("tax_category_name", sa.String(length=255), nullable=True),
        sa.Column("quantity", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "sub_total",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            server_default="0",
            nullable=False,
        ),
        sa.Column(
            "tax_amount",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            server_default="0",
            nullable=False,
        ),
        sa.Column(
            "tax_rate",
            coworkbill.db.types.ExactDecimal(precision=19, scale=8),
            server_default="0",
            nullable=False,
        ),
        sa.Column("coworker_contract_unique_id", sa.String(length=36), nullable=True),
        sa.Column("contract_deposit_unique_id", sa.String(length=36), nullable=True),
        sa.Column("booking_unique_id", sa.String(length=36), nullable=True),
        sa.Column("coworker_extra_service_unique_id", sa.String(length=36), nullable=True),
        sa.Column("extra_service_unique_id", sa.String(length=36), nullable=True),
        sa.Column("coworker_time_pass_unique_id", sa.String(length=36), nullable=True),
        sa.Column("coworker_charge_unique_id", sa.String(length=36), nullable=True),
        sa.Column("coworker_product_unique_id", sa.String(length=36), nullable=True),
        sa.Column("event_attendee_unique_id", sa.String(length=36), nullable=True),
        sa.Column("grouped_line_unique_id", sa.String(length=36), nullable=True),
        sa.Column(
            "refunded_amount",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            nullable=True,
        ),
        sa.Column("refunded", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("refunded_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sale_date", coworkbill.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("discount_code", sa.String(length=255), nullable=True),
        sa.Column(
            "discount_amount",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            nullable=True,
        ),
        sa.Column("coworker_extra_service_name", sa.String(length=255), nullable=True),
        sa.Column("coworker_time_pass_name", sa.String(length=255), nullable=True),
        sa.Column("coworker_product_name", sa.String(length=255), nullable=True),
        sa.Column("event_attendee_product_name", sa.String(length=255), nullable=True),
        sa.Column("tariff_name", sa.String(length=255), nullable=True),
        sa.Column("financial_account_code", sa.String(length=64), nullable=True),
        sa.Column("financial_account_name", sa.String(length=255), nullable=True),
        sa.Column("issued_by_unique_id", sa.String(length=36), nullable=True),
        sa.Column("cancelled_coworker_invoice_line_unique_id", sa.String(length=36), nullable=True),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("is_hidden", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("is_universal_credit", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("purchase_order", sa.String(length=255), nullable=True),
        sa.Column(
            "credit_amount",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            server_default="0",
            nullable=False,
        ),
        sa.Column("is_prorated_contract", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("coworker_discount_code_unique_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["coworker_invoice_id"],
            ["coworker_invoices.id"],
            name=op.f("fk_coworker_invoice_lines_coworker_invoice_id_coworker_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coworker_invoice_lines")),
        sa.UniqueConstraint("unique_id", name=op.f("uq_coworker_invoice_lines_unique_id")),
    )
    with op.batch_alter_table("coworker_invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coworker_invoice_lines_invoice", ["coworker_invoice_id"], unique=False
        )

    op.create_table(
        "coworker_ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unique_id", sa.String(length=36), nullable=False),
        sa.Column("created_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.Column("system_id", sa.String(length=4000), nullable=True),
        sa.Column("business_id", sa.Integer(), nullable=False),
        sa.Column("coworker_id", sa.Integer(), nullable=False),
        sa.Column("coworker_invoice_id", sa.Integer(), nullable=True),
        sa.Column(
            "credit",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            server_default="0",
            nullable=False,
        ),
        sa.Column(
            "debit",
            coworkbill.db.types.ExactDecimal(precision=19, scale=4),
            server_default="0",
            nullable=False,
        ),
        sa.Column(
            "transaction_date", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("description", sa.String(length=4000), nullable=True),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("payment_provider", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["businesses.id"],
            name=op.f("fk_coworker_ledger_entries_business_id_businesses"),
        ),
        sa.ForeignKeyConstraint(
            ["coworker_id"],
            ["coworkers.id"],
            name=op.f("fk_coworker_ledger_entries_coworker_id_coworkers"),
        ),
        sa.ForeignKeyConstraint(
            ["coworker_invoice_id"],
            ["coworker_invoices.id"],
            name=op.f("fk_coworker_ledger_entries_coworker_invoice_id_coworker_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coworker_ledger_entries")),
        sa.UniqueConstraint("unique_id", name=op.f("uq_coworker_ledger_entries_unique_id")),
    )
    with op.batch_alter_table("coworker_ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_coworker_ledger_entries_invoice", ["coworker_invoice_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("coworker_ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_coworker_ledger_entries_invoice")

    op.drop_table("coworker_ledger_entries")
    with op.batch_alter_table("coworker_invoice_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_coworker_invoice_lines_invoice")

    op.drop_table("coworker_invoice_lines")
    with op.batch_alter_table("coworker_invoice_histories", schema=None) as batch_op:
        batch_op.drop_index("ix_coworker_invoice_histories_invoice")
        batch_op.drop_index("ix_coworker_invoice_histories_created_on")

    op.drop_table("coworker_invoice_histories")
    with op.batch_alter_table("coworker_invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_coworker_invoices_coworker_id")

    op.drop_table("coworker_invoices")
    with op.batch_alter_table("coworkers", schema=None) as batch_op:
        batch_op.drop_index("ix_coworkers_invoicing_business_id")

    op.drop_table("coworkers")
    with op.batch_alter_table("tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_tokens_user_client")

    op.drop_table("tokens")
    op.drop_table("businesses")
    op.drop_table("users")
    op.drop_table("currencies")
    op.drop_table("countries")
