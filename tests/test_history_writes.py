"""CoworkerInvoiceHistory writes over HTTP: POST, full-replacement PUT and DELETE, and every way a
body can be wrong (decisions "Envelopes and status codes", spec 7.6 PUT semantics)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import ADMIN_EMAIL, Api, add_user, unique

P = "/api/billing/coworkerinvoicehistories"
MISSING_ID = 2_000_000_000  # fits the column, never issued by a test database


@pytest.fixture()
def inv(api: Api) -> int:
    biz = api.business()
    return api.invoice(biz, api.coworker(biz))


def rec(api: Api, hid: int) -> dict[str, Any]:
    r = api.get(f"{P}/{hid}")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def error(problems: list[tuple[str, Any, str]], status: int = 400) -> dict[str, Any]:
    return {
        "Status": status,
        "Message": "; ".join(f"{n}: {m}" for n, _, m in problems),
        "Value": None,
        "Errors": [{"AttemptedValue": a, "Message": m, "PropertyName": n} for n, a, m in problems],
        "WasSuccessful": False,
    }


def not_found(r: Any, ident: int) -> None:
    assert r.status_code == 404, r.text
    body = r.json()
    assert list(body) == ["Status", "Message", "Value", "Errors", "WasSuccessful"]
    assert (body["Status"], body["Value"], body["Errors"], body["WasSuccessful"]) == (
        404, None, None, False,
    )  # fmt: skip
    assert "CoworkerInvoiceHistory" in body["Message"] and str(ident) in body["Message"]


def full_body(inv: int, **over: Any) -> dict[str, Any]:
    return {
        "CoworkerInvoiceId": inv,
        "Name": unique("Payment error"),
        "Description": unique("Card declined"),
        "IsProblem": True,
        "Notify": True,
        "SystemId": unique("crm"),
        **over,
    }


# ------------------------------------------------------------------------------- POST


def test_post_with_every_optional_field(api: Api, inv: int) -> None:
    body = full_body(inv)
    hid = api.created(P, body)
    got = rec(api, hid)
    assert {k: got[k] for k in body} == body
    assert got["UpdatedBy"] == ADMIN_EMAIL and got["IsNew"] is True


def test_post_without_optional_fields_takes_defaults(api: Api, inv: int) -> None:
    hid = api.created(P, {"CoworkerInvoiceId": inv, "Name": "n", "Description": "d"})
    got = rec(api, hid)
    assert (got["IsProblem"], got["Notify"], got["SystemId"]) == (False, False, None)


def test_post_on_the_trailing_slash_path(api: Api, inv: int) -> None:
    r = api.post(P + "/", {"CoworkerInvoiceId": inv, "Name": "n", "Description": "d"})
    assert r.status_code == 200, r.text
    assert rec(api, r.json()["Value"]["Id"])["CoworkerInvoiceId"] == inv


def test_post_ignores_read_only_and_unknown_fields(api: Api, inv: int) -> None:
    body = full_body(
        inv, Id=MISSING_ID, UniqueId="00000000-0000-0000-0000-000000000001",
        CreatedOn="2000-01-01T00:00:00Z", UpdatedBy="mallory@example.com",
        CoworkerInvoiceBusinessId=5, Whatever={"nested": [1, 2]},
    )  # fmt: skip
    hid = api.created(P, body)
    got = rec(api, hid)
    assert hid != MISSING_ID
    assert got["UniqueId"] != body["UniqueId"] and got["CreatedOn"] != body["CreatedOn"]
    assert got["UpdatedBy"] == ADMIN_EMAIL
    assert "Whatever" not in got


@pytest.mark.parametrize("fld", ["CoworkerInvoiceId", "Name", "Description"])
@pytest.mark.parametrize("how", ["omitted", "null", "empty"])
def test_post_missing_required_field(api: Api, inv: int, fld: str, how: str) -> None:
    body = full_body(inv)
    sent: Any = None
    if how == "omitted":
        del body[fld]
    else:
        sent = None if how == "null" else (0 if fld == "CoworkerInvoiceId" else "")
        body[fld] = sent
    r = api.post(P, body)
    assert r.status_code == 400, r.text
    assert r.json() == error([(fld, sent, "is a required field")])


# -------------------------------------------------------------------------------- PUT


def test_put_replaces_the_record_fully(api: Api, inv: int) -> None:
    hid = api.created(P, full_body(inv))
    before = rec(api, hid)
    r = api.put(P, {"Id": hid, "CoworkerInvoiceId": inv, "Name": "only", "Description": "req"})
    assert r.status_code == 200, r.text
    assert r.json()["Message"] == "CoworkerInvoiceHistory was successfully updated."
    assert r.json()["Value"] == {"Id": hid}
    after = rec(api, hid)
    assert (after["Name"], after["Description"]) == ("only", "req")
    assert (after["IsProblem"], after["Notify"], after["SystemId"]) == (False, False, None)
    assert (after["UniqueId"], after["CreatedOn"]) == (before["UniqueId"], before["CreatedOn"])
    assert after["UpdatedOn"] == r.json()["UpdatedOn"] >= before["UpdatedOn"]
    assert after["UpdatedBy"] == ADMIN_EMAIL


def test_put_moves_the_entry_to_another_invoice(api: Api, inv: int) -> None:
    biz = api.business(CurrencyId=api.world.currency_jpy)  # type: ignore[union-attr]
    cw = api.coworker(biz)
    other = api.invoice(biz, cw)
    hid = api.history(inv)
    r = api.put(P, {"Id": hid, "CoworkerInvoiceId": other, "Name": "n", "Description": "d"})
    assert r.status_code == 200, r.text
    got = rec(api, hid)
    assert (got["CoworkerInvoiceId"], got["CoworkerInvoiceBusinessId"]) == (other, biz)
    assert (got["CoworkerInvoiceCoworkerId"], got["CoworkerInvoiceBusinessCurrencyCode"]) == (
        cw, "JPY",
    )  # fmt: skip


def test_put_of_a_full_get_record_round_trips(api: Api, inv: int) -> None:
    """The documented client pattern: GET the record, change a field, PUT it all back."""
    hid = api.created(P, full_body(inv))
    got = rec(api, hid)
    r = api.put(P, {**got, "Name": "renamed"})
    assert r.status_code == 200, r.text
    again = rec(api, hid)
    assert again["Name"] == "renamed"
    assert {k: again[k] for k in ("IsProblem", "Notify", "SystemId", "Description")} == {
        k: got[k] for k in ("IsProblem", "Notify", "SystemId", "Description")
    }


def test_put_ignores_read_only_and_unknown_fields(api: Api, inv: int) -> None:
    hid = api.created(P, full_body(inv))
    before = rec(api, hid)
    body = {
        **full_body(inv, Id=hid, Name="kept"),
        "UniqueId": "00000000-0000-0000-0000-000000000002", "CreatedOn": "2000-01-01T00:00:00Z",
        "UpdatedOn": "2000-01-01T00:00:00Z", "UpdatedBy": "mallory@example.com", "IsNew": "x",
        "ToStringText": 5, "CoworkerInvoiceBusinessId": "nope", "CoworkerInvoiceTotalAmount": 9,
        "CoworkerInvoicePaid": True, "LocalizationDetails": {}, "CustomFields": [1],
        "Unknown": {"deep": True},
    }  # fmt: skip
    r = api.put(P, body)
    assert r.status_code == 200, r.text
    after = rec(api, hid)
    assert after["Name"] == "kept"
    for k in ("UniqueId", "CreatedOn", "CoworkerInvoiceBusinessId", "CoworkerInvoiceTotalAmount",
              "CoworkerInvoicePaid", "LocalizationDetails", "CustomFields"):  # fmt: skip
        assert after[k] == before[k], k
    assert after["UpdatedBy"] == ADMIN_EMAIL and after["ToStringText"] == "kept"


@pytest.mark.parametrize("fld", ["CoworkerInvoiceId", "Name", "Description"])
def test_put_missing_required_field_changes_nothing(api: Api, inv: int, fld: str) -> None:
    hid = api.created(P, full_body(inv))
    before = rec(api, hid)
    body = full_body(inv, Id=hid)
    del body[fld]
    r = api.put(P, body)
    assert r.status_code == 400, r.text
    assert r.json() == error([(fld, None, "is a required field")])
    assert rec(api, hid) == before


def test_put_of_a_missing_record_is_404(api: Api, inv: int) -> None:
    not_found(api.put(P, full_body(inv, Id=MISSING_ID)), MISSING_ID)


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({}, ("Id", None, "is a required field")),
        ({"Id": None}, ("Id", None, "is a required field")),
        ({"Id": "abc"}, ("Id", "abc", "is not a valid integer")),
        ({"Id": True}, ("Id", True, "is not a valid integer")),
        ({"Id": 3_000_000_000}, ("Id", 3_000_000_000, "is out of range")),
    ],
)
def test_put_needs_a_valid_id(
    api: Api, inv: int, extra: dict[str, Any], problem: tuple[str, Any, str]
) -> None:
    r = api.put(P, full_body(inv, **extra))
    assert r.status_code == 400, r.text
    assert r.json() == error([problem])


# ------------------------------------------------------------------------ references


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_unknown_invoice_is_not_a_valid_value(api: Api, inv: int, method: str) -> None:
    body = full_body(MISSING_ID)
    if method == "PUT":
        body["Id"] = api.history(inv)
    r = api.client.request(method, P, json=body, headers=api.auth)
    assert r.status_code == 400, r.text
    assert r.json() == error([("CoworkerInvoiceId", MISSING_ID, "is not a valid value")])
    assert r.json()["Message"] == "CoworkerInvoiceId: is not a valid value"


def test_invoice_of_another_business_is_not_a_valid_value(api: Api) -> None:
    mine, theirs = api.business(), api.business()
    own_inv = api.invoice(mine, api.coworker(mine))
    other_inv = api.invoice(theirs, api.coworker(theirs))
    roles = tuple(f"CoworkerInvoiceHistory-{a}" for a in ("List", "Read", "Create", "Edit"))
    limited = api.as_(add_user(api.client, f"{unique('lim')}@example.com", roles=roles,
                               business_ids=(mine,)))  # fmt: skip
    hid = limited.created(P, full_body(own_inv))
    for method, extra in (("POST", {}), ("PUT", {"Id": hid})):
        body = full_body(other_inv, **extra)
        r = limited.client.request(method, P, json=body, headers=limited.auth)
        assert r.status_code == 400, r.text
        assert r.json() == error([("CoworkerInvoiceId", other_inv, "is not a valid value")])
    assert rec(api, hid)["CoworkerInvoiceId"] == own_inv


# ---------------------------------------------------------------------------- DELETE


def test_delete_twice_is_404_the_second_time(api: Api, inv: int) -> None:
    hid = api.history(inv)
    r = api.delete(f"{P}/{hid}")
    assert r.status_code == 200, r.text
    assert r.json()["Message"] == "CoworkerInvoiceHistory was successfully deleted."
    assert r.json()["Value"] == {"Id": hid} and r.json()["WasSuccessful"] is True
    not_found(api.delete(f"{P}/{hid}"), hid)
    not_found(api.put(P, full_body(inv, Id=hid)), hid)


def test_delete_of_a_missing_record_is_404(api: Api) -> None:
    not_found(api.delete(f"{P}/{MISSING_ID}"), MISSING_ID)


def test_delete_with_a_non_numeric_id_is_400(api: Api) -> None:
    r = api.delete(f"{P}/abc")
    assert r.status_code == 400, r.text
    assert r.json() == error([("Id", "abc", "is not a valid integer")])


# ------------------------------------------------------------------------ wrong types

WRONG_TYPES: list[tuple[str, Any, str]] = [
    ("CoworkerInvoiceId", "12", "is not a valid integer"),
    ("CoworkerInvoiceId", 1.5, "is not a valid integer"),
    ("CoworkerInvoiceId", True, "is not a valid integer"),
    ("CoworkerInvoiceId", [1], "is not a valid integer"),
    ("CoworkerInvoiceId", 3_000_000_000, "is out of range"),
    ("Name", 5, "is not a valid string"),
    ("Name", True, "is not a valid string"),
    ("Name", ["a"], "is not a valid string"),
    ("Name", "x" * 256, "must be at most 255 characters long"),
    ("Description", {"a": 1}, "is not a valid string"),
    ("Description", 1.25, "is not a valid string"),
    ("IsProblem", "true", "is not a valid boolean"),
    ("IsProblem", 1, "is not a valid boolean"),
    ("Notify", "yes", "is not a valid boolean"),
    ("Notify", 0, "is not a valid boolean"),
    ("SystemId", 42, "is not a valid string"),
    ("SystemId", {"id": 887766}, "is not a valid string"),
]


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize(("fld", "raw", "message"), WRONG_TYPES)
def test_wrong_json_type_names_the_property(
    api: Api, inv: int, method: str, fld: str, raw: Any, message: str
) -> None:
    body = full_body(inv, **{fld: raw})
    if method == "PUT":
        body["Id"] = api.history(inv)
    r = api.client.request(method, P, json=body, headers=api.auth)
    assert r.status_code == 400, r.text
    assert r.json() == error([(fld, raw, message)])


def test_longest_name_is_accepted(api: Api, inv: int) -> None:
    hid = api.created(P, full_body(inv, Name="x" * 255))
    assert rec(api, hid)["Name"] == "x" * 255


def test_every_problem_is_reported_at_once(api: Api, inv: int) -> None:
    r = api.post(P, {"CoworkerInvoiceId": "x", "Description": 3, "IsProblem": "no"})
    assert r.status_code == 400, r.text
    assert r.json() == error(
        [
            ("CoworkerInvoiceId", "x", "is not a valid integer"),
            ("Name", None, "is a required field"),
            ("Description", 3, "is not a valid string"),
            ("IsProblem", "no", "is not a valid boolean"),
        ]
    )


@pytest.mark.parametrize("method", ["POST", "PUT"])
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"Name": "a",', "is not valid JSON"),
        (b"", "is not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'"text"', "must be a JSON object"),
        (b"\xff\xfe", "is not valid JSON"),
    ],
)
def test_malformed_bodies_are_400(api: Api, method: str, raw: bytes, message: str) -> None:
    headers = {**api.auth, "Content-Type": "application/json"}
    r = api.client.request(method, P, content=raw, headers=headers)
    assert r.status_code == 400, r.text
    assert r.json()["Errors"][0]["PropertyName"] == "Body"
    assert r.json()["Message"] == f"Body: {message}"
    assert (r.json()["Status"], r.json()["WasSuccessful"]) == (400, False)
