"""Column types that keep money exact and instants in UTC on both SQLite and PostgreSQL.

``ExactDecimal`` is NUMERIC on PostgreSQL and a scaled 64-bit integer on SQLite (SQLite's NUMERIC
affinity would round through a double). ``UTCDateTime`` is ``timestamptz`` on PostgreSQL and a
naive UTC text on SQLite; either way Python sees aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class ExactDecimal(TypeDecorator[Decimal]):
    impl = sa.Numeric
    cache_ok = True

    def __init__(self, precision: int = 19, scale: int = 4) -> None:
        super().__init__(precision=precision, scale=scale, asdecimal=True)
        self.precision = precision
        self.scale = scale
        self.factor = Decimal(10) ** scale

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.BigInteger())
        return dialect.type_descriptor(sa.Numeric(self.precision, self.scale))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        if dialect.name == "sqlite":
            scaled = d * self.factor
            if scaled != scaled.to_integral_value():
                raise ValueError(f"{d} has more than {self.scale} decimal places")
            return int(scaled)
        return d

    def driver_result_is_final(self, dialect: Dialect) -> bool:
        """asyncpg already returns NUMERIC as an exact Decimal: nothing to convert."""
        return dialect.driver == "asyncpg"

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale)
        return value if isinstance(value, Decimal) else Decimal(str(value))


class UTCDateTime(TypeDecorator[datetime]):
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def driver_result_is_final(self, dialect: Dialect) -> bool:
        """asyncpg returns timestamptz as an aware datetime in UTC (timezone.utc) already."""
        return dialect.driver == "asyncpg"

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]
