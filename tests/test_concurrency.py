"""Real concurrency: several real server processes (``coworkbill serve --workers 2`` each) on
the session's database, hit by many simultaneous connections spread over all of them.
Finalisations never share or skip a number, concurrent payments and line writes on one invoice
serialise, and no request fails (SQLite may be slower; it must not error)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import httpx
import pytest
from bench import servers

from coworkbill import jsonio
from tests.support import (
    ADMIN_EMAIL,
    PASSWORD,
    Api,
    World,
    exact,
    line_body,
    send,
    unique,
)

INV = "/api/billing/coworkerinvoices"
LINES = "/api/billing/coworkerinvoicelines"
LEDGER = "/api/billing/coworkerledgerentries"
HIST = "/api/billing/coworkerinvoicehistories"
COWORKBILL = Path(sys.executable).parent / "coworkbill"


SERVERS = 2  # independent server processes, each with WORKERS workers, on one database
WORKERS = 2


@pytest.fixture(scope="module")
def server(
    database_url: str, world: World, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Base URLs of several real multi-worker server processes on the session database,
    separated by spaces (``fire`` spreads calls over them); all stopped afterwards."""
    env = {**os.environ, "COWORKBILL_DATABASE_URL": database_url, "COWORKBILL_POOL_MAX": "8"}
    logs = tmp_path_factory.mktemp("servers")
    started: list[servers.Server] = []
    try:
        for n in range(SERVERS):
            port = servers.free_port()
            cmd = [str(COWORKBILL), "serve", "--port", str(port), "--workers", str(WORKERS)]
            started.append(servers.start(f"server{n}", cmd, env, port, logs))
        for srv in started:
            servers.wait_ready(srv, "/health", timeout=60)
        yield " ".join(srv.url for srv in started)
    finally:
        for srv in started:
            servers.stop(srv)


@pytest.fixture(scope="module")
def bearer(server: str, world: World) -> dict[str, str]:
    """The administrator's access token from the server itself: Basic auth would put an argon2
    verification on every cold request, which is not what these tests measure."""
    form = {"grant_type": "password", "username": ADMIN_EMAIL, "password": PASSWORD}
    r = httpx.post(f"{server.split()[0]}/api/token", data=form, timeout=60)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def fire(base: str, auth: dict[str, str], calls: list[tuple[str, str, Any]]) -> list[Any]:
    """Send every (method, path, body) at once, each on its own connection, spread round-robin
    over the server processes in ``base`` (space-separated URLs)."""
    bases = base.split()
    limits = httpx.Limits(max_connections=len(calls), max_keepalive_connections=0)
    headers = {**auth, "Content-Type": "application/json"}
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        return await asyncio.gather(
            *(
                client.request(
                    method,
                    bases[i % len(bases)] + path,
                    content=jsonio.dumps(body),
                    headers=headers,
                )
                for i, (method, path, body) in enumerate(calls)
            )
        )


def assert_all_ok(responses: list[Any]) -> None:
    failed = [(r.status_code, r.text) for r in responses if r.status_code != 200]
    assert not failed, failed
    refused = [r.text for r in responses if r.json()["WasSuccessful"] is not True]
    assert not refused, refused


def add_line(api: Api, inv: int, amount: D) -> None:
    assert exact(send(api, "POST", LINES, line_body(inv, amount, D(20))))["WasSuccessful"]


def history_names(api: Api, inv: int) -> list[str]:
    params = {"CoworkerInvoiceHistory_CoworkerInvoice": inv, "size": 1000}
    return [r["Name"] for r in exact(api.get(HIST, params))["Records"]]


def test_concurrent_finalisations_take_unique_gapless_numbers(
    server: str, bearer: dict[str, str], api: Api
) -> None:
    prefix = unique("R") + "-"
    biz = api.business(InvoiceNumberPrefix=prefix, InvoiceNumberPadding=4)
    cw = api.coworker(biz)
    # one hand-typed number inside the range: the sequence must step over it, under load too
    api.invoice(biz, cw, InvoiceNumber=f"{prefix}0007")
    drafts = [api.invoice(biz, cw, InvoiceNumber="", Draft=True) for _ in range(50)]
    bodies = [{**exact(api.get(f"{INV}/{d}")), "Draft": False, "InvoiceNumber": ""} for d in drafts]
    responses = asyncio.run(fire(server, bearer, [("PUT", INV, b) for b in bodies]))
    assert_all_ok(responses)
    numbers = [exact(api.get(f"{INV}/{d}"))["InvoiceNumber"] for d in drafts]
    expected = [f"{prefix}{n:04d}" for n in range(1, 52) if n != 7]
    assert sorted(numbers) == expected
    assert exact(api.get(f"/api/sys/businesses/{biz}"))["NextInvoiceNumber"] == 52
    for d in drafts:
        assert history_names(api, d).count("Invoice finalised") == 1


def test_concurrent_payments_settle_every_invoice(
    server: str, bearer: dict[str, str], api: Api
) -> None:
    biz = api.business()
    cw = api.coworker(biz)

    def invoice() -> int:
        inv = api.invoice(biz, cw)
        add_line(api, inv, D(100))  # 120.00 with tax
        return inv

    by_command = [invoice() for _ in range(20)]
    by_ledger = [invoice() for _ in range(20)]
    both = [invoice() for _ in range(10)]

    def pay(inv: int) -> tuple[str, str, Any]:
        params = [{"Name": "Payment Method", "Type": "ePaymentProvider", "Value": 996}]
        return (
            "POST",
            f"{INV}/runcommand",
            {"Key": "PAY_COWORKER_INVOICE_MANUAL", "Ids": [inv], "Parameters": params},
        )

    def credit(inv: int, amount: D) -> tuple[str, str, Any]:
        return (
            "POST",
            LEDGER,
            {"BusinessId": biz, "CoworkerId": cw, "CoworkerInvoiceId": inv, "Credit": amount},
        )

    calls = [pay(i) for i in by_command]
    calls += [credit(i, D(60)) for i in by_ledger for _ in range(2)]
    calls += [c for i in both for c in (pay(i), credit(i, D(30)))]
    responses = asyncio.run(fire(server, bearer, calls))
    assert_all_ok(responses)

    for inv in by_command + by_ledger + both:
        rec = exact(api.get(f"{INV}/{inv}"))
        entries = exact(api.get(LEDGER, {"CoworkerLedgerEntry_CoworkerInvoice": inv}))["Records"]
        credits = sum((e["Credit"] for e in entries), D(0))
        assert rec["PaidAmount"] == credits, (inv, rec["PaidAmount"], entries)
        assert rec["Paid"] is True and rec["PaidOn"] is not None, rec
        if inv in both:
            # either order is fine: paid-then-credited overpays, credited-then-paid pays the rest
            assert credits in (D(120), D(150)), entries
        else:
            assert credits == D(120), entries
        assert history_names(api, inv).count("Invoice paid") == 1


def test_concurrent_line_writes_keep_one_invoice_total(
    server: str, bearer: dict[str, str], api: Api
) -> None:
    biz = api.business()
    inv = api.invoice(biz, api.coworker(biz))
    amounts = [D(n) / 100 + D("0.005") for n in range(1, 41)]
    calls = [("POST", LINES, line_body(inv, a, D("17.5"))) for a in amounts]
    assert_all_ok(asyncio.run(fire(server, bearer, calls)))
    rec = exact(api.get(f"{INV}/{inv}"))
    lines = exact(api.get(LINES, {"CoworkerInvoiceLine_CoworkerInvoice": inv, "size": 100}))
    assert lines["TotalItems"] == 40
    assert rec["TotalAmount"] == sum(
        (ln["SubTotal"] + ln["TaxAmount"] for ln in lines["Records"]), D(0)
    )
    assert sorted(ln["Position"] for ln in lines["Records"]) == list(range(1, 41))


def test_concurrent_duplicate_hand_typed_numbers(
    server: str, bearer: dict[str, str], api: Api
) -> None:
    biz = api.business()
    number = unique("DUP")
    body = api.invoice_body(biz, api.coworker(biz), InvoiceNumber=number)
    responses = asyncio.run(fire(server, bearer, [("POST", INV, body)] * 10))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [400] * 9, [(r.status_code, r.text) for r in responses]
    for r in responses:
        if r.status_code == 400:
            assert [e["PropertyName"] for e in r.json()["Errors"]] == ["InvoiceNumber"]
    listed = exact(api.get(INV, {"CoworkerInvoice_Business": biz}))
    assert [rec["InvoiceNumber"] for rec in listed["Records"]] == [number]


def test_concurrent_commands_on_one_invoice_run_once(
    server: str, bearer: dict[str, str], api: Api
) -> None:
    """A command's check runs on the locked row: of many simultaneous voids (or refunds) of one
    invoice exactly one succeeds and one history entry tells it; the rest are refused."""
    biz = api.business()
    cw = api.coworker(biz)
    to_void = api.invoice(biz, cw)
    to_refund = api.invoice(biz, cw)
    add_line(api, to_refund, D(100))
    pay = {"Key": "PAY_COWORKER_INVOICE_MANUAL", "Ids": [to_refund]}
    assert exact(api.post(f"{INV}/runcommand", pay))["WasSuccessful"] is True
    for inv, key, told in (
        (to_void, "VOID_INVOICE", "Invoice voided"),
        (to_refund, "COWORKER_INVOICE_REFUND", "Invoice refunded"),
    ):
        call = ("POST", f"{INV}/runcommand", {"Key": key, "Ids": [inv]})
        responses = asyncio.run(fire(server, bearer, [call] * 8))
        assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
        assert sum(r.json()["WasSuccessful"] is True for r in responses) == 1, key
        assert history_names(api, inv).count(told) == 1, key


def test_line_puts_racing_a_refund_take_locks_in_one_order(
    server: str, bearer: dict[str, str], api: Api
) -> None:
    """A refund locks the invoice, then writes its lines; a line PUT must lock the invoice
    before its line too (``Resource.lock_on_update`` is off for lines), or the two wait on
    each other until PostgreSQL aborts one (a deadlock, answered 500). Every request here is
    answered: the refund once, each PUT either applied before it or refused after it."""
    biz = api.business()
    cw = api.coworker(biz)
    for _ in range(3):
        inv = api.invoice(biz, cw)
        for amount in (D(10), D(20), D(30), D(40)):
            add_line(api, inv, amount)
        lines = exact(api.get(LINES, {"CoworkerInvoiceLine_CoworkerInvoice": inv}))["Records"]
        pay = {"Key": "PAY_COWORKER_INVOICE_MANUAL", "Ids": [inv]}
        assert exact(api.post(f"{INV}/runcommand", pay))["WasSuccessful"] is True
        refund = ("POST", f"{INV}/runcommand", {"Key": "COWORKER_INVOICE_REFUND", "Ids": [inv]})
        puts = [("PUT", LINES, {**ln, "Description": f"edited {n}"}) for n, ln in enumerate(lines)]
        responses = asyncio.run(fire(server, bearer, [*puts * 3, refund]))
        assert all(r.status_code in (200, 400) for r in responses), [
            (r.status_code, r.text) for r in responses if r.status_code not in (200, 400)
        ]
        assert responses[-1].json()["WasSuccessful"] is True
        assert history_names(api, inv).count("Invoice refunded") == 1
