"""Bad input over HTTP: malformed or mistyped bodies, oversized values, unknown references,
unparseable query parameters and unknown routes or methods. Each answers a 4xx JSON envelope of
the documented shape — never a 500, never a traceback — and writes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.support import Api

H = "/api/billing/coworkerinvoicehistories"
INV = "/api/billing/coworkerinvoices"
ENVELOPE = {"Status", "Message", "Value", "Errors", "WasSuccessful"}


def assert_clean(r: Any, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert "Traceback" not in r.text and 'File "' not in r.text
    body: dict[str, Any] = r.json()
    assert body["Status"] == status
    assert isinstance(body["Message"], str) and body["Message"]
    return body


def assert_envelope(r: Any, status: int) -> dict[str, Any]:
    body = assert_clean(r, status)
    assert set(body) == ENVELOPE, body
    assert body["WasSuccessful"] is False
    assert body["Value"] is None
    return body


def assert_invalid(r: Any, *props: str) -> list[dict[str, Any]]:
    """A 400 validation envelope naming exactly ``props``, its Message joining every error."""
    body = assert_envelope(r, 400)
    errors: list[dict[str, Any]] = body["Errors"]
    for e in errors:
        assert set(e) == {"AttemptedValue", "Message", "PropertyName"}
    assert [e["PropertyName"] for e in errors] == list(props)
    assert body["Message"] == "; ".join(f"{e['PropertyName']}: {e['Message']}" for e in errors)
    return errors


@pytest.fixture()
def invoice_id(api: Api) -> int:
    biz = api.business()
    return api.invoice(biz, api.coworker(biz))


def entries(api: Api, invoice_id: int) -> list[int]:
    page = api.get(H, {"CoworkerInvoiceHistory_CoworkerInvoice": invoice_id, "size": 1000})
    assert page.status_code == 200, page.text
    return [rec["Id"] for rec in page.json()["Records"]]


def raw(api: Api, method: str, path: str, content: bytes) -> Any:
    headers = {**api.auth, "content-type": "application/json"}
    return api.client.request(method, path, content=content, headers=headers)


# ------------------------------------------------------------------------------------ bodies


@pytest.mark.parametrize(
    "content",
    [
        b'{"Name": ',
        b"",
        b"{'Name': 'single quotes'}",
        b'{"Name": "x",,}',
        b"NaN",
        b'{"Name": "\xff\xfe"}',
        b'{"Name": "\\ud800"}',
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_malformed_json(api: Api, invoice_id: int, content: bytes) -> None:
    before = entries(api, invoice_id)
    for method, path in (("POST", H), ("PUT", H), ("POST", f"{H}/runcommand")):
        errors = assert_invalid(raw(api, method, path, content), "Body")
        assert errors[0]["Message"] == "is not valid JSON"
    assert entries(api, invoice_id) == before


@pytest.mark.parametrize("body", [[], [{"Name": "x"}], "a string", 42, True, None])
def test_json_that_is_not_an_object(api: Api, invoice_id: int, body: Any) -> None:
    before = entries(api, invoice_id)
    content = json.dumps(body).encode()
    for method, path in (("POST", H), ("PUT", H), ("POST", f"{H}/runcommand")):
        errors = assert_invalid(raw(api, method, path, content), "Body")
        assert errors[0]["Message"] == "must be a JSON object"
    assert entries(api, invoice_id) == before


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        ("CoworkerInvoiceId", "abc", "is not a valid integer"),
        ("CoworkerInvoiceId", True, "is not a valid integer"),
        ("CoworkerInvoiceId", 1.5, "is not a valid integer"),
        ("CoworkerInvoiceId", [1], "is not a valid integer"),
        ("CoworkerInvoiceId", {"Id": 1}, "is not a valid integer"),
        ("Name", 5, "is not a valid string"),
        ("Name", True, "is not a valid string"),
        ("Name", ["a"], "is not a valid string"),
        ("Description", {"a": 1}, "is not a valid string"),
        ("IsProblem", "yes", "is not a valid boolean"),
        ("IsProblem", 1, "is not a valid boolean"),
        ("Notify", {}, "is not a valid boolean"),
        ("SystemId", 12, "is not a valid string"),
    ],
)
def test_wrong_types(api: Api, invoice_id: int, prop: str, value: Any, message: str) -> None:
    before = entries(api, invoice_id)
    body = {"CoworkerInvoiceId": invoice_id, "Name": "n", "Description": "d", prop: value}
    (error,) = assert_invalid(api.post(H, body), prop)
    assert error == {"AttemptedValue": value, "Message": message, "PropertyName": prop}
    hid = api.history(invoice_id)
    (error,) = assert_invalid(api.put(H, {**body, "Id": hid}), prop)
    assert error["Message"] == message
    assert api.get(f"{H}/{hid}").json()["Name"] != "n"
    assert entries(api, invoice_id) == [*before, hid]


def test_every_problem_is_reported_at_once(api: Api, invoice_id: int) -> None:
    body = {"CoworkerInvoiceId": "abc", "Name": 5, "Description": {}, "IsProblem": "yes"}
    errors = assert_invalid(
        api.post(H, body), "CoworkerInvoiceId", "Name", "Description", "IsProblem"
    )
    assert [e["AttemptedValue"] for e in errors] == ["abc", 5, {}, "yes"]
    errors = assert_invalid(api.post(H, {}), "CoworkerInvoiceId", "Name", "Description")
    assert {e["Message"] for e in errors} == {"is a required field"}


def test_wrong_types_in_other_entities(api: Api) -> None:
    w = api.world
    assert w is not None
    body = {"Name": 7, "CountryId": "GB", "CurrencyId": w.currency_gbp, "SimpleTimeZoneId": []}
    assert_invalid(api.post("/api/sys/businesses", body), "Name", "CountryId", "SimpleTimeZoneId")
    biz = api.business()
    body = {
        "FullName": "F",
        "Email": "f@example.com",
        "CountryId": w.country_gb,
        "SimpleTimeZoneId": "Europe/London",
        "InvoicingBusinessId": str(biz),
        "CoworkerType": "Company",
        "EnableGoCardlessPayments": "false",
    }
    assert_invalid(
        api.post("/api/spaces/coworkers", body),
        "InvoicingBusinessId",
        "CoworkerType",
        "EnableGoCardlessPayments",
    )


def test_put_needs_a_valid_id(api: Api, invoice_id: int) -> None:
    body = {"CoworkerInvoiceId": invoice_id, "Name": "n", "Description": "d"}
    (error,) = assert_invalid(api.put(H, body), "Id")
    assert error["Message"] == "is a required field"
    for bad in ("abc", 2**40, 1.5, [1]):
        assert_invalid(api.put(H, {**body, "Id": bad}), "Id")
    assert_envelope(api.put(H, {**body, "Id": 2**31 - 1}), 404)


@pytest.mark.parametrize(("prop", "limit"), [("Name", 255), ("Description", 4000)])
def test_huge_strings(api: Api, invoice_id: int, prop: str, limit: int) -> None:
    before = entries(api, invoice_id)
    body = {"CoworkerInvoiceId": invoice_id, "Name": "n", "Description": "d", prop: "x" * 100_000}
    (error,) = assert_invalid(api.post(H, body), prop)
    assert error["Message"] == f"must be at most {limit} characters long"
    # The limit itself is accepted.
    hid = api.history(invoice_id, **{prop: "y" * limit})
    assert api.get(f"{H}/{hid}").json()[prop] == "y" * limit
    assert entries(api, invoice_id) == [*before, hid]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (2**31 - 1, "is not a valid value"),
        (-7, "is not a valid value"),
        (2**40, "is out of range"),
        (-(2**40), "is out of range"),
        (10**30, "is out of range"),
    ],
)
def test_bad_foreign_keys(api: Api, invoice_id: int, value: int, message: str) -> None:
    before = entries(api, invoice_id)
    body = {"CoworkerInvoiceId": value, "Name": "n", "Description": "d"}
    (error,) = assert_invalid(api.post(H, body), "CoworkerInvoiceId")
    assert error == {
        "AttemptedValue": value,
        "Message": message,
        "PropertyName": "CoworkerInvoiceId",
    }
    assert entries(api, invoice_id) == before


def test_body_larger_than_the_limit(api: Api, invoice_id: int) -> None:
    padding = "x" * 2_000_000
    body = {"CoworkerInvoiceId": invoice_id, "Name": "n", "Description": "d", "Pad": padding}
    (error,) = assert_invalid(api.post(H, body), "Body")
    assert "at most" in error["Message"]
    assert error["AttemptedValue"] is None  # the body is never echoed back


def test_runcommand_body_problems(api: Api, invoice_id: int) -> None:
    hid = api.history(invoice_id)
    url = f"{H}/runcommand"
    assert_invalid(api.post(url, {"Ids": [hid]}), "Key")
    assert_invalid(api.post(url, {"Key": "NOPE", "Ids": [hid]}), "Key")
    assert_invalid(api.post(url, {"Key": "NOPE", "Ids": "all"}), "Key", "Ids")
    assert_invalid(
        api.post(url, {"Key": "NOPE", "Ids": [hid], "Parameters": 3}), "Key", "Parameters"
    )


# ------------------------------------------------------------------------- query parameters


def page_of(api: Api, invoice_id: int, **params: Any) -> Any:
    return api.get(H, {"CoworkerInvoiceHistory_CoworkerInvoice": invoice_id, **params})


@pytest.mark.parametrize(
    ("params", "props"),
    [
        ({"page": "abc"}, ["page"]),
        ({"size": "abc"}, ["size"]),
        ({"page": "0"}, ["page"]),
        ({"page": "-3"}, ["page"]),
        ({"page": "1.5"}, ["page"]),
        ({"Page": "x"}, ["Page"]),  # names match case-insensitively and are echoed as sent
        ({"orderBy": "Nope"}, ["orderBy"]),
        ({"orderby": "CustomFields"}, ["orderby"]),  # not a sortable field
        ({"dir": "sideways"}, ["dir"]),
        ({"page": "abc", "orderBy": "Nope", "dir": "up"}, ["page", "orderBy", "dir"]),
        ({"from_CoworkerInvoiceHistory_CreatedOn": "not-a-date"}, None),
        ({"to_CoworkerInvoiceHistory_UpdatedOn": "2024-13-45"}, None),
        ({"CoworkerInvoiceHistory_CreatedOn": "yesterday"}, None),
        ({"from_CoworkerInvoiceHistory_CreatedOn": "2024-02-30T10:00:00Z"}, None),
        ({"CoworkerInvoiceHistory_CreatedOn": "2024-01-01T25:00"}, None),
        ({"CoworkerInvoiceHistory_IsProblem": "maybe"}, None),
        ({"CoworkerInvoiceHistory_Id": "abc"}, None),
    ],
)
def test_unparseable_list_parameters(
    api: Api, invoice_id: int, params: dict[str, str], props: list[str] | None
) -> None:
    errors = assert_invalid(page_of(api, invoice_id, **params), *(props or list(params)))
    for e, (_, value) in zip(errors, params.items(), strict=True):
        assert e["AttemptedValue"] == value


def test_unparseable_dates_on_invoices(api: Api, invoice_id: int) -> None:
    for name in (
        "CoworkerInvoice_DueDate",
        "from_CoworkerInvoice_DueDate",
        "to_CoworkerInvoice_InvoiceFromDate",
        "CoworkerInvoice_DueDateLocal",
        "from_CoworkerInvoice_PaidOnLocal",
    ):
        assert_invalid(api.get(INV, {name: "31/12/2024"}), name)


def test_page_size_defaults_and_clamps(api: Api, invoice_id: int) -> None:
    for size, expected in (("0", 25), ("-5", 25), ("", 25), ("100000", 1000), ("1000", 1000)):
        r = page_of(api, invoice_id, size=size)
        assert r.status_code == 200, r.text
        assert r.json()["CurrentPageSize"] == expected
        assert r.json()["PageSize"] == expected
    far = page_of(api, invoice_id, page=str(2**40))
    assert far.status_code == 200, far.text
    assert far.json()["Records"] == []


def test_get_many_bad_ids(api: Api, invoice_id: int) -> None:
    hid = api.history(invoice_id)
    for text in ("[1,abc]", "abc", "[,]", "[1.5]"):
        (error,) = assert_invalid(api.get(H, {"id": text}), "id")
        assert error["AttemptedValue"] == text
    # Ids that cannot exist are simply not found.
    r = api.get(H, {"id": f"[{hid},99999999999,-99999999999,0]"})
    assert r.status_code == 200, r.text
    assert [rec["Id"] for rec in r.json()] == [hid]


@pytest.mark.parametrize("ident", ["abc", "1.5", "0x10", "99999999999", "-1", "0"])
def test_bad_path_ids(api: Api, ident: str) -> None:
    for method in ("GET", "DELETE"):
        r = api.client.request(method, f"{H}/{ident}", headers=api.auth)
        (error,) = assert_invalid(r, "Id")
        assert error["AttemptedValue"] == ident


def test_missing_record_is_a_404_envelope(api: Api) -> None:
    body = assert_envelope(api.get(f"{H}/{2**31 - 1}"), 404)
    assert "CoworkerInvoiceHistory" in body["Message"] and str(2**31 - 1) in body["Message"]
    assert_envelope(api.delete(f"{H}/{2**31 - 1}"), 404)
    assert_envelope(api.get(f"{H}/commands", {"id": 2**31 - 1}), 404)


# ---------------------------------------------------------------------- routes and methods


def test_invoices_have_no_delete(api: Api, invoice_id: int) -> None:
    for ident in (1, invoice_id):
        body = assert_envelope(api.delete(f"{INV}/{ident}"), 405)
        assert "DELETE" in body["Message"]
        assert body["Errors"] is None
    assert api.get(f"{INV}/{invoice_id}").status_code == 200


def test_patch_is_not_allowed(api: Api, invoice_id: int) -> None:
    hid = api.history(invoice_id)
    for path in (H, f"{H}/", f"{H}/{hid}", INV, f"{INV}/{invoice_id}"):
        r = api.client.patch(path, json={"Name": "x"}, headers=api.auth)
        body = assert_envelope(r, 405)
        assert "PATCH" in body["Message"]
    assert api.get(f"{H}/{hid}").json()["Name"] != "x"


def test_unknown_routes_answer_json_404(api: Api, client: TestClient) -> None:
    for path in ("/api/nope", "/api/billing/widgets", f"{H}/1/extra", "/nothing/here"):
        for headers in (api.auth, {}):
            r = client.get(path, headers=headers)
            assert_clean(r, 404)
    r = client.post("/api/billing/widgets", json={}, headers=api.auth)
    assert_clean(r, 404)


def test_trailing_slash_is_served_not_redirected(api: Api, invoice_id: int) -> None:
    hid = api.history(invoice_id)
    r = api.get(
        f"{H}/",
        {"CoworkerInvoiceHistory_CoworkerInvoice": invoice_id},
        follow_redirects=False,
    )
    assert r.status_code == 200, r.text
    assert hid in [rec["Id"] for rec in r.json()["Records"]]
    r = api.get(f"{H}/", {"id": f"[{hid}]"}, follow_redirects=False)
    assert r.status_code == 200, r.text
    assert isinstance(r.json(), list)
    r = api.client.post(
        f"{H}/",
        json={"CoworkerInvoiceId": invoice_id, "Name": "slash", "Description": "d"},
        headers=api.auth,
        follow_redirects=False,
    )
    assert r.status_code == 200, r.text
    assert r.json()["WasSuccessful"] is True


def test_trailing_commas_are_tolerated_like_json_net(api: Api, invoice_id: int) -> None:
    """Seed 004's own example bodies end objects with a comma; Nexudus (Json.NET) accepts them."""
    body = b'{"CoworkerInvoiceId": %d, "Name": "comma, }", "Description": "x",}' % invoice_id
    r = api.client.post(
        "/api/billing/coworkerinvoicehistories",
        content=body,
        headers={**api.auth, "Content-Type": "application/json"},
    )
    assert r.status_code == 200, r.text
    got = api.get(f"/api/billing/coworkerinvoicehistories/{r.json()['Value']['Id']}").json()
    assert got["Name"] == "comma, }"
