"""Tables for countries, currencies, businesses (locations) and coworkers (customers)."""

from __future__ import annotations

import sqlalchemy as sa

from coworkbill.db.metadata import LONG, RATE, SHORT, base_columns, metadata

countries = sa.Table(
    "countries",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(SHORT), nullable=False),
    sa.Column("two_digits_code", sa.String(2), nullable=False, unique=True),
    sa.Column("culture", sa.String(16), nullable=True),
    info={"reference": True},  # read-only: rows are only added (reference_data.py)
)

currencies = sa.Table(
    "currencies",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(SHORT), nullable=False),
    sa.Column("code", sa.String(3), nullable=False, unique=True),
    sa.Column("format", sa.String(64), nullable=True),
    sa.Column("decimal_places", sa.Integer, nullable=False),
    info={"reference": True},  # read-only: rows are only added (reference_data.py)
)

businesses = sa.Table(
    "businesses",
    metadata,
    *base_columns(),
    sa.Column("name", sa.String(SHORT), nullable=False),
    sa.Column("country_id", sa.Integer, sa.ForeignKey("countries.id"), nullable=False),
    sa.Column("currency_id", sa.Integer, sa.ForeignKey("currencies.id"), nullable=False),
    sa.Column("simple_time_zone_id", sa.String(64), nullable=False),
    sa.Column("email", sa.String(SHORT), nullable=True),
    sa.Column("address", sa.String(LONG), nullable=True),
    sa.Column("tax_id_number", sa.String(SHORT), nullable=True),
    # Business settings Payments.ExchangeRate and Payments.Currency (spec section 2.2).
    sa.Column("exchange_rate", RATE, nullable=True),
    sa.Column("transaction_currency_id", sa.Integer, sa.ForeignKey("currencies.id"), nullable=True),
    # Invoice numbering: prefix + zero-padded counter; next_invoice_number is the next to hand out.
    sa.Column("invoice_number_prefix", sa.String(32), nullable=False, server_default=""),
    sa.Column("invoice_number_padding", sa.Integer, nullable=False, server_default="5"),
    sa.Column("next_invoice_number", sa.Integer, nullable=False, server_default="1"),
)

coworkers = sa.Table(
    "coworkers",
    metadata,
    *base_columns(),
    sa.Column("full_name", sa.String(SHORT), nullable=False),
    sa.Column("email", sa.String(SHORT), nullable=False),
    sa.Column("country_id", sa.Integer, sa.ForeignKey("countries.id"), nullable=False),
    sa.Column("simple_time_zone_id", sa.String(64), nullable=False),
    sa.Column("invoicing_business_id", sa.Integer, sa.ForeignKey("businesses.id"), nullable=False),
    sa.Column("coworker_type", sa.Integer, nullable=False, server_default="1"),
    sa.Column("company_name", sa.String(SHORT), nullable=True),
    sa.Column("team_names", sa.String(LONG), nullable=True),
    sa.Column("billing_email", sa.String(SHORT), nullable=True),
    sa.Column("billing_name", sa.String(SHORT), nullable=True),
    sa.Column("billing_address", sa.String(LONG), nullable=True),
    sa.Column("billing_city_name", sa.String(SHORT), nullable=True),
    sa.Column("billing_post_code", sa.String(64), nullable=True),
    sa.Column("billing_state", sa.String(SHORT), nullable=True),
    sa.Column("billing_country_id", sa.Integer, sa.ForeignKey("countries.id"), nullable=True),
    sa.Column("tax_id_number", sa.String(SHORT), nullable=True),
    sa.Column("bank_account", sa.String(SHORT), nullable=True),
    sa.Column("regular_payment_provider", sa.Integer, nullable=True),
    sa.Column("regular_payment_contract_number", sa.String(SHORT), nullable=True),
    sa.Column("card_number", sa.String(64), nullable=True),
    sa.Column("go_cardless_contract_number", sa.String(SHORT), nullable=True),
    sa.Column("enable_go_cardless_payments", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("notify_on_new_invoice", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("notify_on_new_payment", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("notify_on_failed_payment", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column(
        "do_not_process_invoices_automatically",
        sa.Boolean,
        nullable=False,
        server_default=sa.false(),
    ),
)
sa.Index("ix_coworkers_invoicing_business_id", coworkers.c.invoicing_business_id)
# "Contains" on customer names (invoice and history filters through the customer).
sa.Index(
    "ix_coworkers_full_name_trgm",
    coworkers.c.full_name,
    postgresql_using="gin",
    postgresql_ops={"full_name": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
