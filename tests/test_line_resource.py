"""The CoworkerInvoiceLine wire contract (spec section 3, seed 003): the PUT examples as written,
required and optional fields, the server's tax and money exactness, the get-one record, get
many, DELETE (an extension) and the refusal to touch lines of paid or void invoices."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from tests.support import Api, World, unique
from tests.test_invoice_resource import BASE_FIELDS, assert_written, names, problems

INV = "/api/billing/coworkerinvoices"
LINES = "/api/billing/coworkerinvoicelines"
REQUIRED = [
    "CoworkerInvoiceId",
    "Description",
    "Quantity",
    "SubTotal",
    "TaxAmount",
    "TaxRate",
    "CreditAmount",
]
POST_REQUIRED = ["CoworkerInvoiceId", "Description", "Quantity", "SubTotal", "TaxRate"]
OPTIONAL = {
    "DisplayAs": "Shown instead",
    "TaxCategoryName": "Reduced rate",
    "FinancialAccountCode": "4010",
    "FinancialAccountName": "Meeting rooms",
    "IssuedByUniqueId": "0f8fad5b-d9cb-469f-a165-70867728950e",
    "CancelledCoworkerInvoiceLineUniqueId": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    "PurchaseOrder": "PO-LINE-1",
    "SystemId": "line-sys",
}
# Spec 3.2 plus the base fields of 1.3.
SPEC_FIELDS = BASE_FIELDS | names(
    """CoworkerInvoiceId CoworkerInvoiceInvoiceNumber CoworkerInvoicePaid CoworkerInvoicePaidOn
    CoworkerInvoiceCreditNote CoworkerInvoiceCurrencyCode CoworkerInvoiceDueDate Description
    DisplayAs TaxCategoryName Quantity SubTotal TaxAmount TaxRate CoworkerContractUniqueId
    ContractDepositUniqueId BookingUniqueId CoworkerExtraServiceUniqueId ExtraServiceUniqueId
    CoworkerTimePassUniqueId CoworkerChargeUniqueId CoworkerProductUniqueId EventAttendeeUniqueId
    GroupedLineUniqueId RefundedAmount Refunded RefundedOn SaleDate DiscountCode DiscountAmount
    CoworkerExtraServiceName CoworkerTimePassName CoworkerProductName EventAttendeeProductName
    TariffName FinancialAccountCode FinancialAccountName IssuedByUniqueId
    CancelledCoworkerInvoiceLineUniqueId CreatedOnLocal RefundedOnLocal SaleDateLocal Position
    IsHidden IsUniversalCredit PurchaseOrder CreditAmount IsProratedContract
    CoworkerDiscountCodeUniqueId"""
)


def exact(r: Any) -> Any:
    """The body with every JSON number as the exact Decimal written on the wire."""
    assert r.status_code == 200, r.text
    return json.loads(r.text, parse_float=Decimal, parse_int=Decimal)


@dataclass
class Shop:
    api: Api
    business: int
    coworker: int
    currencies: dict[str, int]

    def invoice(self, code: str = "GBP", **over: Any) -> int:
        return self.api.invoice(
            self.business, self.coworker, CurrencyId=self.currencies[code], **over
        )

    def line(self, invoice: int, sub_total: Any = 10, tax_rate: Any = 20, **over: Any) -> int:
        body = {
            "CoworkerInvoiceId": invoice,
            "Description": unique("Line"),
            "Quantity": 1,
            "SubTotal": sub_total,
            "TaxRate": tax_rate,
            **over,
        }
        return self.api.created(LINES, body)

    def pay(self, invoice: int, credit: Any) -> None:
        self.api.created(
            "/api/billing/coworkerledgerentries",
            {
                "BusinessId": self.business,
                "CoworkerId": self.coworker,
                "CoworkerInvoiceId": invoice,
                "Credit": credit,
            },
        )


@pytest.fixture(scope="module")
def shop(client: TestClient, world: World) -> Shop:
    api = Api(client, world.admin_auth, world)
    biz = api.business(SimpleTimeZoneId="America/New_York")
    codes = {}
    for code in ("GBP", "EUR", "JPY", "BHD"):
        found = api.get("/api/sys/currencies", {"Currency_Code": code}).json()["Records"]
        codes[code] = found[0]["Id"]
    return Shop(api, biz, api.coworker(biz), codes)


def line_body(rec: dict[str, Any], *skip: str) -> dict[str, Any]:
    return {k: rec[k] for k in ["Id", *REQUIRED, *OPTIONAL] if k not in skip}


def test_seed_003_literal_put_body_is_rejected_field_by_field(api: Api) -> None:
    literal = {
        "CoworkerInvoiceId": 0,
        "Description": "",
        "Quantity": 0,
        "SubTotal": 0,
        "TaxAmount": 0,
        "TaxRate": 0,
        "CreditAmount": 0,
        "Id": 87654321,
    }
    errors = problems(api.put(LINES, literal))
    assert errors == dict.fromkeys(["CoworkerInvoiceId", "Description"], "is a required field")


def test_seed_003_documented_400_when_description_is_absent(shop: Shop) -> None:
    rec = shop.api.get(f"{LINES}/{shop.line(shop.invoice())}").json()
    for body in (line_body(rec, "Description"), {**line_body(rec), "Description": ""}):
        r = shop.api.put(LINES, body)
        expected_attempt = body.get("Description")
        assert r.status_code == 400
        assert r.json() == {
            "Status": 400,
            "Message": "Description: is a required field",
            "Value": None,
            "Errors": [
                {
                    "AttemptedValue": expected_attempt,
                    "Message": "is a required field",
                    "PropertyName": "Description",
                }
            ],
            "WasSuccessful": False,
        }


def test_seed_003_put_shape_with_real_ids_answers_the_documented_200(shop: Shop) -> None:
    inv = shop.invoice()
    ident = shop.line(inv)
    body = {
        "CoworkerInvoiceId": inv,
        "Description": "Seed line",
        "Quantity": 0,
        "SubTotal": 0,
        "TaxAmount": 0,
        "TaxRate": 0,
        "CreditAmount": 0,
        "Id": ident,
    }
    assert_written(shop.api.put(LINES, body), "CoworkerInvoiceLine", "updated", ident)
    got = shop.api.get(f"{LINES}/{ident}").json()
    assert {k: got[k] for k in body} == body


@pytest.mark.parametrize("missing", REQUIRED)
def test_each_required_put_field_missing_is_named(shop: Shop, missing: str) -> None:
    rec = shop.api.get(f"{LINES}/{shop.line(shop.invoice())}").json()
    assert problems(shop.api.put(LINES, line_body(rec, missing))) == {
        missing: "is a required field"
    }


def test_every_missing_required_field_is_reported_at_once(shop: Shop) -> None:
    ident = shop.line(shop.invoice())
    expected = dict.fromkeys(REQUIRED, "is a required field")
    assert problems(shop.api.put(LINES, {"Id": ident})) == expected
    assert problems(shop.api.post(LINES, {})) == dict.fromkeys(POST_REQUIRED, "is a required field")


def test_post_takes_tax_amount_as_optional_and_ignores_it(shop: Shop) -> None:
    inv = shop.invoice()
    got = shop.api.get(f"{LINES}/{shop.line(inv, 10, 20, TaxAmount=99)}").json()
    assert (got["SubTotal"], got["TaxAmount"], got["TaxRate"]) == (10, 2, 20)


def test_optional_fields_are_stored_then_cleared_by_a_put_that_omits_them(shop: Shop) -> None:
    ident = shop.line(shop.invoice())
    rec = shop.api.get(f"{LINES}/{ident}").json()
    locals_ = dict.fromkeys(("CreatedOnLocal", "RefundedOnLocal", "SaleDateLocal"), "2020-01-01")
    r = shop.api.put(LINES, {**line_body(rec), **OPTIONAL, **locals_})
    assert_written(r, "CoworkerInvoiceLine", "updated", ident)
    got = shop.api.get(f"{LINES}/{ident}").json()
    assert {k: got[k] for k in OPTIONAL} == OPTIONAL
    assert got["CreatedOn"] == rec["CreatedOn"]
    shop.api.put(LINES, {k: got[k] for k in ["Id", *REQUIRED]})
    cleared = shop.api.get(f"{LINES}/{ident}").json()
    assert {k: cleared[k] for k in OPTIONAL} == dict.fromkeys(OPTIONAL)


def test_read_only_and_posted_only_fields_sent_in_a_put_are_ignored(shop: Shop) -> None:
    inv = shop.invoice()
    shop.line(inv)
    ident = shop.line(inv, TariffName="Gold", SaleDate="2024-03-01T10:00:00Z", DiscountCode="X1")
    rec = shop.api.get(f"{LINES}/{ident}").json()
    forged = {
        "Position": 9,
        "TaxAmount": 55,
        "Refunded": True,
        "RefundedAmount": 3,
        "IsHidden": True,
        "IsUniversalCredit": True,
        "IsProratedContract": True,
        "TariffName": "Forged",
        "SaleDate": "2030-01-01T00:00:00Z",
        "DiscountCode": "Z",
        "CoworkerInvoiceInvoiceNumber": "forged",
        "CoworkerInvoicePaid": True,
    }
    shop.api.put(LINES, {**line_body(rec), **forged})
    got = shop.api.get(f"{LINES}/{ident}").json()
    assert {k: got[k] for k in forged} == {k: rec[k] for k in forged}
    assert (got["Position"], got["TaxAmount"], got["TariffName"]) == (2, 2, "Gold")


def test_get_one_carries_exactly_the_spec_fields_with_invoice_values(shop: Shop) -> None:
    inv = shop.invoice("EUR", DueDate="2024-03-10T06:30:00Z")
    ident = shop.line(inv, 10, 0, SaleDate="2024-03-10T07:30:00Z")
    shop.pay(inv, 10)
    got = shop.api.get(f"{LINES}/{ident}").json()
    assert set(got) == SPEC_FIELDS, (set(got) - SPEC_FIELDS, SPEC_FIELDS - set(got))
    parent = shop.api.get(f"{INV}/{inv}").json()
    assert parent["Paid"] is True
    expected = {
        "CoworkerInvoiceInvoiceNumber": parent["InvoiceNumber"],
        "CoworkerInvoicePaid": True,
        "CoworkerInvoicePaidOn": parent["PaidOn"],
        "CoworkerInvoiceCreditNote": False,
        "CoworkerInvoiceCurrencyCode": "EUR",
        "CoworkerInvoiceDueDate": "2024-03-10T06:30:00Z",
        "SaleDate": "2024-03-10T07:30:00Z",
        "SaleDateLocal": "2024-03-10T03:30:00",  # EDT began at 07:00Z
        "Position": 1,
    }
    assert {k: got[k] for k in expected} == expected
    created = datetime.fromisoformat(got["CreatedOn"].replace("Z", "+00:00"))
    zone = ZoneInfo("America/New_York")
    assert got["CreatedOnLocal"] == created.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S")
    listed = shop.api.get(LINES, {"CoworkerInvoiceLine_Id": ident}).json()["Records"]
    assert [set(r) for r in listed] == [SPEC_FIELDS]


@pytest.mark.parametrize(
    ("code", "sub_total", "rate", "tax"),
    [
        ("GBP", "0.25", "10", "0.03"),  # 0.025: half away from zero
        ("GBP", "-0.25", "10", "-0.03"),
        ("GBP", "0.24", "10", "0.02"),
        ("GBP", "19.99", "17.5", "3.5"),  # 3.49825
        ("JPY", "1010", "5", "51"),  # 50.5
        ("JPY", "1005", "5", "50"),  # 50.25
        ("BHD", "1.234", "12.5", "0.154"),  # 0.15425
        ("BHD", "0.1", "5", "0.005"),
        ("EUR", "0.1", "0", "0"),
    ],
)
def test_line_tax_is_computed_by_the_server(
    shop: Shop, code: str, sub_total: str, rate: str, tax: str
) -> None:
    inv = shop.invoice(code)
    ident = shop.line(inv, float(sub_total), float(rate), TaxAmount=123)
    got = exact(shop.api.get(f"{LINES}/{ident}"))
    assert (got["SubTotal"], got["TaxAmount"]) == (Decimal(sub_total), Decimal(tax))
    total = exact(shop.api.get(f"{INV}/{inv}"))
    assert (total["TaxAmount"], total["TotalAmount"]) == (
        Decimal(tax),
        Decimal(sub_total) + Decimal(tax),
    )


def test_money_is_exact_on_the_wire(shop: Shop) -> None:
    inv = shop.invoice("EUR")
    shop.line(inv, 0.1, 0)  # the JSON text is 0.1 exactly
    shop.line(inv, 0.2, 0)
    r = shop.api.get(f"{INV}/{inv}")
    assert exact(r)["TotalAmount"] == Decimal("0.3")
    assert '"TotalAmount":0.3,' in r.text.replace(" ", "")
    lines = shop.api.get(LINES, {"CoworkerInvoiceLine_CoworkerInvoice": inv})
    assert sorted(rec["SubTotal"] for rec in exact(lines)["Records"]) == [
        Decimal("0.1"),
        Decimal("0.2"),
    ]
    assert "0000000" not in r.text + lines.text


def test_jpy_amounts_are_integral_and_bhd_amounts_have_three_decimals(shop: Shop) -> None:
    jpy = shop.invoice("JPY")
    shop.line(jpy, 1234, 8)  # 98.72 -> 99
    got = exact(shop.api.get(f"{INV}/{jpy}"))
    assert (got["TaxAmount"], got["TotalAmount"]) == (Decimal(99), Decimal(1333))
    assert all(v == v.to_integral_value() for v in (got["TaxAmount"], got["TotalAmount"]))
    bhd = shop.invoice("BHD")
    shop.line(bhd, 1.2345, 10)  # stored at 3 places: 1.235 (half away from zero)
    got = exact(shop.api.get(f"{INV}/{bhd}"))
    assert (got["TaxAmount"], got["TotalAmount"]) == (Decimal("0.124"), Decimal("1.359"))


@pytest.mark.parametrize(
    ("prop", "value"),
    [
        ("SubTotal", 1.23456),
        ("SubTotal", "abc"),
        ("TaxRate", 1.123456789),
        ("Quantity", 1.5),
        ("Quantity", "2"),
        ("SubTotal", True),
        ("CreditAmount", "x"),
    ],
)
def test_unstorable_numbers_are_a_400(shop: Shop, prop: str, value: Any) -> None:
    inv = shop.invoice()
    body = {
        "CoworkerInvoiceId": inv,
        "Description": "x",
        "Quantity": 1,
        "SubTotal": 1,
        "TaxRate": 0,
        prop: value,
    }
    assert list(problems(shop.api.post(LINES, body))) == [prop]


def test_get_many_by_id_and_by_list_filter(shop: Shop) -> None:
    inv = shop.invoice()
    a, b, c = (shop.line(inv) for _ in range(3))
    r = shop.api.get(LINES, {"id": f"[{c},{a},99999999]"})
    assert sorted(x["Id"] for x in r.json()) == sorted([c, a])
    page = shop.api.get(LINES, {"CoworkerInvoiceLine_Id": f"[{a},{b},99999999]"}).json()
    assert [x["Id"] for x in page["Records"]] == [a, b]
    assert (page["TotalItems"], page["TotalPages"]) == (2, 1)


def test_delete_a_line_of_an_unpaid_invoice(shop: Shop) -> None:
    inv = shop.invoice()
    keep, gone = shop.line(inv, 10, 0), shop.line(inv, 5, 0)
    assert_written(shop.api.delete(f"{LINES}/{gone}"), "CoworkerInvoiceLine", "deleted", gone)
    assert shop.api.get(f"{LINES}/{gone}").status_code == 404
    assert shop.api.get(f"{LINES}/{keep}").status_code == 200
    assert shop.api.get(f"{INV}/{inv}").json()["TotalAmount"] == 10


@pytest.mark.parametrize("state", ["paid", "void"])
def test_lines_of_paid_or_void_invoices_cannot_change(shop: Shop, state: str) -> None:
    inv = shop.invoice()
    ident = shop.line(inv, 10, 0)
    if state == "paid":
        shop.pay(inv, 10)
    else:
        r = shop.api.post(f"{INV}/runcommand", {"Key": "VOID_INVOICE", "Ids": [inv]})
        assert r.json()["WasSuccessful"] is True, r.text
    rec = shop.api.get(f"{LINES}/{ident}").json()
    attempts = [
        shop.api.put(LINES, {**line_body(rec), "SubTotal": 1}),
        shop.api.post(
            LINES,
            {
                "CoworkerInvoiceId": inv,
                "Description": "x",
                "Quantity": 1,
                "SubTotal": 1,
                "TaxRate": 0,
            },
        ),
        shop.api.delete(f"{LINES}/{ident}"),
    ]
    for r in attempts:
        assert r.status_code == 400, r.text
        body = r.json()
        assert (body["Status"], body["Value"], body["WasSuccessful"]) == (400, None, False)
        assert state in body["Message"].lower()
    assert shop.api.get(f"{LINES}/{ident}").json()["SubTotal"] == 10


def test_unknown_or_moved_invoice_reference(shop: Shop) -> None:
    rec = shop.api.get(f"{LINES}/{shop.line(shop.invoice())}").json()
    bad = {**line_body(rec), "CoworkerInvoiceId": 99999999}
    assert problems(shop.api.put(LINES, bad)) == {"CoworkerInvoiceId": "is not a valid value"}
    assert problems(shop.api.post(LINES, bad)) == {"CoworkerInvoiceId": "is not a valid value"}
    other = shop.invoice()
    shop.api.put(LINES, {**line_body(rec), "CoworkerInvoiceId": other})
    assert shop.api.get(f"{INV}/{other}").json()["TotalAmount"] == 12
    assert shop.api.get(f"{INV}/{rec['CoworkerInvoiceId']}").json()["TotalAmount"] == 0
