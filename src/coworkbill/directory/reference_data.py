"""Countries (ISO 3166-1, from pycountry) and currencies (ISO 4217 with minor units, from
iso4217), loaded idempotently after every migration: missing codes are added, names refreshed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import iso4217
import pycountry
import sqlalchemy as sa

from coworkbill.db.metadata import new_row
from coworkbill.directory.tables import countries, currencies


def country_rows() -> list[dict[str, Any]]:
    return [
        {"name": getattr(c, "common_name", None) or c.name, "two_digits_code": c.alpha_2}
        for c in pycountry.countries
    ]


def currency_rows() -> list[dict[str, Any]]:
    rows = []
    for cur in iso4217.Currency:
        places = cur.exponent if isinstance(cur.exponent, int) else 0
        pattern = "0." + "0" * places if places else "0"
        rows.append(
            {
                "name": cur.currency_name,
                "code": cur.code,
                "format": f"{cur.code} {{0:{pattern}}}",
                "decimal_places": places,
            }
        )
    return rows


def _sync(conn: sa.Connection, table: sa.Table, key: str, rows: list[dict[str, Any]]) -> int:
    existing = {r[0]: r[1] for r in conn.execute(sa.select(table.c[key], table.c.id))}
    now = datetime.now(UTC).replace(microsecond=0)
    new = [new_row(r, "System", now) for r in rows if r[key] not in existing]
    if new:
        conn.execute(sa.insert(table), new)
    return len(new)


def load(conn: sa.Connection) -> tuple[int, int]:
    """Add missing countries and currencies; returns how many of each were added."""
    return _sync(conn, countries, "two_digits_code", country_rows()), _sync(
        conn, currencies, "code", currency_rows()
    )
