"""Setting a PostgreSQL table's secondary indexes and constraints aside during a bulk load.

Guarantees: what is dropped is read from the catalog (never hard-coded), so indexes added by
later migrations are handled too: every index but the primary key, and every foreign-key and
unique constraint but those a foreign key depends on. ``restore`` re-creates exactly what was
dropped (unique constraints and indexes first, foreign keys last, which checks them). Both run
in the caller's transaction, so a load that fails leaves the schema as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_CONSTRAINTS = """
SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
FROM pg_constraint c
WHERE c.conrelid = ANY(%(tables)s::regclass[]) AND c.contype IN ('f', 'u')
  AND NOT (c.contype = 'u' AND EXISTS (
      SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
ORDER BY c.contype DESC, 1, 2
"""
_INDEXES = """
SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid = ANY(%(tables)s::regclass[])
  AND NOT EXISTS (
      SELECT 1 FROM pg_constraint c
      WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
ORDER BY 1
"""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def set_aside(con: Any, tables: Sequence[str]) -> list[str]:
    """Drop the secondary indexes and constraints of ``tables``; returns the statements that
    put them back, in order."""
    params = {"tables": list(tables)}
    constraints = con.execute(_CONSTRAINTS, params).fetchall()
    indexes = con.execute(_INDEXES, params).fetchall()
    for table, name, _kind, _definition in constraints:  # unique ('u') after foreign ('f')
        con.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_ident(name)}")
    for index, _definition in indexes:
        con.execute(f"DROP INDEX {index}")
    unique = [c for c in constraints if c[2] == "u"]
    foreign = [c for c in constraints if c[2] == "f"]
    return [
        *(f"ALTER TABLE {t} ADD CONSTRAINT {_ident(n)} {d}" for t, n, _k, d in unique),
        *(definition for _index, definition in indexes),
        *(f"ALTER TABLE {t} ADD CONSTRAINT {_ident(n)} {d}" for t, n, _k, d in foreign),
    ]


def restore(con: Any, statements: Sequence[str]) -> None:
    # Index builds sort in memory when they can; the load is a one-off, so be generous.
    con.execute("SET LOCAL maintenance_work_mem = '1GB'")
    for statement in statements:
        con.execute(statement)
