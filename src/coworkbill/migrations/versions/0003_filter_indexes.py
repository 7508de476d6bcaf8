"""Indexes behind the indexed filters and sorts (see billing/tables.py).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INVOICE_COLUMNS = (
    "due_date", "paid_on", "created_on", "updated_on", "paid", "draft", "void", "credit_note",
)  # fmt: skip


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    for col in INVOICE_COLUMNS:
        op.create_index(f"ix_coworker_invoices_{col}", "coworker_invoices", [col])
    op.create_index(
        "ix_coworker_invoices_lower_number", "coworker_invoices", [sa.text("lower(invoice_number)")]
    )
    for col in ("created_on", "updated_on"):
        op.create_index(f"ix_coworker_invoice_lines_{col}", "coworker_invoice_lines", [col])
    op.create_index(
        "ix_coworker_invoice_histories_updated_on", "coworker_invoice_histories", ["updated_on"]
    )
    if pg:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_coworker_invoices_number_order",
            "coworker_invoices",
            [sa.text("invoice_number ASC NULLS FIRST"), "id"],
        )
        op.create_index(
            "ix_coworker_invoices_bill_to_name_trgm",
            "coworker_invoices",
            ["bill_to_name"],
            postgresql_using="gin",
            postgresql_ops={"bill_to_name": "gin_trgm_ops"},
        )
        op.create_index(
            "ix_coworkers_full_name_trgm",
            "coworkers",
            ["full_name"],
            postgresql_using="gin",
            postgresql_ops={"full_name": "gin_trgm_ops"},
        )
    else:
        op.create_index(
            "ix_coworker_invoices_number_order", "coworker_invoices", ["invoice_number", "id"]
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_coworkers_full_name_trgm", "coworkers")
        op.drop_index("ix_coworker_invoices_bill_to_name_trgm", "coworker_invoices")
    op.drop_index("ix_coworker_invoices_number_order", "coworker_invoices")
    op.drop_index("ix_coworker_invoice_histories_updated_on", "coworker_invoice_histories")
    for col in ("created_on", "updated_on"):
        op.drop_index(f"ix_coworker_invoice_lines_{col}", "coworker_invoice_lines")
    op.drop_index("ix_coworker_invoices_lower_number", "coworker_invoices")
    for col in INVOICE_COLUMNS:
        op.drop_index(f"ix_coworker_invoices_{col}", "coworker_invoices")
