"""Database writers for generated chunks: binary COPY on PostgreSQL (psycopg 3), executemany
on SQLite, each on a raw driver connection.

Guarantees: a chunk's rows are written parents first (``COLUMNS`` order) together with the
businesses' next invoice numbers, so whatever is committed continues every numbering sequence;
SQLite commits chunk by chunk, PostgreSQL once at the end. ``finish`` moves the id sequences
past the rows written (PostgreSQL) and refreshes the planner statistics of every table filled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy.engine import Dialect

from coworkbill.bulk import pgschema
from coworkbill.bulk.generate import COLUMNS, Biz, Chunk, Row
from coworkbill.db.tables import metadata

NEXT_NUMBER = "UPDATE businesses SET next_invoice_number = {p} WHERE id = {p}"


class Writer(Protocol):
    def write(self, chunk: Chunk, bizs: Sequence[Biz]) -> None:
        """Write the chunk's rows and the businesses' next invoice numbers."""

    def finish(self) -> None:
        """Commit what is still open and refresh the planner statistics."""


class PgWriter:
    """COPY ... FROM STDIN (FORMAT BINARY): psycopg dumps each value with the column's own type
    (NUMERIC, timestamptz, ...), so nothing is parsed back from text on either side.

    The whole load is one transaction. With ``set_aside`` (a load at least as large as what the
    tables hold) the secondary indexes and constraints are dropped first and rebuilt at the end,
    in that same transaction, so a failed load leaves the schema and the data as they were.
    """

    def __init__(self, raw: Any, set_aside: bool) -> None:
        self.con = raw.driver_connection
        self.types = {t: self._oids(t, cols) for t, cols in COLUMNS.items()}
        self.restore = pgschema.set_aside(self.con, list(COLUMNS)) if set_aside else []

    def _oids(self, table: str, cols: Sequence[str]) -> list[int]:
        found = dict(
            self.con.execute(
                "SELECT attname, atttypid::int FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                (table,),
            ).fetchall()
        )
        return [int(found[c]) for c in cols]

    def write(self, chunk: Chunk, bizs: Sequence[Biz]) -> None:
        with self.con.cursor() as cur:
            for table, cols in COLUMNS.items():
                rows = chunk.rows[table]
                if not rows:
                    continue
                sql = f"COPY {table} ({', '.join(cols)}) FROM STDIN (FORMAT BINARY)"
                with cur.copy(sql) as copy:
                    copy.set_types(self.types[table])
                    for row in rows:
                        copy.write_row(row)
            cur.executemany(NEXT_NUMBER.format(p="%s"), [(b.next_number, b.id) for b in bizs])

    def finish(self) -> None:
        pgschema.restore(self.con, self.restore)
        for table in COLUMNS:
            self.con.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table} "
                "HAVING max(id) IS NOT NULL"
            )
        self.con.commit()
        # VACUUM (not just ANALYZE): freshly copied pages are not yet all-visible, so without
        # it every count would read the heap instead of an index-only scan. It cannot run in
        # a transaction block.
        self.con.autocommit = True
        try:
            self.con.execute("VACUUM (ANALYZE) " + ", ".join(COLUMNS))
        finally:
            self.con.autocommit = False


class SqliteWriter:
    """executemany in the chunk's transaction, each value through its column type's own bind
    processor (ExactDecimal's scaled integer, UTCDateTime's naive UTC text, booleans as 0/1)."""

    def __init__(self, raw: Any, dialect: Dialect) -> None:
        self.con = raw.driver_connection
        # A crash mid-load may lose the last chunks (never corrupt the file in WAL mode): the
        # load is rerun anyway; fsyncing every commit is not worth it here.
        self.con.execute("PRAGMA synchronous=OFF")
        self.sql, self.procs = {}, {}
        for table, cols in COLUMNS.items():
            marks = ", ".join("?" for _ in cols)
            self.sql[table] = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})"
            self.procs[table] = _procs(table, cols, dialect)

    def write(self, chunk: Chunk, bizs: Sequence[Biz]) -> None:
        for table in COLUMNS:
            rows, procs = chunk.rows[table], self.procs[table]
            if rows:
                self.con.executemany(self.sql[table], (_bound(row, procs) for row in rows))
        self.con.executemany(NEXT_NUMBER.format(p="?"), [(b.next_number, b.id) for b in bizs])
        self.con.commit()

    def finish(self) -> None:
        for table in COLUMNS:
            self.con.execute(f"ANALYZE {table}")
        self.con.commit()
        self.con.execute("PRAGMA synchronous=NORMAL")


Proc = Callable[[Any], Any]


def _procs(table: str, cols: Sequence[str], dialect: Dialect) -> list[tuple[int, Proc]]:
    out: list[tuple[int, Proc]] = []
    for i, name in enumerate(cols):
        col_type = metadata.tables[table].c[name].type
        proc = col_type.dialect_impl(dialect).bind_processor(dialect)
        if proc is not None:
            out.append((i, proc))
    return out


def _bound(row: Row, procs: list[tuple[int, Proc]]) -> list[Any]:
    out = list(row)
    for i, proc in procs:
        if out[i] is not None:
            out[i] = proc(out[i])
    return out
