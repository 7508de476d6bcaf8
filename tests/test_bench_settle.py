"""The benchmark settles its PostgreSQL data set before measuring (``bench.dataset.settle``):
after writes have left B-tree indexes of the invoice tables loose, it rebuilds exactly those,
so every run measures the same state. Only PostgreSQL has anything to settle; on SQLite
``settle`` returns at once, so the test exists only on the PostgreSQL run of the suite."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psycopg
from bench import dataset

from tests.support import fresh_database

DENSITY = (
    "SELECT c.relname, (pgstatindex(c.oid::regclass)).avg_leaf_density FROM pg_index i"
    " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam"
    " WHERE a.amname = 'btree' AND i.indrelid = 'coworker_invoices'::regclass"
)

if os.environ.get("COWORKBILL_TEST_DATABASE_URL"):

    def test_settle_rebuilds_the_indexes_writes_left_loose(tmp_path: Path) -> None:
        with fresh_database(tmp_path, "cbsettle") as url:
            dataset.prepare(url, 3000, lambda _: None)
            with psycopg.connect(url, autocommit=True) as con:
                for _ in range(3):  # none is HOT: every index gets a new entry per row
                    con.execute("UPDATE coworker_invoices SET updated_on = updated_on")
                con.execute("VACUUM coworker_invoices")
                loose = {n for n, d in con.execute(DENSITY) if d < dataset.MIN_LEAF_DENSITY}
            assert "pk_coworker_invoices" in loose  # the writes did loosen them
            told: list[str] = []
            dataset.settle(url, told.append)
            with psycopg.connect(url) as con:
                after: dict[str, Any] = dict(con.execute(DENSITY).fetchall())
        rebuilt = {line.split()[1].rstrip(":") for line in told}
        assert rebuilt & set(after) == loose  # of the invoice indexes, exactly the loose ones
        assert all(after[n] >= dataset.MIN_LEAF_DENSITY for n in loose), after
