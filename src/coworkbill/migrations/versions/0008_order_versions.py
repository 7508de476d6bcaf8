"""Count *changes* beside the counts, so deep pages can start from remembered positions.

``row_counts`` gains ``changes``: every delta row the triggers write also says how many rows
changed (its ``n`` can be 0, or cancel another's: inserting and deleting an invoice sums to 0
but to 2 changes). The changes of one counted value only ever grow, and a fold keeps their sum,
so two reads that see the same sum see the same rows in the same order
(``engine/checkpoints.py``). Changing an invoice's number changes its place in the default
order, so that is counted too (a row trigger on ``invoice_number``, n = 0).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLE, COLUMN, ORDER = "coworker_invoices", "business_id", "invoice_number"
FUNCTION = "row_counts_coworker_invoices_business_id"
ORDER_FUNCTION = "row_counts_coworker_invoices_order"
NAME = f"row_counts_{TABLE}_{COLUMN}"
ORDER_TRIGGER = f"row_counts_{TABLE}_{ORDER}"
INSERT = "INSERT INTO row_counts (table_name, column_name, value, n, changes)"


def _into(with_changes: bool) -> str:
    """The INSERT head every delta row uses, before (0007) or after (0008) ``changes``."""
    return INSERT if with_changes else INSERT.replace(", changes", "")


def _pg_function(with_changes: bool) -> str:
    into = _into(with_changes)

    def delta(rows: str, sign: str) -> str:
        extra = ", count(*)" if with_changes else ""
        return (
            f"{into} SELECT '{TABLE}', '{COLUMN}', {COLUMN}, "
            f"{sign}count(*){extra} FROM {rows} GROUP BY {COLUMN};"
        )

    one = ", 1" if with_changes else ""
    return f"""CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {delta("new_rows", "")}
  ELSIF TG_OP = 'DELETE' THEN
    {delta("old_rows", "-")}
  ELSE
    {into} VALUES
      ('{TABLE}', '{COLUMN}', OLD.{COLUMN}, -1{one}), ('{TABLE}', '{COLUMN}', NEW.{COLUMN}, 1{one});
  END IF;
  RETURN NULL;
END $$"""


def _sqlite_triggers(with_changes: bool) -> list[str]:
    into, one = _into(with_changes), ", 1" if with_changes else ""

    def delta(row: str, sign: str) -> str:
        return f"{into} VALUES ('{TABLE}', '{COLUMN}', {row}.{COLUMN}, {sign}1{one});"

    return [
        f"CREATE TRIGGER {NAME}_insert AFTER INSERT ON {TABLE} BEGIN {delta('NEW', '')} END",
        f"CREATE TRIGGER {NAME}_delete AFTER DELETE ON {TABLE} BEGIN {delta('OLD', '-')} END",
        f"CREATE TRIGGER {NAME}_update AFTER UPDATE OF {COLUMN} ON {TABLE} "
        f"WHEN OLD.{COLUMN} IS NOT NEW.{COLUMN} "
        f"BEGIN {delta('OLD', '-')} {delta('NEW', '')} END",
    ]


def upgrade() -> None:
    op.add_column(
        "row_counts", sa.Column("changes", sa.BigInteger, nullable=False, server_default="0")
    )
    order_delta = f"{INSERT} VALUES ('{TABLE}', '{COLUMN}', NEW.{COLUMN}, 0, 1);"
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_pg_function(with_changes=True))
        op.execute(
            f"""CREATE FUNCTION {ORDER_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {order_delta}
  RETURN NULL;
END $$"""
        )
        op.execute(
            f"CREATE TRIGGER {ORDER_TRIGGER} AFTER UPDATE OF {ORDER} ON {TABLE} FOR EACH ROW "
            f"WHEN (OLD.{ORDER} IS DISTINCT FROM NEW.{ORDER}) EXECUTE FUNCTION {ORDER_FUNCTION}()"
        )
        return
    for kind in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER {NAME}_{kind}")
    for sql in _sqlite_triggers(with_changes=True):
        op.execute(sql)
    op.execute(
        f"CREATE TRIGGER {ORDER_TRIGGER} AFTER UPDATE OF {ORDER} ON {TABLE} "
        f"WHEN OLD.{ORDER} IS NOT NEW.{ORDER} BEGIN {order_delta} END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {ORDER_TRIGGER} ON {TABLE}")
        op.execute(f"DROP FUNCTION {ORDER_FUNCTION}()")
        op.execute(_pg_function(with_changes=False))
        op.drop_column("row_counts", "changes")
        return
    # SQLite: the triggers name row_counts, so they go before the column does (a batch
    # rebuild of the table would fail renaming it under them) and come back after.
    op.execute(f"DROP TRIGGER {ORDER_TRIGGER}")
    for kind in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER {NAME}_{kind}")
    op.execute("ALTER TABLE row_counts DROP COLUMN changes")
    for sql in _sqlite_triggers(with_changes=False):
        op.execute(sql)
