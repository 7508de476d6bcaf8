"""History entries carry their invoice's customer, so a filter by customer skips the invoices.

A search of history by customer (its id, or "contains" on the name) used to walk customer ->
invoices -> entries: one index probe into history per invoice (346 for a common name). With
``coworker_invoice_histories.coworker_id`` and an index (coworker_id, created_on, id) it is one
index range per customer, read in the default order (CreatedOn).

The column is never written by the application: triggers keep it equal to its invoice's
``coworker_id`` on both databases, whoever writes (the API, the bulk loader, SQL by hand):
- an entry inserted without it takes its invoice's (the bulk loader writes it itself, so a
  million-invoice load pays no lookup per row);
- an entry moved to another invoice, or given another customer by hand, takes its invoice's
  again;
- an invoice given another customer passes it to its entries.
There is no foreign key: the invoice's own guards the value, and a second one would cost each
insert a probe.

Upgrading fills the column for existing entries with one UPDATE: on PostgreSQL that rewrites
every history row (minutes for millions, and a table for autovacuum to clean after).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

H, I = "coworker_invoice_histories", "coworker_invoices"  # noqa: E741
INDEX = "ix_coworker_invoice_histories_coworker"
ENTRY = "coworker_invoice_histories_coworker"  # function / trigger prefix on entries
MOVE = "coworker_invoices_history_coworker"  # function / trigger on invoices
OWN = f"(SELECT coworker_id FROM {I} WHERE id = NEW.coworker_invoice_id)"

PG = [
    f"""CREATE FUNCTION {ENTRY}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.coworker_id := {OWN};
  RETURN NEW;
END $$""",
    f"CREATE TRIGGER {ENTRY}_insert BEFORE INSERT ON {H} FOR EACH ROW "
    f"WHEN (NEW.coworker_id IS NULL) EXECUTE FUNCTION {ENTRY}()",
    f"CREATE TRIGGER {ENTRY}_update BEFORE UPDATE OF coworker_invoice_id, coworker_id ON {H} "
    "FOR EACH ROW WHEN (NEW.coworker_invoice_id IS DISTINCT FROM OLD.coworker_invoice_id "
    f"OR NEW.coworker_id IS DISTINCT FROM OLD.coworker_id) EXECUTE FUNCTION {ENTRY}()",
    f"""CREATE FUNCTION {MOVE}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE {H} SET coworker_id = NEW.coworker_id WHERE coworker_invoice_id = NEW.id;
  RETURN NULL;
END $$""",
    f"CREATE TRIGGER {MOVE} AFTER UPDATE OF coworker_id ON {I} FOR EACH ROW "
    f"WHEN (OLD.coworker_id IS DISTINCT FROM NEW.coworker_id) EXECUTE FUNCTION {MOVE}()",
]
# SQLite's triggers cannot change NEW: they correct the row after it is written.
_CORRECT = f"BEGIN UPDATE {H} SET coworker_id = {OWN} WHERE id = NEW.id; END"
SQLITE = [
    f"CREATE TRIGGER {ENTRY}_insert AFTER INSERT ON {H} WHEN NEW.coworker_id IS NULL {_CORRECT}",
    f"CREATE TRIGGER {ENTRY}_update AFTER UPDATE OF coworker_invoice_id, coworker_id ON {H} "
    f"WHEN NEW.coworker_id IS NOT {OWN} {_CORRECT}",
    f"CREATE TRIGGER {MOVE} AFTER UPDATE OF coworker_id ON {I} "
    f"WHEN NEW.coworker_id IS NOT OLD.coworker_id "
    f"BEGIN UPDATE {H} SET coworker_id = NEW.coworker_id WHERE coworker_invoice_id = NEW.id; END",
]


def upgrade() -> None:
    op.add_column(H, sa.Column("coworker_id", sa.Integer, nullable=True))
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(
            f"UPDATE {H} h SET coworker_id = i.coworker_id FROM {I} i "
            "WHERE i.id = h.coworker_invoice_id"
        )
    else:
        op.execute(
            f"UPDATE {H} SET coworker_id = "
            f"(SELECT coworker_id FROM {I} WHERE id = {H}.coworker_invoice_id)"
        )
    op.create_index(INDEX, H, ["coworker_id", "created_on", "id"])
    for sql in PG if postgres else SQLITE:
        op.execute(sql)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {MOVE} ON {I}")
        op.execute(f"DROP FUNCTION {MOVE}()")
        for kind in ("insert", "update"):
            op.execute(f"DROP TRIGGER {ENTRY}_{kind} ON {H}")
        op.execute(f"DROP FUNCTION {ENTRY}()")
    else:
        op.execute(f"DROP TRIGGER {MOVE}")
        for kind in ("insert", "update"):
            op.execute(f"DROP TRIGGER {ENTRY}_{kind}")
    op.drop_index(INDEX, H)
    op.execute(f"ALTER TABLE {H} DROP COLUMN coworker_id")  # plain SQL: no batch on SQLite
