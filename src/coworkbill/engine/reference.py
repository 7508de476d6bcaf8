"""Read-only reference tables held in memory, in place of their joins on every read.

A table declared with ``info={"reference": True}`` (ISO countries and currencies) is never
written through the API: its rows are only ever added, by the reference-data sync. A field
read through a join to such a table (``CurrencyCode`` through the invoice's currency) is then
selected as the foreign key and looked up here: a get-one invoice joined three of them, about a
third of PostgreSQL's work on it.

Guarantees: a lookup answers what the join would (the row's column, ``None`` for a NULL key);
a key not held yet raises ``StaleReference``, after which ``refresh`` reads the tables again
(rows added since the process started, or nothing loaded yet): no value is ever guessed. The
copy is per process, for the one database the app serves (a process that opens several, as
the test suite does, relies on the loader giving every database the same ids: it inserts the
ISO lists in one fixed order).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import sqlalchemy as sa

from coworkbill.db.database import Executor, statement

# (table name, column name) -> {id: value}; filled in place, so lookups may keep the dicts.
_values: dict[tuple[str, str], dict[int, Any]] = {}
_columns: dict[tuple[str, str], Any] = {}


class StaleReference(Exception):
    """A key the in-memory copy does not hold yet (``refresh`` and serialise again)."""


def is_reference(table: Any) -> bool:
    """Whether ``table`` (or the table an alias of it names) is read-only reference data."""
    base = getattr(table, "element", table)
    return bool(getattr(base, "info", {}).get("reference"))


def lookup(column: Any, then: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """key -> ``then(column's value in the row with that id)``; ``column`` belongs to a
    reference table (or an alias of one)."""
    base = getattr(column.table, "element", column.table)
    key = (base.name, column.name)
    _columns[key] = base.c[column.name]
    values = _values.setdefault(key, {})

    def read(ident: Any) -> Any:
        if ident is None:
            return None
        try:
            return then(values[ident])
        except KeyError:
            raise StaleReference(key, ident) from None

    return read


async def refresh(ex: Executor) -> None:
    """Read every looked-up column of every reference table again."""
    by_table: dict[Any, list[Any]] = {}
    for col in _columns.values():
        by_table.setdefault(col.table, []).append(col)
    for table, cols in by_table.items():
        names = tuple(sorted(c.name for c in cols))
        rows = await ex.fetch(
            statement(("reference", table.name, names), partial(_all, table, names))
        )
        for i, name in enumerate(names, start=1):
            _values[(table.name, name)].update((r[0], r[i]) for r in rows)


def _all(table: Any, names: tuple[str, ...]) -> Any:
    return sa.select(table.c.id, *(table.c[n] for n in names))
