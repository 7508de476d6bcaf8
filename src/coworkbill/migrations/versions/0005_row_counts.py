"""Exact per-business invoice counts, kept by triggers (see coworkbill/db/counts.py).

PostgreSQL counts inserts and deletes per statement (a bulk COPY of a million invoices adds one
delta row per business and chunk, not a million); both databases count a change of business
per row, and only when the business actually changes.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLE, COLUMN = "coworker_invoices", "business_id"
FUNCTION = "row_counts_coworker_invoices_business_id"
TRIGGERS = ("insert", "delete", "update")


def _pg_delta(rows: str, sign: str) -> str:
    return (
        "INSERT INTO row_counts (table_name, column_name, value, n) "
        f"SELECT '{TABLE}', '{COLUMN}', {COLUMN}, {sign}count(*) FROM {rows} GROUP BY {COLUMN};"
    )


def _sqlite_delta(row: str, sign: str) -> str:
    return (
        "INSERT INTO row_counts (table_name, column_name, value, n) "
        f"VALUES ('{TABLE}', '{COLUMN}', {row}.{COLUMN}, {sign}1);"
    )


def upgrade() -> None:
    op.create_table(
        "row_counts",
        sa.Column("table_name", sa.String(64), nullable=False),
        sa.Column("column_name", sa.String(64), nullable=False),
        sa.Column("value", sa.Integer, nullable=False),
        sa.Column("n", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_row_counts_key", "row_counts", ["table_name", "column_name", "value"])
    op.execute(
        "INSERT INTO row_counts (table_name, column_name, value, n) "
        f"SELECT '{TABLE}', '{COLUMN}', {COLUMN}, count(*) FROM {TABLE} GROUP BY {COLUMN}"
    )
    name = f"row_counts_{TABLE}_{COLUMN}"
    changed = f"OLD.{COLUMN} IS DISTINCT FROM NEW.{COLUMN}"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {_pg_delta("new_rows", "")}
  ELSIF TG_OP = 'DELETE' THEN
    {_pg_delta("old_rows", "-")}
  ELSE
    INSERT INTO row_counts (table_name, column_name, value, n) VALUES
      ('{TABLE}', '{COLUMN}', OLD.{COLUMN}, -1), ('{TABLE}', '{COLUMN}', NEW.{COLUMN}, 1);
  END IF;
  RETURN NULL;
END $$"""
        )
        run = f"EXECUTE FUNCTION {FUNCTION}()"
        op.execute(
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON {TABLE} "
            f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT {run}"
        )
        op.execute(
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON {TABLE} "
            f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT {run}"
        )
        op.execute(
            f"CREATE TRIGGER {name}_update AFTER UPDATE OF {COLUMN} ON {TABLE} "
            f"FOR EACH ROW WHEN ({changed}) {run}"
        )
    else:
        op.execute(
            f"CREATE TRIGGER {name}_insert AFTER INSERT ON {TABLE} "
            f"BEGIN {_sqlite_delta('NEW', '')} END"
        )
        op.execute(
            f"CREATE TRIGGER {name}_delete AFTER DELETE ON {TABLE} "
            f"BEGIN {_sqlite_delta('OLD', '-')} END"
        )
        op.execute(
            f"CREATE TRIGGER {name}_update AFTER UPDATE OF {COLUMN} ON {TABLE} "
            f"WHEN {changed.replace('IS DISTINCT FROM', 'IS NOT')} "
            f"BEGIN {_sqlite_delta('OLD', '-')} {_sqlite_delta('NEW', '')} END"
        )


def downgrade() -> None:
    name = f"row_counts_{TABLE}_{COLUMN}"
    for kind in TRIGGERS:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{kind} ON {TABLE}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}_{kind}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    op.drop_index("ix_row_counts_key", "row_counts")
    op.drop_table("row_counts")
