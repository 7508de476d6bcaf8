"""The one ``MetaData`` all tables join, and the columns every Nexudus record carries.

Guarantees: a new row's UniqueId is a fresh, time-ordered GUID (``uuid7``).
"""

from __future__ import annotations

import os
import time
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


def uuid7() -> str:
    """A version-7 GUID (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits.

    Why not uuid4: every table has a unique index on UniqueId, and random keys land on random
    pages of it, so with millions of rows nearly every insert touched an index page no recent
    insert had (out of the buffer cache). Time-ordered keys all go to the rightmost pages.
    The text form sorts like the value (fixed-width lowercase hex).
    """
    rand = int.from_bytes(os.urandom(10), "big")  # 80 bits, 74 of them used
    value = (
        (time.time_ns() // 1_000_000) << 80
        | 0x7 << 76  # version
        | (rand >> 62 & 0xFFF) << 64
        | 0b10 << 62  # variant
        | rand & ((1 << 62) - 1)
    )
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_row(values: dict[str, Any], by: str, now: datetime) -> dict[str, Any]:
    """``values`` plus the base columns of a row created now by ``by`` (a fresh UniqueId)."""
    return {
        **values,
        "unique_id": uuid7(),
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
