"""The migrations build exactly the schema the code declares, on the session's database."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from coworkbill.db.migrate import alembic_config, sync_engine, upgrade
from coworkbill.db.tables import metadata
from tests.support import fresh_database

AUTOVACUUMED = (
    "coworker_invoices",
    "coworker_invoice_lines",
    "coworker_invoice_histories",
    "coworker_ledger_entries",
)
WANTED = {
    "autovacuum_vacuum_scale_factor=0.01",
    "autovacuum_vacuum_insert_scale_factor=0.01",
    "autovacuum_analyze_scale_factor=0.02",
}


# SQLite cannot reflect expression indexes (lower(invoice_number)); the comparison skips them there.
@pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning")
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_migrated_schema_matches_the_declared_tables(database_url: str) -> None:
    engine = sync_engine(database_url)
    try:
        with engine.connect() as conn:
            dialect = conn.dialect.name

            def declared_here(obj: object, *_: object) -> bool:
                # Indexes declared for the other dialect only (Index(...).ddl_if(dialect=...)).
                ddl_if = getattr(obj, "_ddl_if", None)
                return getattr(ddl_if, "dialect", None) in (None, dialect)

            opts = {"compare_type": True, "include_object": declared_here}
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), metadata)
            if dialect == "postgresql":
                rows = conn.exec_driver_sql(
                    "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%(t)s)",
                    {"t": list(AUTOVACUUMED)},
                ).all()
                options = {name: set(opts or ()) for name, opts in rows}
    finally:
        engine.dispose()
    assert diff == []
    if dialect == "postgresql":  # migration 0007: the large tables are vacuumed after 1%
        assert options == dict.fromkeys(AUTOVACUUMED, WANTED)


def test_the_newest_migrations_step_down_and_up_again(tmp_path: Path) -> None:
    """Downgrading the newest migrations (0009's customer on history entries, 0008's counted
    changes, 0007's table options) and upgrading again ends at the same row_counts table and
    the same triggers (count triggers and 0009's), to the letter of their definitions (and of
    their functions, on PostgreSQL)."""
    with fresh_database(tmp_path, "cbdown") as url:
        upgrade(url)
        head = _counting(url)
        command.downgrade(alembic_config(url), "0006")
        down = _counting(url)
        assert "changes" not in down[0] and down != head
        assert not any("coworker_invoice_histories_coworker" in t for t in down[1])
        command.upgrade(alembic_config(url), "head")
        assert _counting(url) == head


def _counting(url: str) -> tuple[list[str], list[str]]:
    """row_counts' columns, and the definitions of the triggers (and trigger functions)."""
    engine = sync_engine(url)
    try:
        with engine.connect() as con:
            columns = [c["name"] for c in sa.inspect(con).get_columns("row_counts")]
            sql = (
                "SELECT sql FROM sqlite_master WHERE type = 'trigger'"
                if con.dialect.name == "sqlite"
                else "SELECT pg_get_triggerdef(t.oid) || p.prosrc FROM pg_trigger t"
                " JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal"
            )
            return columns, sorted(r[0] for r in con.execute(sa.text(sql)))
    finally:
        engine.dispose()
