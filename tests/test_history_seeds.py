"""The documented CoworkerInvoiceHistory examples (seeds 000 PUT, 001 POST, 004 GitBook page), each
replayed over HTTP: key sets, key order and messages exactly as the seeds and decisions.md fix them.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.support import ADMIN_EMAIL, Api, unique
from tests.test_history_filters import set_invoice_columns, utc

P = "/api/billing/coworkerinvoicehistories"
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
ACTION_KEYS = [
    "Status", "Message", "Value", "OpenInDialog", "OpenInWindow", "RedirectURL", "JavaScript",
    "UpdatedOn", "UpdatedBy", "Errors", "WasSuccessful",
]  # fmt: skip
ERROR_KEYS = ["Status", "Message", "Value", "Errors", "WasSuccessful"]
PAGE_KEYS = [
    "Records", "CurrentPageSize", "CurrentPage", "CurrentOrderField", "CurrentSortDirection",
    "FirstItem", "HasNextPage", "HasPreviousPage", "LastItem", "PageNumber", "PageSize",
    "TotalItems", "TotalPages",
]  # fmt: skip
# get-one field -> the flattened key seed 004 shows for it in list records
FLAT = {
    "CoworkerInvoiceId": "CoworkerInvoice",
    "CoworkerInvoiceCoworkerId": "CoworkerInvoiceHistoryCoworkerInvoiceCoworker_Id",
    "CoworkerInvoiceBusinessId": "CoworkerInvoiceHistoryCoworkerInvoiceBusiness_Id",
    "CoworkerInvoiceBusinessCurrencyCode": (
        "CoworkerInvoiceHistoryCoworkerInvoiceBusiness_Currency_Code"
    ),
    "CoworkerInvoiceCoworkerFullName": "CoworkerInvoiceHistoryCoworkerInvoiceCoworker_FullName",
    "CoworkerInvoiceTotalAmount": "CoworkerInvoiceHistoryCoworkerInvoiceTotalAmount",
    "CoworkerInvoiceInvoiceNumber": "CoworkerInvoiceHistoryCoworkerInvoiceInvoiceNumber",
    "CoworkerInvoiceBillToName": "CoworkerInvoiceHistoryCoworkerInvoiceBillToName",
    "CoworkerInvoicePaid": "CoworkerInvoiceHistoryCoworkerInvoicePaid",
    "CoworkerInvoicePaidOn": "CoworkerInvoiceHistoryCoworkerInvoicePaidOn",
    "CoworkerInvoiceRefunded": "CoworkerInvoiceHistoryCoworkerInvoiceRefunded",
    "CoworkerInvoiceRefundedOn": "CoworkerInvoiceHistoryCoworkerInvoiceRefundedOn",
    "CoworkerInvoiceDueDate": "CoworkerInvoiceHistoryCoworkerInvoiceDueDate",
    "CoworkerInvoiceDraft": "CoworkerInvoiceHistoryCoworkerInvoiceDraft",
}
# spec 4.2 plus the base fields of spec 1.3
GET_ONE_KEYS = {
    *FLAT.keys(), "Name", "Description", "IsProblem", "Notify",
    "Id", "UniqueId", "CreatedOn", "UpdatedOn", "UpdatedBy", "IsNew", "SystemId",
    "ToStringText", "LocalizationDetails", "CustomFields",
}  # fmt: skip


def assert_success(r: Any, verb: str, ident: int | None = None) -> int:
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == ACTION_KEYS
    assert body["Status"] == 200
    assert body["Message"] == f"CoworkerInvoiceHistory was successfully {verb}."
    assert set(body["Value"]) == {"Id"} and isinstance(body["Value"]["Id"], int)
    if ident is not None:
        assert body["Value"] == {"Id": ident}
    assert body["OpenInDialog"] is False and body["OpenInWindow"] is False
    assert body["RedirectURL"] is None and body["JavaScript"] is None
    assert STAMP.match(body["UpdatedOn"]), body["UpdatedOn"]
    assert body["UpdatedBy"] == ADMIN_EMAIL
    assert body["Errors"] is None
    assert body["WasSuccessful"] is True
    return int(body["Value"]["Id"])


def required_error(names: list[str], attempted: list[Any]) -> dict[str, Any]:
    return {
        "Status": 400,
        "Message": "; ".join(f"{n}: is a required field" for n in names),
        "Value": None,
        "Errors": [
            {"AttemptedValue": a, "Message": "is a required field", "PropertyName": n}
            for n, a in zip(names, attempted, strict=True)
        ],
        "WasSuccessful": False,
    }


@pytest.fixture()
def invoice(api: Api) -> int:
    biz = api.business()
    return api.invoice(biz, api.coworker(biz))


# ------------------------------------------------------------------ seed 001 (POST) / 000 (PUT)


def test_seed001_post_creates_and_answers_the_full_envelope(api: Api, invoice: int) -> None:
    name, desc = unique("Invoice sent"), unique("Sent by e-mail")
    r = api.post(P, {"CoworkerInvoiceId": invoice, "Name": name, "Description": desc})
    hid = assert_success(r, "created")
    rec = api.get(f"{P}/{hid}").json()
    assert (rec["CoworkerInvoiceId"], rec["Name"], rec["Description"]) == (invoice, name, desc)
    assert (rec["IsProblem"], rec["Notify"], rec["SystemId"]) == (False, False, None)
    assert rec["UpdatedBy"] == ADMIN_EMAIL
    assert rec["CreatedOn"] == rec["UpdatedOn"] == r.json()["UpdatedOn"]


def test_seed001_literal_body_is_three_required_fields(api: Api) -> None:
    r = api.post(P, {"CoworkerInvoiceId": 0, "Name": "", "Description": ""})
    assert r.status_code == 400, r.text
    assert list(r.json()) == ERROR_KEYS
    names = ["CoworkerInvoiceId", "Name", "Description"]
    assert r.json() == required_error(names, [0, "", ""])


def test_seed000_put_updates_and_answers_the_full_envelope(api: Api, invoice: int) -> None:
    hid = api.history(invoice)
    name, desc = unique("Payment received"), unique("Bank transfer")
    body = {"CoworkerInvoiceId": invoice, "Name": name, "Description": desc, "Id": hid}
    assert_success(api.put(P, body), "updated", hid)
    rec = api.get(f"{P}/{hid}").json()
    assert (rec["Name"], rec["Description"]) == (name, desc)


def test_seed000_literal_body_is_three_required_fields(api: Api) -> None:
    body = {"CoworkerInvoiceId": 0, "Name": "", "Description": "", "Id": 87654321}
    r = api.put(P, body)
    assert r.status_code == 400, r.text
    assert r.json() == required_error(["CoworkerInvoiceId", "Name", "Description"], [0, "", ""])


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_seed_400_example_name_missing(api: Api, invoice: int, method: str) -> None:
    body: dict[str, Any] = {"CoworkerInvoiceId": invoice, "Description": "d"}
    if method == "PUT":
        body["Id"] = api.history(invoice)
    r = api.client.request(method, P, json=body, headers=api.auth)
    assert r.status_code == 400, r.text
    assert list(r.json()) == ERROR_KEYS
    assert r.json() == {
        "Status": 400,
        "Message": "Name: is a required field",
        "Value": None,
        "Errors": [
            {"AttemptedValue": None, "Message": "is a required field", "PropertyName": "Name"}
        ],
        "WasSuccessful": False,
    }


# ------------------------------------------------------------------ seed 004 (GitBook page)


@pytest.fixture()
def rich(client: TestClient, api: Api) -> dict[str, Any]:
    """A history entry whose invoice has every related value set (none left null)."""
    biz = api.business(CurrencyId=api.world.currency_eur)  # type: ignore[union-attr]
    cw = api.coworker(biz, FullName=unique("Ada Lovelace"))
    inv = api.invoice(biz, cw, DueDate="2024-03-05T10:00:00Z", Draft=True)
    set_invoice_columns(
        client, inv, total_amount=Decimal("120.5"), paid=True,
        paid_on=utc("2024-04-01T12:00:00Z"), refunded=True, refunded_on=utc("2024-05-02T08:00:00Z"),
    )  # fmt: skip
    hid = api.history(inv, Name=unique("00001"), SystemId="{ metadata: { id: 887766 } }")
    return {"biz": biz, "cw": cw, "inv": inv, "hid": hid}


def test_seed004_get_single(api: Api, rich: dict[str, Any]) -> None:
    r = api.get(f"{P}/{rich['hid']}")
    assert r.status_code == 200, r.text
    rec = r.json()
    assert set(rec) == GET_ONE_KEYS
    inv = api.get(f"/api/billing/coworkerinvoices/{rich['inv']}").json()
    assert rec["Id"] == rich["hid"] and rec["CoworkerInvoiceId"] == rich["inv"]
    assert rec["CoworkerInvoiceCoworkerId"] == rich["cw"]
    assert rec["CoworkerInvoiceBusinessId"] == rich["biz"]
    assert rec["CoworkerInvoiceBusinessCurrencyCode"] == "EUR"
    assert rec["CoworkerInvoiceCoworkerFullName"] == inv["CoworkerFullName"]
    assert rec["CoworkerInvoiceTotalAmount"] == 120.5
    assert rec["CoworkerInvoiceInvoiceNumber"] == inv["InvoiceNumber"]
    assert rec["CoworkerInvoiceBillToName"] == inv["BillToName"]
    assert rec["CoworkerInvoicePaid"] is True and rec["CoworkerInvoiceRefunded"] is True
    assert rec["CoworkerInvoicePaidOn"] == "2024-04-01T12:00:00Z"
    assert rec["CoworkerInvoiceRefundedOn"] == "2024-05-02T08:00:00Z"
    assert rec["CoworkerInvoiceDueDate"] == "2024-03-05T10:00:00Z"
    assert rec["CoworkerInvoiceDraft"] is True
    assert rec["IsProblem"] is False and rec["Notify"] is False and rec["IsNew"] is True
    assert rec["SystemId"] == "{ metadata: { id: 887766 } }"
    assert rec["ToStringText"] == rec["Name"]
    assert uuid.UUID(rec["UniqueId"])
    assert STAMP.match(rec["CreatedOn"]) and STAMP.match(rec["UpdatedOn"])
    assert rec["UpdatedBy"] == ADMIN_EMAIL


def check_list_record(listed: dict[str, Any], one: dict[str, Any]) -> None:
    assert set(listed) == GET_ONE_KEYS | set(FLAT.values())
    for name, flat in FLAT.items():
        assert listed[flat] == one[name] and type(listed[flat]) is type(one[name]), flat
    assert {k: v for k, v in listed.items() if k in GET_ONE_KEYS} == one


def test_seed004_find(api: Api, rich: dict[str, Any]) -> None:
    one = api.get(f"{P}/{rich['hid']}").json()
    r = api.get(P, {"CoworkerInvoiceHistory_Name": one["Name"]})
    assert r.status_code == 200, r.text
    page = r.json()
    assert list(page) == PAGE_KEYS
    assert len(page["Records"]) == 1
    check_list_record(page["Records"][0], one)
    assert {k: v for k, v in page.items() if k != "Records"} == {
        "CurrentPageSize": 25, "CurrentPage": 1, "CurrentOrderField": "CreatedOn",
        "CurrentSortDirection": 1, "FirstItem": 1, "HasNextPage": False,
        "HasPreviousPage": False, "LastItem": 1, "PageNumber": 1, "PageSize": 25,
        "TotalItems": 1, "TotalPages": 1,
    }  # fmt: skip


def test_seed004_pagination_example_parameters(api: Api, invoice: int) -> None:
    tag = unique("pagination")
    hids = [api.history(invoice, Name=f"{tag} {n}") for n in range(2)]
    params = {
        "CoworkerInvoiceHistory_Name": tag,
        "page": "1", "size": "25", "orderby": "Id", "sort": "ascending",
    }  # fmt: skip
    page = api.get(P, params).json()
    assert [rec["Id"] for rec in page["Records"]] == hids
    assert (page["CurrentOrderField"], page["CurrentSortDirection"]) == ("Id", 1)
    assert (page["PageSize"], page["CurrentPage"], page["TotalItems"]) == (25, 1, 2)


@pytest.mark.parametrize("encoded", [False, True])
def test_seed004_find_by_ids(api: Api, invoice: int, encoded: bool) -> None:
    a, _, b = (api.history(invoice) for _ in range(3))
    ids = f"[{b},{a}]"
    url = f"{P}?CoworkerInvoiceHistory_Id=" + (
        ids.replace("[", "%5B").replace("]", "%5D").replace(",", "%2C") if encoded else ids
    )
    r = api.get(url)
    assert r.status_code == 200, r.text
    page = r.json()
    assert list(page) == PAGE_KEYS
    assert [rec["Id"] for rec in page["Records"]] == [a, b]  # CreatedOn, then Id
    for rec in page["Records"]:
        check_list_record(rec, api.get(f"{P}/{rec['Id']}").json())
    assert {k: v for k, v in page.items() if k != "Records"} == {
        "CurrentPageSize": 25, "CurrentPage": 1, "CurrentOrderField": "CreatedOn",
        "CurrentSortDirection": 1, "FirstItem": 1, "HasNextPage": False,
        "HasPreviousPage": False, "LastItem": 2, "PageNumber": 1, "PageSize": 25,
        "TotalItems": 2, "TotalPages": 1,
    }  # fmt: skip


@pytest.mark.parametrize(
    "template",
    [
        P + "/?id=[{a},{b},{missing}]",
        P + "?id=[{a},{b},{missing}]",
        P + "/?id=%5B{a}%2C{b}%2C{missing}%5D",
        P + "/?ID=%5B{a},{b},{missing}%5D",
    ],
)
def test_get_many_is_a_bare_array_and_never_redirected(
    api: Api, invoice: int, template: str
) -> None:
    a, b = api.history(invoice), api.history(invoice)
    r = api.get(template.format(a=a, b=b, missing=2_000_000_000), follow_redirects=False)
    assert r.status_code == 200, r.text
    records = r.json()
    assert isinstance(records, list)
    assert sorted(rec["Id"] for rec in records) == [a, b]
    for rec in records:
        assert rec == api.get(f"{P}/{rec['Id']}").json()


def test_trailing_slash_search_is_served(api: Api, invoice: int) -> None:
    hid = api.history(invoice)
    r = api.get(f"{P}/?CoworkerInvoiceHistory_Id=[{hid}]", follow_redirects=False)
    assert r.status_code == 200, r.text
    assert list(r.json()) == PAGE_KEYS
    assert [rec["Id"] for rec in r.json()["Records"]] == [hid]


def test_seed004_create_example(api: Api, invoice: int) -> None:
    body = {
        "CoworkerInvoiceId": invoice,
        "Name": "00001",
        "Description": "00001",
        "IsProblem": False,
    }
    hid = assert_success(api.post(P, body), "created")
    rec = api.get(f"{P}/{hid}").json()
    assert (rec["Name"], rec["Description"], rec["IsProblem"]) == ("00001", "00001", False)


def test_seed004_literal_create_body_gets_an_envelope(api: Api) -> None:
    """The page's body has a trailing comma and an invoice id that does not exist."""
    raw = (
        b'{\n    "CoworkerInvoiceId": 12345678,\n    "Name": "00001",\n'
        b'    "Description": "00001",\n    "IsProblem": false,\n}'
    )
    r = api.client.post(P, content=raw, headers={**api.auth, "Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    body = r.json()
    assert list(body) == ERROR_KEYS
    assert body["WasSuccessful"] is False and body["Value"] is None and body["Status"] == 400
    assert len(body["Errors"]) == 1
    assert body["Errors"][0]["PropertyName"] in ("Body", "CoworkerInvoiceId")


def test_seed004_update_example(api: Api, invoice: int) -> None:
    hid = api.history(invoice, IsProblem=True)
    body = {
        "Id": hid, "CoworkerInvoiceId": invoice, "Name": "00001", "Description": "00001",
        "IsProblem": False,
    }  # fmt: skip
    assert_success(api.put(P, body), "updated", hid)
    rec = api.get(f"{P}/{hid}").json()
    assert (rec["Name"], rec["Description"], rec["IsProblem"]) == ("00001", "00001", False)


def test_seed004_get_commands_is_empty_for_history(api: Api, invoice: int) -> None:
    r = api.get(f"{P}/commands")
    assert r.status_code == 200, r.text
    assert r.json() == []
    hid = api.history(invoice)
    r = api.get(f"{P}/commands", {"id": str(hid)})
    assert (r.status_code, r.json()) == (200, [])


@pytest.mark.parametrize("path", ["runcommand", "runCommand"])
def test_seed004_run_command_with_an_unknown_key(api: Api, invoice: int, path: str) -> None:
    hid = api.history(invoice)
    body = {
        "Ids": [hid],
        "Parameters": [{"Type": "string", "Value": 987654321}, {"Type": "Boolean", "Value": True}],
        "Key": "COMMAND_KEY_2",
    }
    r = api.post(f"{P}/{path}", body)
    assert r.status_code == 400, r.text
    assert r.json() == {
        "Status": 400,
        "Message": "Key: is not a valid value",
        "Value": None,
        "Errors": [
            {
                "AttemptedValue": "COMMAND_KEY_2",
                "Message": "is not a valid value",
                "PropertyName": "Key",
            }
        ],
        "WasSuccessful": False,
    }
    r = api.post(f"{P}/{path}", {"Ids": [hid]})
    assert r.status_code == 400, r.text
    assert r.json()["Message"] == "Key: is a required field"


def test_delete_then_get_is_404(api: Api, invoice: int) -> None:
    hid = api.history(invoice)
    assert_success(api.delete(f"{P}/{hid}"), "deleted", hid)
    r = api.get(f"{P}/{hid}")
    assert r.status_code == 404, r.text
    body = r.json()
    assert list(body) == ERROR_KEYS
    assert (body["Status"], body["Value"], body["Errors"], body["WasSuccessful"]) == (
        404, None, None, False,
    )  # fmt: skip
    assert "CoworkerInvoiceHistory" in body["Message"] and str(hid) in body["Message"]
    page = api.get(P, {"CoworkerInvoiceHistory_Id": f"[{hid}]"}).json()
    assert page["Records"] == [] and page["TotalItems"] == 0
    assert api.get(f"{P}/?id=[{hid}]").json() == []
