"""Loads the bulk data set: the locations of ``bulk.data``, then generated chunks of invoices
written by ``bulk.writers`` (binary COPY on PostgreSQL, ``executemany`` on SQLite), so memory
stays flat whatever N is.

Guarantees:
- Idempotent top-up: the bulk locations are found by name (created on first use) and every
  invoice they hold is counted; only the missing ones are made, so a second run with the same N
  adds nothing and a larger N adds the difference.
- Whatever is committed continues each business's numbering (``next_invoice_number``) and, on
  PostgreSQL, each id sequence, so the API goes on without a collision. PostgreSQL commits the
  whole load at once (nothing on failure); SQLite commits chunk by chunk.
- Values go in as the column types store them: on SQLite through each column's own bind
  processor (money as scaled integers, instants as naive UTC text); on PostgreSQL as NUMERIC
  and timestamptz.
- Ids are allocated from max(id) + 1: run it while nothing else writes these tables.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa

from coworkbill import timeutil
from coworkbill.billing.tables import coworker_invoices
from coworkbill.bulk.data import LOCATIONS, Location
from coworkbill.bulk.generate import COLUMNS, Biz, Generator, price_list
from coworkbill.bulk.writers import PgWriter, SqliteWriter, Writer
from coworkbill.db.metadata import new_row
from coworkbill.db.migrate import sync_engine
from coworkbill.directory.tables import businesses, countries, currencies

SEED = 20240917
YEARS = 3
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
B, I = businesses.c, coworker_invoices.c  # noqa: E741


def load(
    url: str,
    wanted: int,
    *,
    chunk_size: int = 5_000,
    progress: bool = False,
    seed: int = SEED,
    now: datetime | None = None,
) -> int:
    """Make the bulk locations hold at least ``wanted`` invoices; returns how many were added."""
    now = now or timeutil.now_utc()
    engine = sync_engine(url)
    try:
        with engine.begin() as conn:
            bizs = [location(conn, loc, now) for loc in LOCATIONS]
            ids = [b.id for b in bizs]
            have = conn.scalar(sa.select(sa.func.count()).where(I.business_id.in_(ids))) or 0
            missing = wanted - int(have)
            if missing <= 0:
                return 0
            held = conn.scalar(sa.select(sa.func.count()).select_from(coworker_invoices)) or 0
            next_ids = {
                t: (conn.scalar(sa.text(f"SELECT max(id) FROM {t}")) or 0) + 1 for t in COLUMNS
            }
            for biz in bizs:
                biz.taken = _taken(conn, biz)
        start = now - timedelta(days=365 * YEARS)
        gen = Generator(bizs, next_ids, start, now, missing, seed + int(have))
        raw = engine.raw_connection()
        try:
            writer: Writer
            if engine.dialect.name == "postgresql":
                # Rebuilding every index once beats updating them row by row only when the load
                # is at least as large as what is already there.
                writer = PgWriter(raw, set_aside=missing >= int(held))
            else:
                writer = SqliteWriter(raw, engine.dialect)
            with _bar(missing, progress) as advance:
                for chunk in gen.chunks(chunk_size):
                    writer.write(chunk, bizs)
                    advance(chunk.invoices)
            if progress:
                click.echo("building indexes and statistics ...", err=True)
            writer.finish()
        finally:
            raw.close()
    finally:
        engine.dispose()
    return missing


def location(conn: sa.Connection, loc: Location, now: datetime) -> Biz:
    """The location's business (created on first use) as the generator needs it."""
    biz_id = conn.scalar(sa.select(B.id).where(B.name == loc.name))
    if biz_id is None:
        biz_id = _create(conn, loc, now - timedelta(days=365 * YEARS + 60))
    row = conn.execute(
        sa.select(
            B.currency_id, B.country_id, currencies.c.code, currencies.c.decimal_places,
            B.exchange_rate, B.transaction_currency_id, B.invoice_number_prefix,
            B.invoice_number_padding, B.next_invoice_number,
        )
        .join(currencies, currencies.c.id == B.currency_id)
        .where(B.id == biz_id)
    ).one()  # fmt: skip
    biz = Biz(
        loc, int(biz_id), int(row[0]), int(row[1]), row[2], int(row[3]), row[4], row[5],
        row[6] or "", int(row[7]), int(row[8]), set(), price_list(loc, int(row[3])),
        staff=f"billing@{loc.domain}",
    )  # fmt: skip
    biz.month_starts, biz.month_labels = _months(loc.zone, now)
    return biz


def _taken(conn: sa.Connection, biz: Biz) -> set[str]:
    """Numbers of the business's sequence at or past its counter, already used (typed by hand
    through the API): the generator skips them, as ``numbering.next_number`` does."""
    prefix, taken = biz.prefix, set()
    numbers = sa.select(I.invoice_number).where(
        I.business_id == biz.id, sa.func.substr(I.invoice_number, 1, len(prefix)) == prefix
    )
    for (number,) in conn.execute(numbers):
        digits = number[len(prefix) :]
        if digits.isdigit() and int(digits) >= biz.next_number:
            taken.add(number)
    return taken


def _create(conn: sa.Connection, loc: Location, opened: datetime) -> int:
    def ref(table: sa.Table, col: str, code: str) -> int:
        found = conn.scalar(sa.select(table.c.id).where(table.c[col] == code))
        if found is None:
            raise LookupError(f"{table.name} {code} is missing: run `coworkbill db upgrade`")
        return int(found)

    rate, tx_currency = loc.exchange or (None, None)
    values = {
        "name": loc.name,
        "country_id": ref(countries, "two_digits_code", loc.country),
        "currency_id": ref(currencies, "code", loc.currency),
        "simple_time_zone_id": loc.zone,
        "email": f"hello@{loc.domain}",
        "address": loc.address,
        "tax_id_number": loc.tax_id,
        "exchange_rate": rate,
        "transaction_currency_id": ref(currencies, "code", tx_currency) if tx_currency else None,
        "invoice_number_prefix": loc.prefix,
        "invoice_number_padding": loc.padding,
    }
    row = new_row(values, f"billing@{loc.domain}", opened)
    return int(conn.execute(sa.insert(businesses).values(row).returning(B.id)).scalar_one())


def _months(zone: str, now: datetime) -> tuple[list[datetime], list[str]]:
    """Starts (in UTC) and names of the local calendar months around [now - YEARS, now]."""
    tz = ZoneInfo(zone)
    first = (now - timedelta(days=365 * YEARS + 62)).astimezone(tz)
    index = first.year * 12 + first.month - 1
    starts: list[datetime] = []
    labels: list[str] = []
    while not starts or starts[-1] <= now + timedelta(days=62):
        year, month = divmod(index, 12)
        starts.append(datetime(year, month + 1, 1, tzinfo=tz).astimezone(UTC))
        labels.append(f"{MONTHS[month]} {year}")
        index += 1
    return starts, labels


@contextmanager
def _bar(length: int, shown: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr with the rate in invoices/s (nothing when not ``shown``)."""
    if not shown:
        yield lambda _n: None
        return
    began, done = time.monotonic(), 0
    with click.progressbar(
        length=length,
        label="invoices",
        file=sys.stderr,
        show_pos=True,
        item_show_func=lambda text: text,
    ) as bar:

        def advance(n: int) -> None:
            nonlocal done
            done += n
            rate = done / max(time.monotonic() - began, 1e-9)
            bar.update(n, f"{rate:,.0f} invoices/s")

        yield advance
