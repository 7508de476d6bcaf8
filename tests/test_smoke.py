"""The core path a Nexudus client walks first: token, create, read back, list."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.support import ADMIN_EMAIL, PASSWORD, Api


def test_token_then_create_and_read_history(client: TestClient, api: Api) -> None:
    r = client.post(
        "/api/token",
        data={"grant_type": "password", "username": ADMIN_EMAIL, "password": PASSWORD},
    )
    assert r.status_code == 200, r.text
    token = r.json()["access_token"]
    bearer = api.as_({"Authorization": f"Bearer {token}"})
    biz = api.business()
    inv = api.invoice(biz, api.coworker(biz))
    hid = bearer.history(inv, Name="Invoice sent")
    got = bearer.get(f"/api/billing/coworkerinvoicehistories/{hid}").json()
    assert got["Name"] == "Invoice sent"
    assert got["CoworkerInvoiceId"] == inv
    page = bearer.get(
        "/api/billing/coworkerinvoicehistories",
        {"CoworkerInvoiceHistory_CoworkerInvoice": inv, "CoworkerInvoiceHistory_Name": "sent"},
    ).json()
    assert [rec["Id"] for rec in page["Records"]] == [hid]
