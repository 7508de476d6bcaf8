"""The demo data set, read back through the API: two locations in different zones and
currencies, customers, numbered and draft invoices with lines, payments and history entries,
all consistent with the billing rules. The demo needs a database of its own (it is found by
name and never duplicated), so this module seeds a fresh one and serves it in process."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from coworkbill.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.support import Api, fresh_app, run_seed

SITES = {
    "Madrid Coworking Hub": ("Europe/Madrid", "EUR", "Spain", "MAD-", Decimal("21")),
    "Brooklyn Works": ("America/New_York", "USD", "United States", "BKW-", Decimal("8.875")),
}


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with fresh_app(tmp_path_factory.mktemp("demo"), "cbdemo") as c:
        yield c


@pytest.fixture(scope="module")
def demo(demo_client: TestClient) -> Api:
    report = run_seed(demo_client)
    assert report[-1] == f"admin login: {ADMIN_EMAIL} / {ADMIN_PASSWORD}"
    form = {"grant_type": "password", "username": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    r = demo_client.post("/api/token", data=form)
    assert r.status_code == 200, r.text
    return Api(demo_client, {"Authorization": f"Bearer {r.json()['access_token']}"}, None)


def records(api: Api, path: str, **params: Any) -> list[dict[str, Any]]:
    r = api.get(path, {"size": 1000, **params})
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["TotalItems"] == len(page["Records"])
    return list(page["Records"])


def businesses(api: Api) -> dict[str, dict[str, Any]]:
    found = {b["Name"]: b for b in records(api, "/api/sys/businesses")}
    return {name: found[name] for name in SITES}


def invoices(api: Api, biz: dict[str, Any]) -> list[dict[str, Any]]:
    return records(api, "/api/billing/coworkerinvoices", CoworkerInvoice_Business=biz["Id"])


def test_two_locations_in_their_own_zones_and_currencies(demo: Api) -> None:
    for name, biz in businesses(demo).items():
        zone, currency, country, prefix, _ = SITES[name]
        assert (biz["SimpleTimeZoneId"], biz["CurrencyCode"]) == (zone, currency)
        assert (biz["CountryName"], biz["InvoiceNumberPrefix"]) == (country, prefix)
        customers = records(demo, "/api/spaces/coworkers", Coworker_InvoicingBusiness=biz["Id"])
        assert len(customers) == 6
        assert any(c["CompanyName"] for c in customers)
        assert any(c["CompanyName"] is None for c in customers)
        for c in customers:
            assert c["BillingAddress"] and c["BillingCityName"] and c["BillingPostCode"]
            assert c["BillingCountryId"] and c["InvoicingBusinessName"] == name


def test_invoices_are_numbered_drafts_or_overdue_and_total_their_lines(demo: Api) -> None:
    now = datetime.now(ZoneInfo("UTC"))
    for name, biz in businesses(demo).items():
        _, currency, _, prefix, rate = SITES[name]
        got = invoices(demo, biz)
        assert len(got) == 18
        drafts = [i for i in got if i["Draft"]]
        final = [i for i in got if not i["Draft"]]
        assert len(drafts) == 6 and all(not i["InvoiceNumber"] for i in drafts)
        numbers = sorted(i["InvoiceNumber"] for i in final)
        assert numbers == [f"{prefix}{n:05d}" for n in range(1, 13)]
        assert {i["CurrencyCode"] for i in got} == {currency}
        overdue = [i for i in final if not i["Paid"] and _utc(i["DueDate"]) < now]
        assert overdue and [i for i in final if i["Paid"]]
        for inv in got:
            lines = records(
                demo,
                "/api/billing/coworkerinvoicelines",
                CoworkerInvoiceLine_CoworkerInvoice=inv["Id"],
            )
            assert lines and {ln["TaxRate"] for ln in lines} == {rate}
            assert any("membership" in ln["Description"] for ln in lines)
            total = sum(
                Decimal(str(ln["SubTotal"])) + Decimal(str(ln["TaxAmount"])) for ln in lines
            )
            assert Decimal(str(inv["TotalAmount"])) == total
            if inv["Paid"]:
                assert inv["PaidAmount"] == inv["TotalAmount"]


def test_history_tells_what_happened(demo: Api) -> None:
    for biz in businesses(demo).values():
        key = "CoworkerInvoiceHistory_CoworkerInvoice_Business_Id"
        entries = records(demo, "/api/billing/coworkerinvoicehistories", **{key: biz["Id"]})
        names = {e["Name"] for e in entries}
        assert {"Invoice sent", "Payment received", "Payment failed"} <= names
        problems = [e for e in entries if e["IsProblem"]]
        assert problems and {e["Name"] for e in problems} == {"Payment failed"}
        assert all(e["UpdatedBy"] == ADMIN_EMAIL for e in entries)


def test_local_fields_follow_each_business_zone(demo: Api) -> None:
    offsets: dict[str, set[float]] = {}
    for name, biz in businesses(demo).items():
        zone = ZoneInfo(SITES[name][0])
        for inv in invoices(demo, biz):
            for field in ("DueDate", "InvoiceFromDate", "CreatedOn"):
                utc = _utc(inv[field])
                local = datetime.fromisoformat(inv[field + "Local"])
                assert local == utc.astimezone(zone).replace(tzinfo=None)
                offsets.setdefault(name, set()).add(
                    (local - utc.replace(tzinfo=None)).total_seconds()
                )
            # Billing periods start at local midnight on the first of the month.
            assert inv["InvoiceFromDateLocal"].endswith("-01T00:00:00")
    assert all(o > 0 for o in offsets["Madrid Coworking Hub"])
    assert all(o < 0 for o in offsets["Brooklyn Works"])


def test_seeding_again_adds_nothing_and_extra_invoices_top_up(demo: Api) -> None:
    before = {n: len(invoices(demo, b)) for n, b in businesses(demo).items()}
    second = run_seed(demo.client)
    assert all("already present" in line for line in second[:2]), second
    assert {n: len(invoices(demo, b)) for n, b in businesses(demo).items()} == before

    def total() -> int:
        page = demo.get("/api/billing/coworkerinvoices", {"size": 1}).json()
        return int(page["TotalItems"])

    start = total()
    # Extra invoices come from the bulk loader, in locations of their own (tests/test_bulk.py
    # checks their content); the demo's two locations are left as they are.
    assert run_seed(demo.client, 3)[2] == "extra invoices: 3 added (3 wanted in total)"
    assert run_seed(demo.client, 3)[2] == "extra invoices: 0 added (3 wanted in total)"
    assert total() == start + 3
    assert {n: len(invoices(demo, b)) for n, b in businesses(demo).items()} == before


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
