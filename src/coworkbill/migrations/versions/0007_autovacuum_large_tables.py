"""Vacuum the large tables after 1% of their rows changed, not PostgreSQL's default 20%.

Index-only scans (a deep page's walk, the counts, a related-record filter's parent indexes)
skip the table only for pages the visibility map marks all-visible, and only VACUUM sets those
marks. At the default scale factor a million-invoice table is vacuumed after 200,000 changed
rows: after a benchmark's 27,000 payments and PUTs the deep page (page 2,000 of one business)
made 25,000 heap fetches and took 31 ms instead of 4 ms. Vacuuming that table again took 2 s
(it skips pages still all-visible), so vacuuming it often is cheap. Inserts count too
(``autovacuum_vacuum_insert_scale_factor``, PostgreSQL 13+), so new rows are marked as well.
SQLite has no such setting: nothing to do there.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = (
    "coworker_invoices",
    "coworker_invoice_lines",
    "coworker_invoice_histories",
    "coworker_ledger_entries",
)
SETTINGS = {
    "autovacuum_vacuum_scale_factor": "0.01",
    "autovacuum_vacuum_insert_scale_factor": "0.01",
    "autovacuum_analyze_scale_factor": "0.02",
}


def _settings() -> dict[str, str]:
    version = int(op.get_bind().exec_driver_sql("SHOW server_version_num").scalar_one())
    if version < 130000:  # no insert-driven autovacuum before PostgreSQL 13
        return {k: v for k, v in SETTINGS.items() if "insert" not in k}
    return SETTINGS


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    options = ", ".join(f"{k} = {v}" for k, v in _settings().items())
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} SET ({options})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    names = ", ".join(_settings())
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} RESET ({names})")
