"""printed invoice downloads

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 06:33:16.490819
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import coworkbill.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "downloads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("invoice_ids", sa.String(length=4000), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_on", coworkbill.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_downloads")),
    )


def downgrade() -> None:
    op.drop_table("downloads")
