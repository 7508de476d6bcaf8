"""Parent-record indexes that also carry what a search reads through them.

A filter through a related record (history by customer name) walks customer -> invoices ->
history entries. With (coworker_id, id) and (coworker_invoice_id, created_on, id) both steps
are index-only, where each matched row used to be fetched from its table for its id and sort
key; an invoice's history in the default order (CreatedOn) is read off the index in order.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_coworker_invoices_coworker_id": (
        "coworker_invoices",
        ["coworker_id"],
        ["coworker_id", "id"],
    ),
    "ix_coworker_invoice_histories_invoice": (
        "coworker_invoice_histories",
        ["coworker_invoice_id"],
        ["coworker_invoice_id", "created_on", "id"],
    ),
}


def upgrade() -> None:
    for name, (table, _, columns) in INDEXES.items():
        op.drop_index(name, table)
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, columns, _) in INDEXES.items():
        op.drop_index(name, table)
        op.create_index(name, table, columns)
