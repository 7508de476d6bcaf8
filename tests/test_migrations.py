"""The migrations build exactly the schema the code declares, on the session's database."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from coworkbill.db.migrate import sync_engine
from coworkbill.db.tables import metadata

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
