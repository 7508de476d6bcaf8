"""The benchmark's database: where it lives, how it is filled, and what the load scripts may hit.

Guarantees: the SQLite file lives under ``bench/.data/`` and the PostgreSQL database is
``coworkbill_bench`` (created when missing; ``--quick`` uses ``..._quick`` ones, rebuilt on
every quick run so a smoke test always sees the same tiny data set); the schema is brought up
with ``coworkbill db upgrade`` and the data set with ``coworkbill demo --invoices N`` only when
the database holds fewer than N invoices, so a large data set is loaded once and reused; the
bench administrator is created with ``coworkbill users create --admin`` only when missing;
PostgreSQL tables are vacuumed and analyzed before every run and again after its warm-up, and
B-tree indexes earlier runs' writes left loose are rebuilt (``settle``: the settled state
autovacuum and routine maintenance keep a live database in). Everything the load scripts
touch (ids, a customer name, a deep-page filter, a due-date month) is read from the database
itself, never assumed.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from coworkbill.auth.tables import users
from coworkbill.billing.tables import (
    coworker_invoice_histories,
    coworker_invoice_lines,
    coworker_invoices,
)
from coworkbill.db.migrate import sync_engine
from coworkbill.directory.tables import coworkers

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(__file__).resolve().parent / ".data"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_NAME = "coworkbill_bench"
BENCH_EMAIL = "bench@coworkbill.local"
BENCH_PASSWORD = "coworkbill-bench"
DEEP_PAGE, PAGE_SIZE = 2000, 25
PAY_MARK = "coworkbill-bench-pay"  # CustomData of the invoices made for the pay run
I, L, H, C = coworker_invoices, coworker_invoice_lines, coworker_invoice_histories, coworkers  # noqa: E741
Log = Callable[[str], None]


def database_url(db: str, quick: bool = False) -> str:
    """The kept database, or for --quick a separate one that each quick run rebuilds."""
    suffix = "_quick" if quick else ""
    if db == "sqlite":
        return f"sqlite:///{DATA_DIR / f'coworkbill-bench{suffix}.db'}"
    return f"{PG_SERVER}/{PG_NAME}{suffix}"


def coworkbill_cmd() -> list[str]:
    """The ``coworkbill`` entry point of the interpreter running the harness."""
    script = Path(sys.executable).with_name("coworkbill")
    return [str(script)] if script.exists() else [sys.executable, "-m", "coworkbill.cli"]


def cli(url: str, *args: str) -> None:
    env = {**os.environ, "COWORKBILL_DATABASE_URL": url}
    subprocess.run([*coworkbill_cmd(), *args], env=env, cwd=ROOT, check=True)


def ensure_database(url: str, fresh: bool) -> None:
    """Create the database when missing; ``fresh`` drops it first."""
    if url.startswith("sqlite"):
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path = Path(url.split(":///", 1)[1])
        for f in [path, *(path.with_name(path.name + x) for x in ("-wal", "-shm", "-writers"))]:
            if fresh:
                f.unlink(missing_ok=True)
        return
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as con:
        if fresh:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        found = con.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if found is None:
            con.execute(f'CREATE DATABASE "{name}"')


def count(url: str, table: sa.Table) -> int:
    engine = sync_engine(url)
    try:
        with engine.connect() as con:
            return int(con.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
    finally:
        engine.dispose()


def prepare(url: str, invoices: int, log: Log, fresh: bool = False) -> None:
    """Schema, data set and bench administrator, each only when missing (``fresh``: all)."""
    ensure_database(url, fresh)
    cli(url, "db", "upgrade")
    have = count(url, I)
    if have >= invoices:
        log(f"data set: {have:,} invoices already loaded (>= {invoices:,}), reused")
    else:
        log(f"data set: {have:,} invoices, loading up to {invoices:,} with `coworkbill demo`")
        cli(url, "demo", "--invoices", str(invoices))
    engine = sync_engine(url)
    try:
        with engine.connect() as con:
            found = con.execute(sa.select(users.c.id).where(users.c.email == BENCH_EMAIL)).first()
    finally:
        engine.dispose()
    if found is None:
        cli(url, "users", "create", "--admin", "--email", BENCH_EMAIL, "--password", BENCH_PASSWORD)
    settle(url, log)


# An index whose leaf pages are on average less full than this is rebuilt before a run: a
# freshly built B-tree's are ~90% full. The runs' PUTs rewrite the same few hundred drafts
# thousands of times, and as ``updated_on`` is indexed no update is HOT, so every index of
# those rows splits its pages where they sit; vacuum empties the pages but keeps them, and the
# deep page's index walk then reads ~7,000 pages instead of ~250.
MIN_LEAF_DENSITY = 60.0
REBUILT_TABLES = (I.name, L.name, H.name)


def settle(url: str, log: Log) -> None:
    """Bring a PostgreSQL data set to the state a live database is kept in: statistics
    current, every page vacuumed (so index-only scans stay index-only) and no index left
    loose by earlier runs' writes. Called before the run and again after the warm-up, whose
    writes would otherwise leave their pages to the measured reads. SQLite: nothing to do."""
    if url.startswith("sqlite"):
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        # Right after a load the planner still has empty-table statistics (autovacuum
        # analyzes only later) and picks plans that scan whole tables.
        con.execute("VACUUM (ANALYZE)")
        con.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        btrees = con.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_am a ON a.oid = c.relam JOIN pg_class t ON t.oid = i.indrelid"
            " WHERE a.amname = 'btree' AND t.relname = ANY(%s) ORDER BY 1",
            (list(REBUILT_TABLES),),
        ).fetchall()
        for (name,) in btrees:
            row = con.execute("SELECT avg_leaf_density FROM pgstatindex(%s)", (name,)).fetchone()
            if row is None or not row[0] < MIN_LEAF_DENSITY:  # NaN: no leaf pages yet
                continue
            log(f"index {name}: leaf pages {row[0]:.0f}% full, rebuilt")
            con.execute(f'REINDEX INDEX "{name}"')


@dataclass
class Sample:
    """What the load scripts use, read from the database before the run."""

    invoice_ids: list[int] = field(default_factory=list)
    history_ids: list[int] = field(default_factory=list)
    draft_ids: list[int] = field(default_factory=list)  # PUT invoice targets (never paid)
    draft_line_ids: list[int] = field(default_factory=list)  # PUT line targets
    customer_name: str = ""
    deep_filter: tuple[str, int] = ("", 0)  # (query parameter, value)
    deep_matches: int = 0
    deep_page: int = 1
    due_month: tuple[str, str] = ("", "")
    counts: dict[str, int] = field(default_factory=dict)
    db_version: str = ""


def _ids(con: sa.Connection, col: Any, k: int, *where: Any, frm: Any = None) -> list[int]:
    """Up to ``k`` random existing ids: probes random values between min and max, so a table of
    a million rows is never sorted or scanned in full."""
    source = frm if frm is not None else col.table
    stats = sa.select(sa.func.min(col), sa.func.max(col), sa.func.count()).select_from(source)
    lo, hi, n = con.execute(stats.where(*where)).one()
    if not n:
        return []
    rng = random.Random(n)
    query = sa.select(col).select_from(source).where(*where)
    if n <= 4 * k:
        ids = [int(x) for x in con.execute(query).scalars()]
        return rng.sample(ids, min(k, len(ids)))
    found: set[int] = set()
    for _ in range(20):
        probe = rng.sample(range(lo, hi + 1), min(hi - lo + 1, 4 * k))
        found.update(int(x) for x in con.execute(query.where(col.in_(probe))).scalars())
        if len(found) >= k:
            break
    return sorted(found)[:k] if len(found) <= k else rng.sample(sorted(found), k)


def _deep(con: sa.Connection, s: Sample) -> None:
    """The most selective filter that still reaches page 2000 of 25 (>= 50,000 matches); on a
    small data set the customer filter and its last page."""
    need = DEEP_PAGE * PAGE_SIZE
    candidates = []
    for col, param in ((I.c.coworker_id, "CoworkerInvoice_Coworker"),
                       (I.c.business_id, "CoworkerInvoice_Business")):  # fmt: skip
        n = sa.func.count().label("n")
        top = con.execute(sa.select(col, n).group_by(col).order_by(n.desc()).limit(1)).first()
        if top is not None:
            candidates.append((int(top[1]), param, int(top[0])))
    if not candidates:
        return
    big = [c for c in sorted(candidates) if c[0] >= need]
    matches, param, value = big[0] if big else candidates[0]
    s.deep_filter, s.deep_matches = (param, value), matches
    s.deep_page = DEEP_PAGE if matches >= need else max(1, -(-matches // PAGE_SIZE))


def _month(con: sa.Connection, s: Sample) -> None:
    """The calendar month holding the median due date (or the current one)."""
    dated = sa.select(sa.func.count()).where(I.c.due_date.is_not(None))
    n = int(con.execute(dated).scalar_one())
    when = datetime.now()
    if n:
        mid = sa.select(I.c.due_date).where(I.c.due_date.is_not(None)).order_by(I.c.due_date)
        when = con.execute(mid.offset(n // 2).limit(1)).scalar_one()
    first = when.replace(day=1, hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    after = (first + timedelta(days=32)).replace(day=1)
    last = after - timedelta(seconds=1)
    s.due_month = (f"{first:%Y-%m-%dT%H:%M:%S}Z", f"{last:%Y-%m-%dT%H:%M:%S}Z")


def sample(url: str, k: int = 1000) -> Sample:
    s = Sample()
    engine = sync_engine(url)
    editable = sa.and_(I.c.draft, sa.not_(I.c.void), sa.not_(I.c.paid))
    try:
        with engine.connect() as con:
            for name, table in (("invoices", I), ("lines", L), ("history entries", H)):
                total = con.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                s.counts[name] = int(total)
            s.invoice_ids = _ids(con, I.c.id, k)
            s.history_ids = _ids(con, H.c.id, k)
            # As many PUT targets as reads: wrk picks one at random per request, and with 100
            # of them, 16 requests in flight hold about one pair on the same invoice at any
            # time (16 * 15 / 2 / 100), and a fifth of the busy backends' samples were waits
            # for another's row lock (Lock:transactionid): the harness's own contention.
            s.draft_ids = _ids(con, I.c.id, k, editable)
            on_draft = L.join(I, I.c.id == L.c.coworker_invoice_id)
            s.draft_line_ids = _ids(con, L.c.id, k, editable, frm=on_draft)
            # The customer with the most invoices of the data set. Not counting the pay run's
            # own invoices: run after run they pile onto their template invoices' customers
            # (15,583 history entries for one after ~150,000 of them), which would make the
            # related-record list measure the harness's leftovers instead of the data set.
            n = sa.func.count().label("n")
            top = sa.select(C.c.full_name, n).join(I, I.c.coworker_id == C.c.id)
            top = top.where(I.c.custom_data.is_distinct_from(PAY_MARK))
            row = con.execute(top.group_by(C.c.full_name).order_by(n.desc()).limit(1)).first()
            s.customer_name = str(row[0]) if row else "nobody"
            _deep(con, s)
            _month(con, s)
            if url.startswith("sqlite"):
                s.db_version = f"SQLite {sqlite3.sqlite_version}"
            else:
                s.db_version = str(con.execute(sa.text("SELECT version()")).scalar_one())
    finally:
        engine.dispose()
    return s


def payable_ids(url: str) -> list[int]:
    """Finalised invoices the pay command can still pay, oldest first."""
    q = (
        sa.select(I.c.id)
        .where(
            sa.not_(I.c.draft),
            sa.not_(I.c.paid),
            sa.not_(I.c.void),
            sa.not_(I.c.credit_note),
            I.c.total_amount > 0,
        )
        .order_by(I.c.id)
    )
    engine = sync_engine(url)
    try:
        with engine.connect() as con:
            return [int(x) for x in con.execute(q).scalars()]
    finally:
        engine.dispose()
