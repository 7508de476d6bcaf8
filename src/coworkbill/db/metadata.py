"""The one ``MetaData`` all tables join, and the columns every Nexudus record carries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from coworkbill.db.types import ExactDecimal, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = sa.MetaData(naming_convention=NAMING)

MONEY = ExactDecimal(19, 4)
RATE = ExactDecimal(19, 8)
SHORT = 255
LONG = 4000


def new_row(values: dict[str, Any], by: str, now: datetime) -> dict[str, Any]:
    """``values`` plus the base columns of a row created now by ``by`` (a fresh UniqueId)."""
    return {
        **values,
        "unique_id": str(uuid.uuid4()),
        "created_on": now,
        "updated_on": now,
        "updated_by": by,
    }


def base_columns() -> list[sa.Column[Any]]:
    """Id, UniqueId, CreatedOn, UpdatedOn, UpdatedBy and SystemId (spec section 1.3)."""
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unique_id", sa.String(36), nullable=False, unique=True),
        sa.Column("created_on", UTCDateTime(), nullable=False),
        sa.Column("updated_on", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(SHORT), nullable=True),
        sa.Column("system_id", sa.String(LONG), nullable=True),
    ]
