"""Deep pages of a business's invoices in the default order walk one index.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NAME = "ix_coworker_invoices_business_number_order"


def upgrade() -> None:
    number: str | sa.TextClause = "invoice_number"
    if op.get_bind().dialect.name == "postgresql":
        number = sa.text("invoice_number ASC NULLS FIRST")
    columns: list[str | sa.TextClause] = ["business_id", number, "id"]
    op.create_index(NAME, "coworker_invoices", columns)


def downgrade() -> None:
    op.drop_index(NAME, "coworker_invoices")
