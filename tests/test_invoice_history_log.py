"""The history the system writes over HTTP: every state change of an invoice appends
CoworkerInvoiceHistory entries (names as documented in the billing rules), whose descriptions
say what changed and whose UpdatedBy is the acting user; a write that fails writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.support import Api, add_user, exact, send, unique

INV = "/api/billing/coworkerinvoices"
LINES = "/api/billing/coworkerinvoicelines"
LEDGER = "/api/billing/coworkerledgerentries"
HIST = "/api/billing/coworkerinvoicehistories"
ENTITIES = (
    "CoworkerInvoice",
    "CoworkerInvoiceLine",
    "CoworkerLedgerEntry",
    "CoworkerInvoiceHistory",
)
ACTIONS = ("List", "Read", "Create", "Edit", "Delete")


@dataclass
class Log:
    """Reads one invoice's history as (Name, Description) pairs, new entries only."""

    api: Api
    email: str
    biz: int
    cw: int
    seen: int = 0

    def all(self, inv: int) -> list[dict[str, Any]]:
        params = {"CoworkerInvoiceHistory_CoworkerInvoice": inv, "size": 1000}
        records: list[dict[str, Any]] = exact(self.api.get(HIST, params))["Records"]
        return records

    def new(self, inv: int) -> list[tuple[str, str]]:
        """Entries written since the last call; each was written by the acting user."""
        records = self.all(inv)
        fresh = records[self.seen :]
        self.seen = len(records)
        assert all(r["UpdatedBy"] == self.email for r in fresh), fresh
        assert all(r["CoworkerInvoiceId"] == inv for r in fresh)
        return [(r["Name"], r["Description"]) for r in fresh]

    def names(self, inv: int) -> list[str]:
        return [name for name, _ in self.new(inv)]

    def invoice(self, **over: Any) -> int:
        inv = self.api.invoice(self.biz, self.cw, **over)
        self.seen = 0
        return inv

    def get(self, inv: int) -> dict[str, Any]:
        rec: dict[str, Any] = exact(self.api.get(f"{INV}/{inv}"))
        return rec

    def put(self, inv: int, **changes: Any) -> Any:
        return send(self.api, "PUT", INV, {**self.get(inv), **changes})

    def line(self, inv: int, description: str, amount: D, rate: D = D(20)) -> int:
        body = {
            "CoworkerInvoiceId": inv,
            "Description": description,
            "Quantity": 2,
            "SubTotal": amount,
            "TaxRate": rate,
        }
        return int(exact(send(self.api, "POST", LINES, body))["Value"]["Id"])

    def pay(self, inv: int, credit: D, when: str = "2024-05-01T09:00:00Z") -> int:
        body = {
            "BusinessId": self.biz,
            "CoworkerId": self.cw,
            "CoworkerInvoiceId": inv,
            "Credit": credit,
            "TransactionDate": when,
        }
        return int(exact(send(self.api, "POST", LEDGER, body))["Value"]["Id"])

    def run(self, key: str, inv: int, **params: Any) -> dict[str, Any]:
        body = {
            "Key": key,
            "Ids": [inv],
            "Parameters": [{"Name": k, "Value": v} for k, v in params.items()],
        }
        result: dict[str, Any] = exact(send(self.api, "POST", f"{INV}/runcommand", body))
        return result


@pytest.fixture()
def log(client: TestClient, api: Api) -> Log:
    """A clerk (not an administrator) who does every write, so UpdatedBy is provably theirs."""
    biz = api.business(InvoiceNumberPrefix=unique("H") + "-", InvoiceNumberPadding=3)
    cw = api.coworker(biz)
    email = f"{unique('clerk')}@tests.local".lower()
    roles = tuple(f"{e}-{a}" for e in ENTITIES for a in ACTIONS)
    auth = add_user(client, email, roles=roles, business_ids=(biz,))
    return Log(api.as_(auth), email, biz, cw)


# --- invoices ------------------------------------------------------------------------------


def test_creating_a_final_invoice(log: Log) -> None:
    number = unique("INV")
    inv = log.invoice(InvoiceNumber=number)
    assert log.new(inv) == [("Invoice created", f"Invoice {number} created.")]


def test_creating_and_finalising_a_draft(log: Log) -> None:
    inv = log.invoice(InvoiceNumber="", Draft=True)
    entries = log.new(inv)
    assert [n for n, _ in entries] == ["Invoice created"]
    assert "draft" in entries[0][1]
    assert log.put(inv, Draft=False, InvoiceNumber="").status_code == 200
    number = log.get(inv)["InvoiceNumber"]
    entries = log.new(inv)
    assert ("Invoice finalised", f"Invoice finalised with number {number}.") in entries
    assert all(n in ("Invoice finalised", "Invoice updated") for n, _ in entries), entries


def test_numbering_a_final_invoice(log: Log) -> None:
    inv = log.invoice(InvoiceNumber=unique("OLD"))
    log.new(inv)
    assert log.put(inv, InvoiceNumber="").status_code == 200
    number = log.get(inv)["InvoiceNumber"]
    entries = log.new(inv)
    assert ("Invoice numbered", f"Invoice number {number} assigned.") in entries


def test_updating_names_the_changed_fields(log: Log) -> None:
    inv = log.invoice()
    log.new(inv)
    r = log.put(inv, BillToName=unique("New name"), PurchaseOrder=unique("PO"))
    assert r.status_code == 200, r.text
    assert log.new(inv) == [("Invoice updated", "Changed: BillToName, PurchaseOrder.")]
    assert log.put(inv, DueDate="2024-07-01T00:00:00Z").status_code == 200
    assert log.new(inv) == [("Invoice updated", "Changed: DueDate.")]


def test_a_put_that_changes_nothing_writes_nothing(log: Log) -> None:
    inv = log.invoice(PurchaseOrder="PO-1", DueDate="2024-07-01T00:00:00Z")
    log.line(inv, "Desk", D(100))
    log.new(inv)
    assert log.put(inv).status_code == 200
    assert log.new(inv) == []


def test_going_back_to_draft_is_refused_or_logged(log: Log) -> None:
    inv = log.invoice()
    log.new(inv)
    r = log.put(inv, Draft=True)
    if r.status_code == 200:
        assert any("Draft" in text for _, text in log.new(inv)), "a state change left no trace"
    else:
        assert r.status_code == 400, r.text
        assert log.new(inv) == []


@pytest.mark.parametrize(
    ("status", "name", "problem"), [(2, "TransferFailed", True), (5, "Processed", False)]
)
def test_e_invoicing_status(log: Log, status: int, name: str, problem: bool) -> None:
    inv = log.invoice()
    log.new(inv)
    assert log.put(inv, StorecoveInvoiceStatus=status).status_code == 200
    assert log.new(inv) == [("E-invoicing status changed", f"Storecove status is now {name}.")]
    entry = log.all(inv)[-1]
    assert entry["IsProblem"] is problem


# --- lines ---------------------------------------------------------------------------------


def test_line_added_changed_and_removed(log: Log) -> None:
    inv = log.invoice()
    log.new(inv)
    line = log.line(inv, "Hot desk May", D("150.5"))
    assert log.new(inv) == [("Line added", "Hot desk May: 2 x, 150.50 GBP net")]
    current = exact(log.api.get(f"{LINES}/{line}"))
    r = send(log.api, "PUT", LINES, {**current, "SubTotal": D("99.99")})
    assert r.status_code == 200, r.text
    ((name, text),) = log.new(inv)
    assert name == "Line changed"
    assert "Hot desk May" in text and "99.99 GBP" in text and "SubTotal" in text
    assert exact(log.api.delete(f"{LINES}/{line}"))["WasSuccessful"] is True
    assert log.new(inv) == [("Line removed", "Hot desk May: 99.99 GBP net.")]


# --- payments ------------------------------------------------------------------------------


def test_payments_and_their_effect_on_paid(log: Log) -> None:
    inv = log.invoice()
    log.line(inv, "Office", D(100))  # 120.00 GBP with tax
    log.new(inv)
    first = log.pay(inv, D(20))
    assert log.new(inv) == [("Payment received", "20.00 GBP; paid so far 20.00 GBP.")]
    log.pay(inv, D(100))
    assert log.new(inv) == [
        ("Payment received", "100.00 GBP; paid so far 120.00 GBP."),
        ("Invoice paid", "Invoice fully paid: 120.00 GBP received."),
    ]
    log.pay(inv, D(-30))
    assert log.new(inv) == [
        ("Payment reversed", "30.00 GBP; paid so far 90.00 GBP."),
        ("Invoice no longer paid", "Payments now total 90.00 GBP of 120.00 GBP."),
    ]
    entry = exact(log.api.get(f"{LEDGER}/{first}"))
    assert exact(send(log.api, "PUT", LEDGER, {**entry, "Credit": D(50)}))["WasSuccessful"]
    assert log.new(inv) == [
        ("Payment changed", "Paid so far 120.00 GBP."),
        ("Invoice paid", "Invoice fully paid: 120.00 GBP received."),
    ]
    assert exact(log.api.delete(f"{LEDGER}/{first}"))["WasSuccessful"] is True
    assert log.new(inv) == [
        ("Payment removed", "Paid so far 70.00 GBP."),
        ("Invoice no longer paid", "Payments now total 70.00 GBP of 120.00 GBP."),
    ]


def test_moving_a_payment_logs_on_both_invoices(log: Log) -> None:
    a, b = log.invoice(), log.invoice()
    log.line(a, "A", D(10))
    log.line(b, "B", D(10))
    entry = log.pay(a, D(12))
    log.seen = 0
    names_a = [n for n, _ in log.new(a)]
    assert names_a[-2:] == ["Payment received", "Invoice paid"]
    current = exact(log.api.get(f"{LEDGER}/{entry}"))
    r = send(log.api, "PUT", LEDGER, {**current, "CoworkerInvoiceId": b})
    assert r.status_code == 200, r.text
    log.seen = len(names_a)
    assert [n for n, _ in log.new(a)] == ["Payment changed", "Invoice no longer paid"]
    log.seen = 0
    assert [n for n, _ in log.new(b)][-2:] == ["Payment changed", "Invoice paid"]


# --- commands ------------------------------------------------------------------------------


def test_manual_payment_command(log: Log) -> None:
    inv = log.invoice()
    log.line(inv, "Office", D(100))
    log.pay(inv, D(20))
    log.new(inv)
    assert log.run("PAY_COWORKER_INVOICE_MANUAL", inv, **{"Payment Method": 996})["WasSuccessful"]
    assert log.new(inv) == [
        ("Payment received", "Manual payment of 100.00 GBP (method 996)."),
        ("Invoice paid", "Invoice fully paid: 120.00 GBP received."),
    ]


def test_void_command(log: Log) -> None:
    number = unique("INV")
    inv = log.invoice(InvoiceNumber=number)
    log.new(inv)
    assert log.run("VOID_INVOICE", inv)["WasSuccessful"] is True
    assert log.new(inv) == [("Invoice voided", f"Invoice {number} was voided.")]


def test_credit_note_command(log: Log) -> None:
    number = unique("INV")
    inv = log.invoice(InvoiceNumber=number)
    log.line(inv, "Office", D(100))
    log.new(inv)
    note = log.run("COWORKER_INVOICE_CANCEL", inv)["Value"][0]
    # The credit note settles the invoice (ledger provider 94), which so becomes paid.
    assert log.new(inv) == [
        ("Credit note issued", f"Credit note {note['InvoiceNumber']} issued for 120.00 GBP."),
        ("Invoice paid", "Invoice fully paid: 120.00 GBP received."),
    ]
    log.seen = 0
    assert log.new(note["Id"]) == [
        ("Invoice created", f"Credit note {note['InvoiceNumber']} for invoice {number}.")
    ]


def test_refund_command(log: Log) -> None:
    inv = log.invoice()
    log.line(inv, "Office", D(100))
    log.pay(inv, D(120))
    log.new(inv)
    assert log.run("COWORKER_INVOICE_REFUND", inv)["WasSuccessful"] is True
    assert log.new(inv) == [("Invoice refunded", "Refunded 120.00 GBP.")]


# --- failures write nothing ----------------------------------------------------------------


def test_failed_writes_leave_no_history(log: Log) -> None:
    inv = log.invoice()
    log.line(inv, "Office", D(100))
    log.pay(inv, D(120))
    log.new(inv)
    # a validation failure, a refused line change, a refused command, a refused void payment
    assert log.put(inv, BillToName="", PurchaseOrder="changed").status_code == 400
    line = {
        "CoworkerInvoiceId": inv,
        "Description": "x",
        "Quantity": 1,
        "SubTotal": 1,
        "TaxRate": 0,
    }
    assert send(log.api, "POST", LINES, line).status_code == 400
    assert log.run("VOID_INVOICE", inv)["WasSuccessful"] is False
    assert log.run("COWORKER_INVOICE_DELETE", inv)["WasSuccessful"] is False
    assert log.new(inv) == []


def test_history_entries_name_their_invoice(log: Log) -> None:
    number = unique("INV")
    inv = log.invoice(InvoiceNumber=number)
    (entry,) = log.all(inv)
    assert entry["CoworkerInvoiceInvoiceNumber"] == number
    assert entry["CoworkerInvoiceBusinessId"] == log.biz
    assert entry["IsProblem"] is False and entry["Notify"] is False
