"""The scale data set (``coworkbill demo --invoices N``), loaded in bulk into a fresh database of
this module's own and read back through the HTTP API: totals that are the server's own, gapless
numbers per business, payments and credit notes consistent with the ledger, 1-10 history
entries per invoice, idempotent top-ups, and the API carrying on every sequence afterwards."""

from __future__ import annotations

import os
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from coworkbill import bulk, jsonio
from coworkbill.billing import totals
from coworkbill.bulk import flows, loader, pgschema
from coworkbill.bulk.data import LOCATIONS
from coworkbill.bulk.generate import COLUMNS, Biz, Chunk, Generator, price_list
from coworkbill.bulk.loader import _months
from coworkbill.db.migrate import sync_engine
from coworkbill.demo import ADMIN_EMAIL, ADMIN_PASSWORD, database_url
from tests.support import Api, basic, exact, fresh_app, run_seed

PG_URL = os.environ.get("COWORKBILL_TEST_DATABASE_URL", "")
N = 300
INV, LINES = "/api/billing/coworkerinvoices", "/api/billing/coworkerinvoicelines"
HIST, LEDGER = "/api/billing/coworkerinvoicehistories", "/api/billing/coworkerledgerentries"
NAMES = {loc.name for loc in LOCATIONS}
HISTORY_NAMES = {
    "Invoice created", "Line added", "Invoice finalised", "Invoice sent", "Payment failed",
    "Payment received", "Invoice paid", "Payment reminder sent", "Invoice voided",
    "Credit note issued",
}  # fmt: skip


@pytest.fixture(scope="module")
def bulk_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with fresh_app(tmp_path_factory.mktemp("bulk"), "cbbulk") as c:
        yield c


@pytest.fixture(scope="module")
def api(bulk_client: TestClient) -> Api:
    report = run_seed(bulk_client, N)
    assert report[2] == f"extra invoices: {N} added ({N} wanted in total)", report
    assert report[-1] == f"admin login: {ADMIN_EMAIL} / {ADMIN_PASSWORD}"
    return Api(bulk_client, basic(ADMIN_EMAIL, ADMIN_PASSWORD), None)


def every(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        got = exact(api.get(path, {"size": 1000, "page": page, **params}))
        out += got["Records"]
        if not got["HasNextPage"]:
            return out
        page += 1


def dec(value: Any) -> Decimal:
    return Decimal(str(value))


def bulk_businesses(api: Api) -> list[dict[str, Any]]:
    return [b for b in every(api, "/api/sys/businesses") if b["Name"] in NAMES]


def bulk_invoices(api: Api) -> list[dict[str, Any]]:
    ids = {b["Id"] for b in bulk_businesses(api)}
    return [i for i in every(api, INV) if i["BusinessId"] in ids]


def by_invoice(records: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        out[rec["CoworkerInvoiceId"]].append(rec)
    return out


def assert_numbers_gapless(api: Api) -> None:
    invoices = bulk_invoices(api)
    for biz in bulk_businesses(api):
        prefix, width = biz["InvoiceNumberPrefix"], biz["InvoiceNumberPadding"]
        numbers = [i["InvoiceNumber"] for i in invoices if i["BusinessId"] == biz["Id"]]
        numbered = sorted(n for n in numbers if n)
        assert len(set(numbered)) == len(numbered), biz["Name"]
        expected = [f"{prefix}{k:0{width}d}" for k in range(1, biz["NextInvoiceNumber"])]
        assert numbered == sorted(expected), biz["Name"]
    for inv in invoices:
        assert bool(inv["InvoiceNumber"]) is not inv["Draft"], inv


def test_locations_span_currencies_zones_and_decimal_places(api: Api) -> None:
    bizs = bulk_businesses(api)
    assert len(bizs) == len(LOCATIONS) >= 4
    assert {"EUR", "USD", "GBP", "JPY"} <= {b["CurrencyCode"] for b in bizs}
    assert len({b["SimpleTimeZoneId"] for b in bizs}) == len(bizs)
    assert len({b["InvoiceNumberPrefix"] for b in bizs}) == len(bizs)
    invoices = bulk_invoices(api)
    assert len(invoices) == N
    assert {i["BusinessId"] for i in invoices} == {b["Id"] for b in bizs}
    for inv in invoices:
        if inv["CurrencyCode"] == "JPY":
            assert dec(inv["TotalAmount"]) == dec(inv["TotalAmount"]).to_integral_value()


def test_totals_are_the_servers_own(api: Api) -> None:
    lines = by_invoice(every(api, LINES))
    places = {c["Code"]: c["DecimalPlaces"] for c in every(api, "/api/sys/currencies")}
    for inv in bulk_invoices(api):
        own = sorted(lines[inv["Id"]], key=lambda ln: ln["Position"])
        assert 1 <= len(own) <= 20, inv
        subs = [dec(ln["SubTotal"]) for ln in own]
        taxes = [dec(ln["TaxAmount"]) for ln in own]
        assert dec(inv["TaxAmount"]) == sum(taxes)
        assert dec(inv["TotalAmount"]) == sum(subs) + sum(taxes)
        expected = totals.compute_invoice(
            [
                totals.LineIn(dec(ln["SubTotal"]), dec(ln["TaxRate"]), ln["Description"])
                for ln in own
            ],
            places[inv["CurrencyCode"]],
        )
        assert [(o.sub_total, o.tax_amount) for o in expected.lines] == list(
            zip(subs, taxes, strict=True)
        )
        assert inv["Description"] == expected.description
        rate = inv["TransactionExchangeRate"]
        tx = totals.transaction_total(expected.total_amount, dec(rate) if rate else Decimal(1))
        assert dec(inv["TransactionTotalAmount"]) == tx
        assert inv["TransactionCurrencyId"] is not None


def test_numbers_are_gapless_per_business(api: Api) -> None:
    assert_numbers_gapless(api)


def test_kept_counts_match_the_loaded_invoices(api: Api) -> None:
    """The bulk load (COPY on PostgreSQL) fires the counting triggers like any insert: each
    business's TotalItems, read from the kept counts, is its number of invoices."""
    invoices = bulk_invoices(api)
    for biz in bulk_businesses(api):
        got = exact(api.get(INV, {"CoworkerInvoice_Business": biz["Id"], "size": 1}))
        assert got["TotalItems"] == sum(i["BusinessId"] == biz["Id"] for i in invoices), biz


def test_payments_match_the_ledger(api: Api) -> None:
    ledger = by_invoice(every(api, LEDGER))
    places = {c["Code"]: c["DecimalPlaces"] for c in every(api, "/api/sys/currencies")}
    invoices = bulk_invoices(api)
    paid = part = 0
    for inv in invoices:
        credits = [(dec(e["Credit"]), _utc(e["TransactionDate"])) for e in ledger[inv["Id"]]]
        total = dec(inv["TotalAmount"])
        state = totals.payment_state(total, credits, places[inv["CurrencyCode"]], None)
        amount = None if inv["PaidAmount"] is None else dec(inv["PaidAmount"])
        assert amount == state.paid_amount, inv
        assert inv["Paid"] is state.paid, inv
        assert (_utc(inv["PaidOn"]) if inv["PaidOn"] else None) == state.paid_on
        assert inv["ReceivedAmount"] == inv["PaidAmount"]
        if inv["Draft"] or inv["Void"]:
            assert not credits, inv
        if not inv["CreditNote"]:
            paid += inv["Paid"] and not inv["CreditedAmount"]
            part += bool(credits) and not inv["Paid"]
    assert 0.55 * N < paid < 0.85 * N and 0.02 * N < part < 0.2 * N, (paid, part)


def test_credit_notes_settle_their_originals(api: Api) -> None:
    invoices = bulk_invoices(api)
    by_guid = {i["UniqueId"]: i for i in invoices}
    ledger = by_invoice(every(api, LEDGER))
    notes = [i for i in invoices if i["CreditNote"]]
    assert notes
    for note in notes:
        original = by_guid[note["OriginalInvoiceGuid"]]
        assert original["BusinessId"] == note["BusinessId"] and not original["CreditNote"]
        assert dec(original["CreditedAmount"]) == -dec(note["TotalAmount"]) > 0
        assert original["Paid"] and note["Paid"]
        for inv, sign in ((original, 1), (note, -1)):
            mine = [e for e in ledger[inv["Id"]] if e["Code"] == "CREDITNOTE"]
            assert [e["PaymentProvider"] for e in mine] == [94]
            assert dec(mine[0]["Credit"]) == sign * dec(original["CreditedAmount"])
        assert _utc(note["CreatedOn"]) > _utc(original["CreatedOn"])


def test_each_invoice_tells_its_history(api: Api) -> None:
    entries = by_invoice(every(api, HIST))
    counts = []
    for inv in bulk_invoices(api):
        own = entries[inv["Id"]]
        counts.append(len(own))
        assert 1 <= len(own) <= 10, inv
        assert {e["Name"] for e in own} <= HISTORY_NAMES
        assert min(own, key=lambda e: e["CreatedOn"])["Name"] == "Invoice created"
        for e in own:
            assert uuid.UUID(e["UniqueId"]).version == 4
            assert e["IsProblem"] is (e["Name"] == "Payment failed")
            # Written by the loader itself (migration 0009's triggers skip such rows).
            assert e["CoworkerInvoiceCoworkerId"] == inv["CoworkerId"]
            assert e["UpdatedBy"] and e["UpdatedOn"] >= e["CreatedOn"] >= inv["CreatedOn"]
    assert 4 <= sum(counts) / len(counts) <= 6


def test_fields_are_filled_realistically(api: Api) -> None:
    customers = {c["Id"]: c for c in every(api, "/api/spaces/coworkers")}
    now = datetime.now(UTC)
    invoices = bulk_invoices(api)
    assert 0.02 * N < len({i["CoworkerId"] for i in invoices}) < 0.2 * N
    for inv in invoices:
        who = customers[inv["CoworkerId"]]
        assert who["InvoicingBusinessId"] == inv["BusinessId"]
        assert (
            inv["BillToName"] == who["BillingName"] and inv["BillToCity"] == who["BillingCityName"]
        )
        assert inv["BillToAddress"] == who["BillingAddress"]
        created, updated = _utc(inv["CreatedOn"]), _utc(inv["UpdatedOn"])
        assert now - timedelta(days=3 * 366) < created <= updated <= now
        if not inv["CreditNote"]:  # billed for the local calendar month it was raised in
            assert _utc(inv["InvoiceFromDate"]) <= created <= _utc(inv["InvoiceToDate"])
            assert inv["InvoiceFromDateLocal"].endswith("-01T00:00:00"), inv
            assert _utc(inv["DueDate"]) > created
    assert any(i["Void"] for i in invoices) and any(i["Draft"] for i in invoices)


def test_generation_is_deterministic_and_totals_match_compute_invoice() -> None:
    def rows() -> list[dict[str, list[tuple[Any, ...]]]]:
        now = datetime(2025, 3, 1, tzinfo=UTC)
        bizs = []
        for i, loc in enumerate(LOCATIONS):
            places = {"JPY": 0, "BHD": 3}.get(loc.currency, 2)
            biz = Biz(
                loc, i + 1, 10 + i, 20 + i, loc.currency, places, None, None, loc.prefix,
                loc.padding, 1, set(), price_list(loc, places),
            )  # fmt: skip
            biz.month_starts, biz.month_labels = _months(loc.zone, now)
            bizs.append(biz)
        gen = Generator(bizs, dict.fromkeys(COLUMNS, 1), now - timedelta(days=900), now, 500, 7)
        return [c.rows for c in gen.chunks(200)]

    first, second = rows(), rows()
    assert [sum(len(r) for r in c.values()) for c in first] == [
        sum(len(r) for r in c.values()) for c in second
    ]
    cols = COLUMNS["coworker_invoices"]
    total, number = cols.index("total_amount"), cols.index("invoice_number")
    a = [(r[0], r[total], r[number]) for c in first for r in c["coworker_invoices"]]
    b = [(r[0], r[total], r[number]) for c in second for r in c["coworker_invoices"]]
    assert a == b and len(a) == 500
    line = [(Decimal("12.345"), Decimal("8.875"), "x"), (Decimal("-7"), Decimal("21"), "y")]
    for places in (0, 2, 3):
        mine = flows.compute([(d, 1, s, r, None, None, None) for s, r, d in line], places)
        assert mine == totals.compute_invoice([totals.LineIn(*ln) for ln in line], places)


def test_second_run_adds_nothing_and_a_larger_n_tops_up(api: Api) -> None:
    bizs = {b["Name"]: b for b in bulk_businesses(api)}
    before = len(bulk_invoices(api))
    assert run_seed(api.client, N)[2] == f"extra invoices: 0 added ({N} wanted in total)"
    assert len(bulk_invoices(api)) == before
    # A hand-typed number just past the counter is skipped by the loader, as by the API.
    tokyo = bizs["Shibuya Desk Works"]
    counter = str(tokyo["NextInvoiceNumber"] + 1).zfill(tokyo["InvoiceNumberPadding"])
    typed = tokyo["InvoiceNumberPrefix"] + counter
    cw = next(
        c for c in every(api, "/api/spaces/coworkers") if c["InvoicingBusinessId"] == tokyo["Id"]
    )
    invoice_body = {
        "CoworkerId": cw["Id"], "BusinessId": tokyo["Id"], "CurrencyId": tokyo["CurrencyId"],
        "InvoiceNumber": typed, "BillToName": cw["BillingName"], "BillToAddress": "x",
        "BillToCity": "Tokyo", "BillToPostCode": "150-0001", "BillToCountryId": cw["CountryId"],
    }  # fmt: skip
    assert exact(api.post(INV, invoice_body))["WasSuccessful"]
    assert run_seed(api.client, N + 40)[2] == f"extra invoices: 39 added ({N + 40} wanted in total)"
    assert len(bulk_invoices(api)) == N + 40
    assert_numbers_gapless(api)


def test_an_interrupted_load_leaves_a_consistent_database(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = database_url(api.client.app.state.db)  # type: ignore[attr-defined]
    before, schema = len(bulk_invoices(api)), _schema(url)

    class Failing(Generator):
        def chunks(self, size: int) -> Iterator[Chunk]:
            yield next(super().chunks(size))
            raise RuntimeError("interrupted")

    set_aside: list[list[str]] = []

    def spy(con: Any, tables: list[str]) -> list[str]:
        set_aside.append(restore := original(con, tables))
        return restore

    original = pgschema.set_aside
    monkeypatch.setattr(loader, "Generator", Failing)
    monkeypatch.setattr(pgschema, "set_aside", spy)
    # More than the tables hold: on PostgreSQL the indexes and constraints are set aside.
    wanted = before + 400
    with pytest.raises(RuntimeError, match="interrupted"):
        bulk.load(url, wanted, chunk_size=20)
    monkeypatch.undo()
    assert bool(set_aside and set_aside[0]) is bool(PG_URL)
    # PostgreSQL loads in one transaction (nothing stays); SQLite keeps whole chunks.
    assert len(bulk_invoices(api)) in ((before,) if PG_URL else (before + 20, before + 21))
    assert _schema(url) == schema
    assert_numbers_gapless(api)
    assert bulk.load(url, wanted, chunk_size=20) > 0
    assert len(bulk_invoices(api)) == wanted
    assert _schema(url) == schema
    assert_numbers_gapless(api)


def test_the_api_carries_on_every_sequence(api: Api) -> None:
    customers = every(api, "/api/spaces/coworkers")
    for biz in bulk_businesses(api):
        counter = str(biz["NextInvoiceNumber"]).zfill(biz["InvoiceNumberPadding"])
        expected = biz["InvoiceNumberPrefix"] + counter
        cw = next(c for c in customers if c["InvoicingBusinessId"] == biz["Id"])
        # A new customer, invoice, line, payment and history entry: every table the loader
        # filled hands out its next id without a collision.
        new_cw = exact(
            api.post(
                "/api/spaces/coworkers", {**cw, "Email": f"{uuid.uuid4().hex[:8]}@example.com"}
            )
        )
        assert new_cw["WasSuccessful"]
        draft = {
            "CoworkerId": cw["Id"], "BusinessId": biz["Id"], "CurrencyId": biz["CurrencyId"],
            "InvoiceNumber": "", "Draft": True, "BillToName": cw["BillingName"],
            "BillToAddress": cw["BillingAddress"], "BillToCity": cw["BillingCityName"],
            "BillToPostCode": cw["BillingPostCode"], "BillToCountryId": cw["CountryId"],
        }  # fmt: skip
        inv_id = exact(api.post(INV, draft))["Value"]["Id"]
        line = {
            "CoworkerInvoiceId": inv_id,
            "Description": "Day pass",
            "Quantity": 2,
            "SubTotal": 50,
            "TaxRate": 10,
        }
        assert exact(api.post(LINES, line))["WasSuccessful"]
        current = exact(api.get(f"{INV}/{inv_id}"))
        assert current["InvoiceNumber"] in (None, "")
        r = api.client.put(
            INV,
            content=jsonio.dumps({**current, "Draft": False}),
            headers={**api.auth, "Content-Type": "application/json"},
        )
        assert exact(r)["WasSuccessful"], r.text
        final = exact(api.get(f"{INV}/{inv_id}"))
        assert final["InvoiceNumber"] == expected
        payment = {
            "BusinessId": biz["Id"], "CoworkerId": cw["Id"], "CoworkerInvoiceId": inv_id,
            "Credit": final["TotalAmount"], "PaymentProvider": 96,
        }  # fmt: skip
        assert exact(api.post(LEDGER, payment))["WasSuccessful"]
        note = {"CoworkerInvoiceId": inv_id, "Name": "Invoice sent", "Description": "By hand."}
        assert exact(api.post(HIST, note))["WasSuccessful"]
        assert exact(api.get(f"{INV}/{inv_id}"))["Paid"] is True
    assert_numbers_gapless(api)


def _schema(url: str) -> list[Any]:
    """Every index and constraint of the tables the loader fills, as the catalog states it."""
    tables: Any = sa.bindparam("tables", list(COLUMNS), expanding=True)
    if PG_URL:
        sql = sa.text(
            "SELECT indexdef FROM pg_indexes WHERE tablename IN :tables UNION ALL "
            "SELECT conname || pg_get_constraintdef(oid) || convalidated FROM pg_constraint "
            "WHERE conrelid::regclass::text IN :tables ORDER BY 1"
        )
    else:
        sql = sa.text("SELECT sql FROM sqlite_master WHERE tbl_name IN :tables ORDER BY 1")
    engine = sync_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sql.bindparams(tables)))
    finally:
        engine.dispose()


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
