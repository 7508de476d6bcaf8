"""The CoworkerInvoice wire contract (spec section 2, seed 002): the PUT examples as written,
required and optional fields, read-only fields, the get-one record (every field, denormalised
values, ``*Local`` twins in the business's zone), get many, DELETE 405 and bad references."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from starlette.testclient import TestClient

from tests.support import ADMIN_EMAIL, Api, World, add_user, unique

INV = "/api/billing/coworkerinvoices"
LINES = "/api/billing/coworkerinvoicelines"
LEDGER = "/api/billing/coworkerledgerentries"
REQUIRED = [
    "CoworkerId",
    "BusinessId",
    "InvoiceNumber",
    "BillToName",
    "BillToAddress",
    "BillToCity",
    "BillToPostCode",
    "BillToCountryId",
    "CurrencyId",
]
OPTIONAL = [
    "PaymentReference",
    "BillToPhone",
    "BillToFax",
    "BillToState",
    "BillToBankAccount",
    "BillToTaxIDNumber",
    "PurchaseOrder",
    "DueDate",
    "InvoiceFromDate",
    "InvoiceToDate",
    "TransactionCurrencyId",
    "Draft",
    "StorecoveInvoiceStatus",
    "Billed",
    "DoNotApplyCreditAutomatically",
    "CustomData",
    "SystemId",
]


def names(text: str) -> set[str]:
    return set(text.split())


BASE_FIELDS = names(
    "Id UniqueId CreatedOn UpdatedOn UpdatedBy IsNew SystemId ToStringText LocalizationDetails"
    " CustomFields"
)
# Spec 2.2, in its order, plus the base fields of 1.3.
SPEC_FIELDS = BASE_FIELDS | names(
    """CoworkerId CoworkerFullName CoworkerRegularPaymentContractNumber
    CoworkerRegularPaymentProvider CoworkerCardNumber CoworkerGoCardlessContractNumber
    CoworkerEnableGoCardlessPayments CoworkerBillingEmail CoworkerNotifyOnNewInvoice
    CoworkerNotifyOnNewPayment CoworkerNotifyOnFailedPayment
    CoworkerDoNotProcessInvoicesAutomatically CoworkerCompanyName CoworkerTeamNames BusinessId
    BusinessName InvoiceNumber PaymentReference BillToName BillToAddress BillToCity BillToPostCode
    BillToPhone BillToFax BillToState BillToCountryId BillToCountryName BillToCountryTwoDigitsCode
    BillToBankAccount BillToTaxIDNumber PurchaseOrder Description DiscountAmount DueDate
    InvoiceFromDate InvoiceToDate TotalAmount PaidAmount TransactionTotalAmount
    TransactionCurrencyId TransactionCurrencyCode TransactionExchangeRate CurrencyId CurrencyCode
    TaxAmount Draft Void WaitingForInvoiceNumber Paid Sent SentOn PaidOn Refunded
    XeroInvoiceTransfered XeroPaymentTransfered QuickbooksInvoiceTransfered
    QuickbooksPaymentTransfered MoloniInvoiceTransferred MoloniPaymentTransferred
    StorecoveInvoiceStatus AutoTransferToStorecove StorecoveUniqueId RefundedOn CreditNote
    OriginalInvoiceGuid ContractGuid CustomData GoCardlessReference SpreedlyToken
    LastPaymentAttempt Billed DoNotApplyCreditAutomatically CreatedOnLocal DueDateLocal
    InvoiceFromDateLocal InvoiceToDateLocal PaidOnLocal RefundedOnLocal LastPaymentAttemptLocal
    ReceivedAmount CreditedAmount RefundedAmount NexKioskTransactionId
    AutoTransferToXeroOrQuickBooks"""
)
SUCCESS_KEYS = names(
    "Status Message Value OpenInDialog OpenInWindow RedirectURL JavaScript UpdatedOn UpdatedBy"
    " Errors WasSuccessful"
)
UTC_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def assert_written(r: Any, entity: str, verb: str, ident: int) -> None:
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == SUCCESS_KEYS
    assert body["Status"] == 200
    assert body["Message"] == f"{entity} was successfully {verb}."
    assert body["Value"] == {"Id": ident}
    assert (body["OpenInDialog"], body["OpenInWindow"]) == (False, False)
    assert (body["RedirectURL"], body["JavaScript"], body["Errors"]) == (None, None, None)
    assert body["UpdatedBy"] == ADMIN_EMAIL
    assert UTC_TEXT.match(body["UpdatedOn"])
    assert body["WasSuccessful"] is True


def problems(r: Any) -> dict[str, str]:
    """PropertyName -> message of a 400 validation envelope (checked for shape)."""
    assert r.status_code == 400, r.text
    body = r.json()
    assert (body["Status"], body["Value"], body["WasSuccessful"]) == (400, None, False)
    errors = body["Errors"]
    assert body["Message"] == "; ".join(f"{e['PropertyName']}: {e['Message']}" for e in errors)
    return {e["PropertyName"]: e["Message"] for e in errors}


def body_of(rec: dict[str, Any], *skip: str) -> dict[str, Any]:
    """A full PUT body rebuilt from a get-one record (what a client should send)."""
    return {k: rec[k] for k in ["Id", *REQUIRED, *OPTIONAL] if k not in skip}


@dataclass
class Place:
    business: int
    coworker: int

    def line(self, api: Api, inv: int, sub_total: Any, rate: Any = 0) -> int:
        body = {"CoworkerInvoiceId": inv, "Quantity": 1, "SubTotal": sub_total, "TaxRate": rate}
        return api.created(LINES, {**body, "Description": "Desk"})

    def pay(self, api: Api, inv: int, credit: Any, when: str) -> int:
        body = {"BusinessId": self.business, "CoworkerId": self.coworker, "Credit": credit}
        return api.created(LEDGER, {**body, "CoworkerInvoiceId": inv, "TransactionDate": when})


@pytest.fixture(scope="module")
def places(client: TestClient, world: World) -> dict[str, Place]:
    api = Api(client, world.admin_auth, world)
    out = {}
    for zone in ("America/New_York", "Asia/Tokyo"):
        biz = api.business(SimpleTimeZoneId=zone)
        out[zone] = Place(biz, api.coworker(biz))
    return out


@pytest.fixture()
def ny(places: dict[str, Place]) -> Place:
    return places["America/New_York"]


@pytest.fixture(scope="module")
def ny_user(client: TestClient, world: World, places: dict[str, Place]) -> Api:
    """A user who may write invoices of the New York business only."""
    email = f"{unique('inv-scope')}@tests.local".lower()
    roles = ("CoworkerInvoice-Edit", "CoworkerInvoice-Create", "CoworkerInvoice-Read")
    ids = (places["America/New_York"].business,)
    return Api(client, add_user(client, email, roles=roles, business_ids=ids), world)


def test_seed_002_literal_put_body_is_rejected_field_by_field(api: Api) -> None:
    literal = {
        "CoworkerId": 0,
        "BusinessId": 0,
        "InvoiceNumber": "",
        "BillToName": "",
        "BillToAddress": "",
        "BillToCity": "",
        "BillToPostCode": "",
        "BillToCountryId": 0,
        "CurrencyId": 0,
        "Id": 87654321,
    }
    errors = problems(api.put(INV, literal))
    # InvoiceNumber "" is a value (a draft's "no number yet"); zero ids and "" texts are not.
    assert errors == {p: "is a required field" for p in REQUIRED if p != "InvoiceNumber"}


def test_seed_002_documented_400_when_invoice_number_is_absent(api: Api, ny: Place) -> None:
    rec = api.get(f"{INV}/{api.invoice(ny.business, ny.coworker)}").json()
    for body in (body_of(rec, "InvoiceNumber"), {**body_of(rec), "InvoiceNumber": None}):
        r = api.put(INV, body)
        assert r.status_code == 400
        assert r.json() == {
            "Status": 400,
            "Message": "InvoiceNumber: is a required field",
            "Value": None,
            "Errors": [
                {
                    "AttemptedValue": None,
                    "Message": "is a required field",
                    "PropertyName": "InvoiceNumber",
                }
            ],
            "WasSuccessful": False,
        }


def test_seed_002_put_shape_with_real_ids_answers_the_documented_200(
    api: Api, world: World, ny: Place
) -> None:
    inv = api.invoice(ny.business, ny.coworker, Draft=True, InvoiceNumber="")
    body = {
        "CoworkerId": ny.coworker,
        "BusinessId": ny.business,
        "InvoiceNumber": "",
        "BillToName": "Seed Name",
        "BillToAddress": "Seed Street",
        "BillToCity": "Seed City",
        "BillToPostCode": "S1 1ED",
        "BillToCountryId": world.country_es,
        "CurrencyId": world.currency_eur,
        "Id": inv,
    }
    assert_written(api.put(INV, body), "CoworkerInvoice", "updated", inv)
    got = api.get(f"{INV}/{inv}").json()
    del body["InvoiceNumber"]  # numbering on finalisation is another module's subject
    assert {k: got[k] for k in body} == body
    assert (got["BillToCountryTwoDigitsCode"], got["CurrencyCode"]) == ("ES", "EUR")


@pytest.mark.parametrize("missing", REQUIRED)
def test_each_required_put_field_missing_is_named(api: Api, ny: Place, missing: str) -> None:
    rec = api.get(f"{INV}/{api.invoice(ny.business, ny.coworker)}").json()
    assert problems(api.put(INV, body_of(rec, missing))) == {missing: "is a required field"}


def test_every_missing_required_field_is_reported_at_once(api: Api, ny: Place) -> None:
    inv = api.invoice(ny.business, ny.coworker)
    expected = dict.fromkeys(REQUIRED, "is a required field")
    assert problems(api.put(INV, {"Id": inv})) == expected
    assert problems(api.put(INV, {})) == {"Id": "is a required field", **expected}
    assert problems(api.post(INV, {})) == expected


def test_optional_fields_are_stored_then_cleared_by_a_put_that_omits_them(
    api: Api, world: World, ny: Place
) -> None:
    inv = api.invoice(ny.business, ny.coworker, Draft=True)
    rec = api.get(f"{INV}/{inv}").json()
    sent = {
        "PaymentReference": unique("PR"),
        "BillToPhone": "+1 555 0100",
        "BillToFax": "+1 555 0199",
        "BillToState": "New York",
        "BillToBankAccount": "GB29 NWBK 6016 1331 9268 19",
        "BillToTaxIDNumber": "GB123456789",
        "PurchaseOrder": "PO-778",
        "DueDate": "2024-05-31T16:00:00Z",
        "InvoiceFromDate": "2024-05-01T04:00:00Z",
        "InvoiceToDate": "2024-06-01T03:59:59Z",
        "TransactionCurrencyId": world.currency_eur,
        "Draft": True,
        "StorecoveInvoiceStatus": 3,
        "Billed": True,
        "DoNotApplyCreditAutomatically": True,
        "CustomData": '{"k": 1}',
        "SystemId": unique("sys"),
    }
    assert_written(api.put(INV, {**body_of(rec), **sent}), "CoworkerInvoice", "updated", inv)
    got = api.get(f"{INV}/{inv}").json()
    assert {k: got[k] for k in sent} == sent
    assert got["TransactionCurrencyCode"] == "EUR"
    assert got["DueDateLocal"] == "2024-05-31T12:00:00"

    api.put(INV, {k: got[k] for k in ["Id", *REQUIRED]})
    cleared = api.get(f"{INV}/{inv}").json()
    flags = ("Draft", "Billed", "DoNotApplyCreditAutomatically")
    assert {k: cleared[k] for k in flags} == dict.fromkeys(flags, False)
    texts = [k for k in OPTIONAL if k not in (*flags, "TransactionCurrencyId")]
    assert {k: cleared[k] for k in texts} == dict.fromkeys(texts, None)
    # Without a transaction currency the invoice collects in its own currency.
    assert cleared["TransactionCurrencyId"] == cleared["CurrencyId"] == world.currency_gbp


def test_local_date_fields_are_read_in_the_business_zone(api: Api, ny: Place) -> None:
    rec = api.get(f"{INV}/{api.invoice(ny.business, ny.coworker)}").json()
    body = body_of(rec, "DueDate", "InvoiceFromDate", "InvoiceToDate")
    body |= {
        "DueDateLocal": "2024-07-01T09:00:00",
        "InvoiceFromDateLocal": "2024-06-01",
        "InvoiceToDateLocal": "2024-06-30T23:59:59",
    }
    api.put(INV, body)
    got = api.get(f"{INV}/{rec['Id']}").json()
    assert got["DueDate"] == "2024-07-01T13:00:00Z"
    assert got["InvoiceFromDate"] == "2024-06-01T04:00:00Z"
    assert got["InvoiceToDate"] == "2024-07-01T03:59:59Z"


def test_local_twins_of_read_only_dates_are_accepted_and_ignored(api: Api, ny: Place) -> None:
    rec = api.get(f"{INV}/{api.invoice(ny.business, ny.coworker)}").json()
    twins = ("CreatedOnLocal", "PaidOnLocal", "RefundedOnLocal", "LastPaymentAttemptLocal")
    body = {**body_of(rec), **dict.fromkeys(twins, "2020-01-01T10:00:00")}
    assert_written(api.put(INV, body), "CoworkerInvoice", "updated", rec["Id"])
    got = api.get(f"{INV}/{rec['Id']}").json()
    assert got["CreatedOn"] == rec["CreatedOn"]
    assert (got["PaidOn"], got["RefundedOn"], got["LastPaymentAttempt"]) == (None, None, None)


@pytest.mark.parametrize("status", [0, 6, -1, "x", "3", 2.5, True])
def test_storecove_status_outside_1_to_5_is_rejected(api: Api, ny: Place, status: Any) -> None:
    rec = api.get(f"{INV}/{api.invoice(ny.business, ny.coworker)}").json()
    errors = problems(api.put(INV, {**body_of(rec), "StorecoveInvoiceStatus": status}))
    assert list(errors) == ["StorecoveInvoiceStatus"]


@pytest.mark.parametrize("status", [1, 2, 3, 4, 5])
def test_storecove_status_1_to_5_is_stored(api: Api, ny: Place, status: int) -> None:
    rec = api.get(f"{INV}/{api.invoice(ny.business, ny.coworker)}").json()
    api.put(INV, {**body_of(rec), "StorecoveInvoiceStatus": status})
    assert api.get(f"{INV}/{rec['Id']}").json()["StorecoveInvoiceStatus"] == status


def test_read_only_and_derived_fields_sent_are_ignored(api: Api, ny: Place) -> None:
    forged = {
        "TotalAmount": 999,
        "TaxAmount": 77,
        "PaidAmount": 500,
        "Paid": True,
        "PaidOn": "2024-01-01T00:00:00Z",
        "Void": True,
        "CreditNote": True,
        "Refunded": True,
        "Sent": True,
        "WaitingForInvoiceNumber": True,
        "Description": "forged",
        "DiscountAmount": 3,
        "TransactionTotalAmount": 12345,
        "TransactionExchangeRate": 9,
        "BusinessName": "forged",
        "CurrencyCode": "XXX",
    }
    biz = api.business(SimpleTimeZoneId="America/New_York", ExchangeRate=1.1)
    inv = api.invoice(biz, api.coworker(biz), **forged)
    Place(biz, 0).line(api, inv, 100, 20)
    rec = api.get(f"{INV}/{inv}").json()
    assert_written(api.put(INV, {**body_of(rec), **forged}), "CoworkerInvoice", "updated", inv)
    got = api.get(f"{INV}/{inv}").json()
    expected = {
        "TotalAmount": 120,
        "TaxAmount": 20,
        "PaidAmount": None,
        "Paid": False,
        "PaidOn": None,
        "Void": False,
        "CreditNote": False,
        "Refunded": False,
        "Sent": False,
        "WaitingForInvoiceNumber": False,
        "Description": "Desk",
        "DiscountAmount": 0,
        "TransactionTotalAmount": 132,  # TotalAmount x the business's exchange rate
        "TransactionExchangeRate": 1.1,
        "CurrencyCode": "GBP",
    }
    assert {k: got[k] for k in expected} == expected
    assert got["BusinessName"] != "forged"


def test_get_one_list_and_get_many_records_carry_exactly_the_spec_fields(
    api: Api, ny: Place
) -> None:
    inv = api.invoice(ny.business, ny.coworker)
    one = api.get(f"{INV}/{inv}").json()
    assert set(one) == SPEC_FIELDS, (set(one) - SPEC_FIELDS, SPEC_FIELDS - set(one))
    listed = api.get(INV, {"CoworkerInvoice_Id": inv}).json()["Records"]
    assert [set(r) for r in listed] == [SPEC_FIELDS]
    assert [set(r) for r in api.get(INV, {"id": f"[{inv}]"}).json()] == [SPEC_FIELDS]


def test_denormalised_values_come_from_the_related_records(api: Api, world: World) -> None:
    name = unique("Tokyo Desk")
    biz = api.business(Name=name, SimpleTimeZoneId="Asia/Tokyo")
    cw_body = {
        "FullName": unique("Ada Lovelace"),
        "BillingEmail": "ada@billing.example",
        "CompanyName": "Analytical Engines Ltd",
        "RegularPaymentProvider": 2,
        "RegularPaymentContractNumber": "RPC-1",
        "CardNumber": "4242",
        "GoCardlessContractNumber": "GC-9",
        "EnableGoCardlessPayments": True,
        "NotifyOnNewInvoice": True,
        "NotifyOnNewPayment": False,
        "NotifyOnFailedPayment": True,
        "DoNotProcessInvoicesAutomatically": True,
        "TeamNames": "Red, Blue",
    }
    cw = api.coworker(biz, **cw_body)
    inv = api.invoice(
        biz,
        cw,
        BillToCountryId=world.country_es,
        CurrencyId=world.currency_jpy,
        TransactionCurrencyId=world.currency_eur,
    )
    got = api.get(f"{INV}/{inv}").json()
    expected = {f"Coworker{k}": v for k, v in cw_body.items()}
    expected["CoworkerRegularPaymentProvider"] = "Stripe"
    expected |= {
        "BusinessName": name,
        "BillToCountryName": "Spain",
        "BillToCountryTwoDigitsCode": "ES",
        "CurrencyCode": "JPY",
        "TransactionCurrencyCode": "EUR",
    }
    assert {k: got[k] for k in expected} == expected
    # Copied values follow their source: a renamed customer reads renamed on the invoice.
    cw_rec = api.get(f"/api/spaces/coworkers/{cw}").json()
    renamed = unique("Ada King")
    r = api.put(
        "/api/spaces/coworkers", {**cw_rec, "FullName": renamed, "RegularPaymentProvider": 96}
    )
    assert r.status_code == 200, r.text
    got = api.get(f"{INV}/{inv}").json()
    assert (got["CoworkerFullName"], got["CoworkerRegularPaymentProvider"]) == (
        renamed,
        "BankTransfer",
    )


ZONE_CASES = [
    ("America/New_York", "2024-01-15T12:00:00Z", "2024-01-15T07:00:00"),
    ("America/New_York", "2024-03-10T06:59:59Z", "2024-03-10T01:59:59"),  # last EST second
    ("America/New_York", "2024-03-10T07:00:00Z", "2024-03-10T03:00:00"),  # first EDT second
    ("America/New_York", "2024-11-03T05:30:00Z", "2024-11-03T01:30:00"),  # EDT ...
    ("America/New_York", "2024-11-03T06:30:00Z", "2024-11-03T01:30:00"),  # ... the hour again
    ("America/New_York", "2024-03-10T03:30:00Z", "2024-03-09T22:30:00"),  # previous local day
    ("Asia/Tokyo", "2024-03-10T07:00:00Z", "2024-03-10T16:00:00"),
    ("Asia/Tokyo", "2024-12-31T15:00:00Z", "2025-01-01T00:00:00"),
]


@pytest.mark.parametrize(("zone", "utc", "local"), ZONE_CASES)
def test_local_twins_are_the_same_instants_in_the_business_zone(
    api: Api, places: dict[str, Place], zone: str, utc: str, local: str
) -> None:
    p = places[zone]
    dates = dict.fromkeys(("DueDate", "InvoiceFromDate", "InvoiceToDate"), utc)
    inv = api.invoice(p.business, p.coworker, **dates)
    p.line(api, inv, 10)
    p.pay(api, inv, 10, utc)
    got = api.get(f"{INV}/{inv}").json()
    for base in ("DueDate", "InvoiceFromDate", "InvoiceToDate", "PaidOn"):
        assert (got[base], got[f"{base}Local"]) == (utc, local), base
    created = datetime.fromisoformat(got["CreatedOn"].replace("Z", "+00:00"))
    assert got["CreatedOnLocal"] == created.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M:%S")
    assert (got["RefundedOnLocal"], got["LastPaymentAttemptLocal"]) == (None, None)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2024-03-10", "2024-03-10T00:00:00Z"),
        ("2024-03-10T08:00", "2024-03-10T08:00:00Z"),
        ("2024-03-10T08:00:00.750Z", "2024-03-10T08:00:00Z"),
        ("2024-03-10T03:00:00-05:00", "2024-03-10T08:00:00Z"),
        ("2024-03-10T17:00:00+09:00", "2024-03-10T08:00:00Z"),
    ],
)
def test_base_dates_come_in_as_any_iso_form(api: Api, ny: Place, sent: str, stored: str) -> None:
    inv = api.invoice(ny.business, ny.coworker, DueDate=sent)
    assert api.get(f"{INV}/{inv}").json()["DueDate"] == stored


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", 20240310, True])
def test_unparseable_dates_are_a_400(api: Api, ny: Place, bad: Any) -> None:
    assert problems(api.post(INV, {"DueDate": bad})).get("DueDate") is not None


def test_draft_without_a_number_reads_an_empty_invoice_number(api: Api, ny: Place) -> None:
    inv = api.invoice(ny.business, ny.coworker, Draft=True, InvoiceNumber="")
    got = api.get(f"{INV}/{inv}").json()
    assert (got["Draft"], got["InvoiceNumber"]) == (True, "")


def test_get_many_by_id_and_by_list_filter(api: Api, ny: Place) -> None:
    a, b, c = (api.invoice(ny.business, ny.coworker) for _ in range(3))
    r = api.get(INV, {"id": f"[{c},{a},99999999]"})
    assert r.status_code == 200 and isinstance(r.json(), list)
    assert sorted(x["Id"] for x in r.json()) == sorted([c, a])
    r = api.get(f"{INV}/?id=%5B{b}%2C{a}%5D")
    assert sorted(x["Id"] for x in r.json()) == sorted([a, b])
    page = api.get(INV, {"CoworkerInvoice_Id": f"[{a},{c},99999999]"}).json()
    assert sorted(x["Id"] for x in page["Records"]) == sorted([a, c])
    assert (page["TotalItems"], page["TotalPages"]) == (2, 1)


def test_delete_is_not_allowed(api: Api, ny: Place) -> None:
    inv = api.invoice(ny.business, ny.coworker)
    r = api.delete(f"{INV}/{inv}")
    assert r.status_code == 405
    assert r.json()["WasSuccessful"] is False
    assert api.get(f"{INV}/{inv}").status_code == 200


@pytest.mark.parametrize(
    "prop", ["CoworkerId", "BusinessId", "BillToCountryId", "CurrencyId", "TransactionCurrencyId"]
)
def test_unknown_reference_is_not_a_valid_value(
    api: Api, ny_user: Api, places: dict[str, Place], ny: Place, prop: str
) -> None:
    rec = api.get(f"{INV}/{api.invoice(ny.business, ny.coworker)}").json()
    body = {**body_of(rec), prop: 99999999}
    assert problems(api.put(INV, body)) == {prop: "is not a valid value"}
    assert problems(api.post(INV, {**body, "Id": None})) == {prop: "is not a valid value"}
    if prop in ("CoworkerId", "BusinessId"):  # records of a business the caller may not see
        tokyo = places["Asia/Tokyo"]
        hidden = {"CoworkerId": tokyo.coworker, "BusinessId": tokyo.business}[prop]
        assert problems(ny_user.put(INV, {**body, prop: hidden})) == {prop: "is not a valid value"}
