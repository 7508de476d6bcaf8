"""Every filter the declarations mark ``indexed=True`` on the large tables (invoices, lines,
history) is served by an index: on tables seeded large enough for the planner to care, neither
the count nor the page statement of such a search scans one of those tables sequentially.

PostgreSQL is the scale target (all indexed filters, trigram "contains" included); on SQLite the
same check runs for every indexed filter except "contains", which SQLite cannot index.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from coworkbill.app import build_registry
from coworkbill.db.database import make_database
from coworkbill.db.migrate import sync_engine, upgrade
from coworkbill.engine.context import SYSTEM, Ctx
from coworkbill.engine.fields import Field, Kind, Match
from coworkbill.engine.filters import parse_list_query
from coworkbill.engine.query import get_many, get_one
from coworkbill.engine.resource import Resource
from coworkbill.engine.search import SMALL_RESULT, Search, list_page
from coworkbill.timeutil import now_utc
from tests.support import fresh_database

BIG = {"coworker_invoices", "coworker_invoice_lines", "coworker_invoice_histories"}
INVOICES, LINES, HISTORIES, CUSTOMERS = 60_000, 180_000, 180_000, 3_000
REGISTRY = build_registry()
LARGE = [r for r in REGISTRY.values() if r.large]
ON_SQLITE = not os.environ.get("COWORKBILL_TEST_DATABASE_URL")


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(tmp_path_factory.mktemp("plans"), "cbplans") as url:
        upgrade(url)
        seed(url)
        yield url


def seed(url: str) -> None:
    """Bulk rows through plain SQL (a recursive counter), then fresh planner statistics."""
    engine = sync_engine(url)
    pg = engine.dialect.name == "postgresql"

    def ts(i: str) -> str:  # an instant i minutes after 2023-01-01
        if pg:
            return f"(timestamptz '2023-01-01 00:00:00+00' + ({i}) * interval '1 minute')"
        return f"strftime('%Y-%m-%d %H:%M:%f000', '2023-01-01', '+' || ({i}) || ' minutes')"

    def money(expr: str) -> str:
        return expr if pg else f"({expr}) * 10000"

    def flag(cond: str) -> str:
        return f"({cond})" if pg else f"(CASE WHEN {cond} THEN 1 ELSE 0 END)"

    def counted(n: int, insert: str) -> str:
        return (
            f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) "
            + insert
        )

    base = "'{t}-' || i, {ts}, {ts}, 'seed'"
    with engine.begin() as con:
        country = con.execute(sa.text("SELECT min(id) FROM countries")).scalar()
        currency = con.execute(sa.text("SELECT id FROM currencies WHERE code='EUR'")).scalar()
        for b in range(1, 5):
            con.execute(sa.text(
                "INSERT INTO businesses (unique_id, created_on, updated_on, name, country_id,"
                " currency_id, simple_time_zone_id, invoice_number_prefix,"
                " invoice_number_padding, next_invoice_number) VALUES"
                f" ('biz-{b}', {ts('0')}, {ts('0')}, 'Business {b}', {country}, {currency},"
                " 'Europe/Madrid', '', 5, 1)"
            ))  # fmt: skip
        con.execute(sa.text(counted(CUSTOMERS,
            "INSERT INTO coworkers (unique_id, created_on, updated_on, updated_by, full_name,"
            " email, country_id, simple_time_zone_id, invoicing_business_id) SELECT "
            + base.format(t="cw", ts=ts("i"))
            + ", 'Customer ' || i || ' Q' || (i * 7919 % 10007), 'c' || i || '@example.com',"
            f" {country}, 'Europe/Madrid', 1 + i % 4 FROM n"
        )))  # fmt: skip
        con.execute(sa.text(counted(INVOICES,
            "INSERT INTO coworker_invoices (unique_id, created_on, updated_on, updated_by,"
            " coworker_id, business_id, invoice_number, bill_to_name, bill_to_country_id,"
            " currency_id, draft, void, paid, credit_note, due_date, paid_on, total_amount)"
            " SELECT " + base.format(t="inv", ts=ts("i"))
            + f", 1 + i % {CUSTOMERS}, 1 + i % 4, 'N' || i,"
            " 'Bill ' || i || ' Z' || (i * 31 % 9973),"
            f" {country}, {currency}, {flag('i % 33 = 0')}, {flag('i % 50 = 0')},"
            f" {flag('i % 10 <> 0')}, {flag('i % 45 = 0')}, {ts('i + 43200')},"
            f" CASE WHEN i % 10 <> 0 THEN {ts('i + 1440')} END, {money('i % 1000')} FROM n"
        )))  # fmt: skip
        for table, t, n in (("coworker_invoice_lines", "ln", LINES),
                            ("coworker_invoice_histories", "h", HISTORIES)):  # fmt: skip
            extra = (
                ("description, quantity, sub_total", f"'Line ' || i, 1, {money('i % 100')}")
                if t == "ln"
                else ("name, description", "'Entry ' || (i % 7), 'Detail ' || i")
            )
            con.execute(sa.text(counted(n,
                f"INSERT INTO {table} (unique_id, created_on, updated_on, updated_by,"
                f" coworker_invoice_id, {extra[0]}) SELECT " + base.format(t=t, ts=ts("i"))
                + f", 1 + i % {INVOICES}, {extra[1]} FROM n"
            )))  # fmt: skip
    with engine.connect() as con:
        con.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE" if pg else "ANALYZE"
        )
    engine.dispose()


def scans(plan: Any, aliases: dict[str, str], whole_index: bool = False) -> list[str]:
    """Big tables read by a sequential scan in ``plan`` (PostgreSQL JSON or SQLite rows); with
    ``whole_index``, on SQLite also a walk of a whole index (a count that walks every entry
    of a big table's index has not used it to find its matches)."""
    found: list[str] = []
    if isinstance(plan, list) and plan and isinstance(plan[0], str):  # SQLite
        for line in plan:
            words = line.split()
            if words[:1] == ["SCAN"] and (whole_index or "USING" not in words):
                table = aliases.get(words[1], words[1])
                if table in BIG:
                    found.append(line)
        return found

    def walk(node: dict[str, Any]) -> None:
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG:
            found.append(f"Seq Scan on {node['Relation Name']}")
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


def probe_values(record: dict[str, Any], f: Field) -> list[str]:
    """Selective values for an indexed filter, taken from a real record (for a flag: both
    values; the test keeps the rarer, the one an index is for)."""
    value = record[f.name]
    if f.kind is Kind.DATETIME:
        return [value[:10]]
    if f.kind is Kind.BOOL:
        return ["true", "false"]
    if f.kind is Kind.STR and f.match is Match.CONTAINS:
        return [value[len(value) // 2 - 3 : len(value) // 2 + 3]]
    return [str(value)]


async def _no_zones() -> list[str | None]:
    return [None]


def _params(res: Resource, f: Field, text: str, mode: str) -> dict[str, tuple[str, str]]:
    name = f"{res.name}_{f.filters[0]}"
    if mode == "eq":
        return {name.lower(): (name, text)}
    return {
        f"from_{name}".lower(): (f"from_{name}", text),
        f"to_{name}".lower(): (f"to_{name}", text),
    }


def cases() -> list[tuple[str, str]]:
    out = []
    for res in LARGE:
        for f in res.fields:
            contains = f.kind is Kind.STR and f.match is Match.CONTAINS
            if f.indexed and f.filters and f.name != "Id" and not (ON_SQLITE and contains):
                out.append((res.name, f.name))
    return out


@pytest.mark.parametrize(("entity", "field"), cases())
def test_indexed_filter_never_scans_a_large_table(url: str, entity: str, field: str) -> None:
    res = REGISTRY[entity]
    f = res.by_name[field]
    aliases = {j.alias.name: j.alias.original.name for j in res.joins}

    async def check() -> tuple[list[str], int]:
        db = make_database(url, 1, 2)
        await db.connect()
        try:
            record = await get_one(Ctx(db, REGISTRY, SYSTEM, now_utc()), res, 4321)
            probes = []
            for text in probe_values(record, f):
                for mode in ["eq", "range"] if f.ranged else ["eq"]:
                    q = await parse_list_query(res, _params(res, f, text, mode), _no_zones)
                    search = Search(SYSTEM, res, q)
                    total = int(await db.fetchval(search.count()))
                    probes.append((total, search))
            if f.kind is Kind.BOOL:
                probes = [min(probes, key=lambda p: p[0])]
            problems = []
            for total, search in probes:
                # the statements the app runs for a result of this size
                if total <= SMALL_RESULT:
                    problems += scans(await db.explain(search.small()), aliases)
                else:
                    problems += scans(await db.explain(search.count()), aliases, whole_index=True)
                    problems += scans(await db.explain(search.page()), aliases)
            return problems, min(p[0] for p in probes)
        finally:
            await db.close()

    problems, matched = asyncio.run(check())
    assert matched > 0, "the probe must match something, or the plan proves nothing"
    assert problems == []


def test_the_default_order_pages_by_index(url: str) -> None:
    async def check() -> list[str]:
        db = make_database(url, 1, 2)
        await db.connect()
        try:
            problems = []
            for res in LARGE:
                q = await parse_list_query(res, {}, _no_zones)
                page = Search(SYSTEM, res, q).page()
                aliases = {j.alias.name: j.alias.original.name for j in res.joins}
                problems += [f"{res.name}: {p}" for p in scans(await db.explain(page), aliases)]
            return problems
        finally:
            await db.close()

    assert asyncio.run(check()) == []


def test_the_readme_lists_every_indexed_filter() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    missing = [
        f"{r.name}_{f.filters[0]}"
        for r in LARGE
        for f in r.fields
        if f.indexed and f.filters and f"{r.name}_{f.filters[0]}" not in readme
    ]
    assert missing == []


async def _plan_counts(db: Any, marker: str) -> list[tuple[int, int]]:
    """(generic, custom) plan counts of the connection's prepared statements holding
    ``marker`` (the database lends its one connection to every statement here)."""
    sql = sa.text(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
        " WHERE strpos(statement, :marker) > 0"
    )
    return [(int(r[0]), int(r[1])) for r in await db.fetch(sql, {"marker": marker})]


RUNS = 9  # PostgreSQL tries custom plans for a statement's first five executions


@pytest.mark.skipif(ON_SQLITE, reason="PostgreSQL's plan cache; SQLite has no generic plans")
def test_contains_searches_and_reads_by_ids_are_planned_once(url: str) -> None:
    """A statement whose plan can see its values (a "contains" pattern, an array of ids) is
    planned again on every execution when the plan for those values looks cheaper than the
    generic one, as both did here; planning cost more than running them. Their values are
    read through one-row sub-selects (``engine/filters.py``, ``db.statements.among``), so
    after the five trial runs every execution reuses the generic plan."""
    res = REGISTRY["CoworkerInvoiceHistory"]
    invoices = REGISTRY["CoworkerInvoice"]
    key = "CoworkerInvoiceHistory_CoworkerInvoice_Coworker_FullName"

    async def check() -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        db = make_database(url, 1, 1)
        await db.connect()
        try:
            ctx = Ctx(db, REGISTRY, SYSTEM, now_utc())
            for n in range(RUNS):  # another value each time: the plan must not depend on it
                name = f"Customer {1000 + n} Q"
                q = await parse_list_query(res, {key.lower(): (key, name)}, _no_zones)
                page = await list_page(ctx, res, q)
                assert page["TotalItems"] > 0
                ids = [4000 + 7 * n, 4001 + 7 * n]
                assert len(await get_many(ctx, invoices, ids)) == 2
            return await _plan_counts(db, "ILIKE"), await _plan_counts(db, "= ANY (")
        finally:
            await db.close()

    for counts in asyncio.run(check()):
        assert counts, "no such prepared statement ran"
        assert all(custom <= 5 for _, custom in counts), counts
        assert any(generic >= RUNS - 5 for generic, _ in counts), counts
