"""Business scoping over HTTP: for a user limited to business A, the records of business B do
not exist — 404 on get, update, delete and commands, absent from lists (and their totals) and
from get-many, and ``is not a valid value`` when a write references them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.support import Api, add_user, unique

H = "/api/billing/coworkerinvoicehistories"
INV = "/api/billing/coworkerinvoices"
CW = "/api/spaces/coworkers"
BIZ = "/api/sys/businesses"
ENTITIES = ("CoworkerInvoiceHistory", "CoworkerInvoice", "Coworker", "Business")
ACTIONS = ("List", "Read", "Create", "Edit", "Delete")


@dataclass
class Side:
    business: int
    coworker: int
    invoice: int
    history: int


@dataclass
class Scene:
    admin: Api
    user: Api
    email: str
    a: Side
    b: Side


def side(api: Api) -> Side:
    biz = api.business()
    cw = api.coworker(biz)
    inv = api.invoice(biz, cw)
    return Side(biz, cw, inv, api.history(inv))


@pytest.fixture()
def scene(client: TestClient, api: Api) -> Scene:
    a, b = side(api), side(api)
    email = f"{unique('scoped')}@tests.local".lower()
    roles = tuple(f"{e}-{act}" for e in ENTITIES for act in ACTIONS)
    auth = add_user(client, email, roles=roles, business_ids=(a.business,))
    return Scene(api, api.as_(auth), email, a, b)


def assert_not_found(r: Any, entity: str, ident: int) -> None:
    assert r.status_code == 404, r.text
    body = r.json()
    assert body["Status"] == 404
    assert body["WasSuccessful"] is False
    assert body["Value"] is None
    assert entity in body["Message"] and str(ident) in body["Message"]


def assert_invalid_reference(r: Any, prop: str, ident: int) -> None:
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["WasSuccessful"] is False
    assert body["Value"] is None
    assert {
        "AttemptedValue": ident,
        "Message": "is not a valid value",
        "PropertyName": prop,
    } in body["Errors"]
    assert f"{prop}: is not a valid value" in body["Message"]


def paths(s: Side) -> list[tuple[str, str, int]]:
    return [
        (H, "CoworkerInvoiceHistory", s.history),
        (INV, "CoworkerInvoice", s.invoice),
        (CW, "Coworker", s.coworker),
        (BIZ, "Business", s.business),
    ]


def test_get_one(scene: Scene) -> None:
    for path, entity, ident in paths(scene.b):
        assert_not_found(scene.user.get(f"{path}/{ident}"), entity, ident)
        assert scene.admin.get(f"{path}/{ident}").status_code == 200
    for path, _, ident in paths(scene.a):
        r = scene.user.get(f"{path}/{ident}")
        assert r.status_code == 200, r.text
        assert r.json()["Id"] == ident


def test_get_many_leaves_other_businesses_out(scene: Scene) -> None:
    for (path, _, a_id), (_, _, b_id) in zip(paths(scene.a), paths(scene.b), strict=True):
        r = scene.user.get(path, {"id": f"[{b_id},{a_id}]"})
        assert r.status_code == 200, r.text
        assert [rec["Id"] for rec in r.json()] == [a_id]
        assert scene.user.get(path, {"id": f"[{b_id}]"}).json() == []
        admin = scene.admin.get(path, {"id": f"[{b_id},{a_id}]"}).json()
        assert [rec["Id"] for rec in admin] == [b_id, a_id]


def test_lists_exclude_other_businesses(scene: Scene) -> None:
    a, b = scene.a, scene.b
    user, admin = scene.user, scene.admin
    # Filters naming B's records find nothing, for the user only.
    for path, params in (
        (H, {"CoworkerInvoiceHistory_CoworkerInvoice": b.invoice}),
        (H, {"CoworkerInvoiceHistory_Id": b.history}),
        (H, {"CoworkerInvoiceHistory_CoworkerInvoice_Business_Id": b.business}),
        (INV, {"CoworkerInvoice_Business": b.business}),
        (INV, {"CoworkerInvoice_Id": b.invoice}),
        (CW, {"Coworker_Id": b.coworker}),
        (BIZ, {"Business_Id": b.business}),
    ):
        mine = user.get(path, params)
        assert mine.status_code == 200, mine.text
        assert mine.json()["Records"] == []
        assert mine.json()["TotalItems"] == 0
        assert admin.get(path, params).json()["TotalItems"] >= 1

    # Unfiltered: exactly business A's records, and totals that count only them.
    for path, key, a_id, b_id in (
        (H, "CoworkerInvoiceHistory_CoworkerInvoice_Business_Id", a.history, b.history),
        (INV, "CoworkerInvoice_Business", a.invoice, b.invoice),
        (CW, "Coworker_InvoicingBusiness", a.coworker, b.coworker),
    ):
        page = user.get(path, {"size": 1000}).json()
        ids = {rec["Id"] for rec in page["Records"]}
        assert a_id in ids and b_id not in ids
        expected = admin.get(path, {key: a.business, "size": 1000}).json()
        assert page["TotalItems"] == expected["TotalItems"]
        assert ids == {rec["Id"] for rec in expected["Records"]}

    businesses = user.get(BIZ).json()
    assert [rec["Id"] for rec in businesses["Records"]] == [a.business]
    assert businesses["TotalItems"] == 1
    assert businesses["TotalPages"] == 1


def test_nothing_of_b_leaks_through_records_of_a(scene: Scene) -> None:
    for path, _, ident in paths(scene.a):
        text = scene.user.get(f"{path}/{ident}").text
        assert f'"BusinessId":{scene.b.business},' not in text
    page = scene.user.get(H, {"size": 1000}).json()
    for rec in page["Records"]:
        assert rec["CoworkerInvoiceBusinessId"] == scene.a.business


def test_update_and_delete_are_not_found(scene: Scene) -> None:
    a, b, user, admin = scene.a, scene.b, scene.user, scene.admin
    for path, entity, ident in paths(b):
        body = admin.get(f"{path}/{ident}").json()
        r = user.put(path, {**body, "Name": "hijacked", "FullName": "hijacked"})
        assert_not_found(r, entity, ident)
    for path, entity, ident in (
        (H, "CoworkerInvoiceHistory", b.history),
        (CW, "Coworker", b.coworker),
    ):
        assert_not_found(user.delete(f"{path}/{ident}"), entity, ident)
    # Invoices have no DELETE at all; a hidden one must not answer differently from a visible one.
    assert (
        user.delete(f"{INV}/{b.invoice}").status_code
        == user.delete(f"{INV}/{a.invoice}").status_code
    )
    for path, _, ident in paths(b):
        rec = admin.get(f"{path}/{ident}")
        assert rec.status_code == 200
        assert "hijacked" not in rec.text
        assert rec.json()["UpdatedBy"] != scene.email


def test_commands_on_other_businesses_are_not_found(scene: Scene) -> None:
    for path, entity, ident in paths(scene.b):
        r = scene.user.get(f"{path}/commands", {"id": ident})
        assert_not_found(r, entity, ident)
        assert scene.admin.get(f"{path}/commands", {"id": ident}).status_code == 200


def test_writes_referencing_other_businesses_are_invalid(scene: Scene) -> None:
    a, b, user, admin = scene.a, scene.b, scene.user, scene.admin
    world = admin.world
    assert world is not None

    r = user.post(H, {"CoworkerInvoiceId": b.invoice, "Name": "n", "Description": "d"})
    assert_invalid_reference(r, "CoworkerInvoiceId", b.invoice)

    body = {
        "FullName": unique("Customer"),
        "Email": f"{unique('c')}@example.com",
        "CountryId": world.country_gb,
        "SimpleTimeZoneId": "Europe/London",
        "InvoicingBusinessId": b.business,
    }
    assert_invalid_reference(user.post(CW, body), "InvoicingBusinessId", b.business)

    invoice = admin.invoice_body(b.business, a.coworker)
    assert_invalid_reference(user.post(INV, invoice), "BusinessId", b.business)
    r = user.post(INV, {**invoice, "BusinessId": a.business, "CoworkerId": b.coworker})
    assert_invalid_reference(r, "CoworkerId", b.coworker)

    # Moving a record of A into B is refused, and the record stays as it was.
    hist = admin.get(f"{H}/{a.history}").json()
    r = user.put(H, {**hist, "CoworkerInvoiceId": b.invoice})
    assert_invalid_reference(r, "CoworkerInvoiceId", b.invoice)
    assert admin.get(f"{H}/{a.history}").json()["CoworkerInvoiceId"] == a.invoice
    cw = admin.get(f"{CW}/{a.coworker}").json()
    r = user.put(CW, {**cw, "InvoicingBusinessId": b.business})
    assert_invalid_reference(r, "InvoicingBusinessId", b.business)
    assert admin.get(f"{CW}/{a.coworker}").json()["InvoicingBusinessId"] == a.business

    # The same writes within A succeed, so the refusals above are about scope only.
    ok = user.post(H, {"CoworkerInvoiceId": a.invoice, "Name": "n", "Description": "d"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["WasSuccessful"] is True
    ok = user.post(CW, {**body, "InvoicingBusinessId": a.business})
    assert ok.status_code == 200, ok.text
