"""Values read from reference tables (countries, currencies) are looked up in memory, not joined.

The in-memory copy answers exactly what the join did, and a reference row added after the
process read the table (the reference-data sync of a newer release, another process) is found
on first use: the lookup reads the table again instead of answering with a guess.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from starlette.testclient import TestClient

from coworkbill.billing.resources import RESOURCES as BILLING
from coworkbill.db.database import sync_url
from coworkbill.db.metadata import new_row
from coworkbill.directory.tables import currencies
from coworkbill.engine.resource import Resource
from tests.support import Api, World, line_body, unique

INV = "/api/billing/coworkerinvoices"


def _by_name(name: str) -> Resource:
    return next(r for r in BILLING if r.name == name)


def test_reference_fields_are_looked_up_not_joined() -> None:
    inv = _by_name("CoworkerInvoice")
    assert set(inv.lookups) == {
        "BillToCountryName",
        "BillToCountryTwoDigitsCode",
        "CurrencyCode",
        "TransactionCurrencyCode",
    }
    read_from = str(inv.full_from())
    assert "countries" not in read_from and "currencies" not in read_from
    assert "businesses" in read_from  # not reference data: businesses are edited
    assert "currencies" not in str(_by_name("CoworkerInvoiceHistory").full_from())


def test_looked_up_values_equal_the_tables(client: TestClient, world: World) -> None:
    api = Api(client, world.admin_auth, world)
    biz = api.business(CurrencyId=world.currency_eur)
    cw = api.coworker(biz)
    inv = api.invoice(
        biz, cw, BillToCountryId=world.country_es, TransactionCurrencyId=world.currency_jpy
    )
    rec = api.get(f"{INV}/{inv}").json()
    assert rec["BillToCountryName"] == "Spain"
    assert rec["BillToCountryTwoDigitsCode"] == "ES"
    assert (rec["CurrencyCode"], rec["TransactionCurrencyCode"]) == ("GBP", "JPY")
    line = api.created("/api/billing/coworkerinvoicelines", line_body(inv, 10))
    assert (
        api.get(f"/api/billing/coworkerinvoicelines/{line}").json()["CoworkerInvoiceCurrencyCode"]
        == "GBP"
    )
    page = api.get(
        "/api/billing/coworkerinvoicehistories", {"CoworkerInvoiceHistory_CoworkerInvoice": inv}
    ).json()
    assert page["Records"] and {
        r["CoworkerInvoiceBusinessCurrencyCode"] for r in page["Records"]
    } == {"EUR"}
    # Filters and sorts on those fields still read the tables (through their joins).
    found = api.get(
        INV, {"CoworkerInvoice_TransactionCurrency_Code": "JPY", "CoworkerInvoice_Id": inv}
    )
    assert [r["Id"] for r in found.json()["Records"]] == [inv]


def test_a_reference_row_added_later_is_found(
    client: TestClient, world: World, database_url: str
) -> None:
    api = Api(client, world.admin_auth, world)
    api.get(f"{INV}/{api.invoice(api.business(), api.coworker(api.business()))}")  # loaded
    code = unique("Q")[-3:].upper()
    engine = sa.create_engine(sync_url(database_url))
    try:
        with engine.begin() as con:
            row = {"name": f"Test currency {code}", "code": code, "decimal_places": 2}
            row = new_row(row, "System", datetime.now(UTC).replace(microsecond=0))
            new_id = con.execute(
                sa.insert(currencies).values(row).returning(currencies.c.id)
            ).scalar_one()
    finally:
        engine.dispose()
    biz = api.business()
    inv = api.invoice(biz, api.coworker(biz), TransactionCurrencyId=new_id)
    assert api.get(f"{INV}/{inv}").json()["TransactionCurrencyCode"] == code
    listed = api.get(INV, {"id": f"[{inv}]"}).json()
    assert [r["TransactionCurrencyCode"] for r in listed] == [code]
