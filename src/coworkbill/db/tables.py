"""Every table, imported in one place so Alembic and tests see the whole schema."""

from coworkbill.auth.tables import tokens, users
from coworkbill.billing.tables import (
    coworker_invoice_histories,
    coworker_invoice_lines,
    coworker_invoices,
    coworker_ledger_entries,
    downloads,
)
from coworkbill.db.counts import row_counts
from coworkbill.db.metadata import metadata
from coworkbill.directory.tables import businesses, countries, coworkers, currencies

__all__ = [
    "businesses",
    "countries",
    "coworker_invoice_histories",
    "coworker_invoice_lines",
    "coworker_invoices",
    "coworker_ledger_entries",
    "coworkers",
    "currencies",
    "downloads",
    "metadata",
    "row_counts",
    "tokens",
    "users",
]
