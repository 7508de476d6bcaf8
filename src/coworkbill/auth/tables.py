"""API users and their issued tokens (only digests of token secrets are stored)."""

from __future__ import annotations

import sqlalchemy as sa

from coworkbill.db.metadata import LONG, SHORT, metadata
from coworkbill.db.types import UTCDateTime

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(SHORT), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(SHORT), nullable=False),
    sa.Column("is_admin", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    # JSON arrays: role names ("CoworkerInvoice-List", ...) and business ids; [] = all businesses.
    sa.Column("roles", sa.String(LONG), nullable=False, server_default="[]"),
    sa.Column("business_ids", sa.String(LONG), nullable=False, server_default="[]"),
    sa.Column("created_on", UTCDateTime(), nullable=False),
)

tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.String(8), nullable=False),  # "access" | "refresh"
    sa.Column("client_id", sa.String(SHORT), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("created_on", UTCDateTime(), nullable=False),
    sa.Column("expires_on", UTCDateTime(), nullable=False),
    sa.Column("revoked_on", UTCDateTime(), nullable=True),
)
sa.Index("ix_tokens_user_client", tokens.c.user_id, tokens.c.client_id, tokens.c.kind)
