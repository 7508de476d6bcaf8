"""Payments over HTTP: ledger entries linked to an invoice drive its PaidAmount (Σ credits), Paid
(PaidAmount ≥ TotalAmount) and PaidOn (when it became paid), through every create, update,
delete and move of an entry; entries for another business's or customer's invoice, and
payments on a void invoice, are refused."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any

import pytest

from tests.support import Api, exact, line_body, send, unique

INV = "/api/billing/coworkerinvoices"
LINES = "/api/billing/coworkerinvoicelines"
LEDGER = "/api/billing/coworkerledgerentries"


@dataclass
class Bill:
    api: Api
    biz: int
    cw: int
    id: int

    def get(self) -> dict[str, Any]:
        rec: dict[str, Any] = exact(self.api.get(f"{INV}/{self.id}"))
        return rec

    def state(self) -> tuple[Any, bool, Any]:
        rec = self.get()
        return rec["PaidAmount"], rec["Paid"], rec["PaidOn"]

    def pay(self, credit: D | int, when: str | None = None, **over: Any) -> int:
        body: dict[str, Any] = {
            "BusinessId": self.biz,
            "CoworkerId": self.cw,
            "CoworkerInvoiceId": self.id,
            "Credit": credit,
            "Description": unique("Payment"),
            **over,
        }
        if when is not None:
            body["TransactionDate"] = when
        r = exact(send(self.api, "POST", LEDGER, body))
        assert r["WasSuccessful"] is True
        return int(r["Value"]["Id"])


def make_bill(api: Api, biz: int, cw: int, *amounts: D, rate: D = D(20)) -> Bill:
    inv = api.invoice(biz, cw)
    for amount in amounts:
        assert exact(send(api, "POST", LINES, line_body(inv, amount, rate)))["WasSuccessful"]
    return Bill(api, biz, cw, inv)


@pytest.fixture()
def tokyo(api: Api) -> tuple[int, int]:
    """A business in Asia/Tokyo (UTC+9, no DST) and one of its customers."""
    biz = api.business(SimpleTimeZoneId="Asia/Tokyo")
    return biz, api.coworker(biz)


@pytest.fixture()
def bill(api: Api, tokyo: tuple[int, int]) -> Bill:
    """An invoice of 100.00 + 20% tax = 120.00."""
    return make_bill(api, *tokyo, D("100.00"))


def entry(api: Api, ident: int) -> dict[str, Any]:
    rec: dict[str, Any] = exact(api.get(f"{LEDGER}/{ident}"))
    return rec


def update_entry(api: Api, ident: int, **changes: Any) -> Any:
    return send(api, "PUT", LEDGER, {**entry(api, ident), **changes})


# --- paying --------------------------------------------------------------------------------


def test_unpaid_invoice_has_no_paid_amount(bill: Bill) -> None:
    rec = bill.get()
    assert rec["TotalAmount"] == D("120")
    assert (rec["PaidAmount"], rec["Paid"], rec["PaidOn"], rec["PaidOnLocal"]) == (
        None,
        False,
        None,
        None,
    )


def test_part_payment_then_the_rest(bill: Bill) -> None:
    bill.pay(D("50.00"), "2024-03-10T10:00:00Z")
    assert bill.state() == (D("50"), False, None)
    bill.pay(D("70.00"), "2024-03-11T18:30:00Z")
    rec = bill.get()
    assert (rec["PaidAmount"], rec["Paid"]) == (D("120"), True)
    # PaidOn is when the payment that completed it was made, in UTC and in the business's zone
    assert rec["PaidOn"] == "2024-03-11T18:30:00Z"
    assert rec["PaidOnLocal"] == "2024-03-12T03:30:00"
    assert rec["ReceivedAmount"] == D("120")


def test_payment_in_local_time_is_read_in_the_business_zone(bill: Bill) -> None:
    bill.pay(D("120"), "2024-06-01T08:00:00+09:00")
    rec = bill.get()
    assert (rec["PaidOn"], rec["PaidOnLocal"]) == ("2024-05-31T23:00:00Z", "2024-06-01T08:00:00")


def test_payment_without_a_date_is_dated_now(bill: Bill) -> None:
    ident = bill.pay(D("120"))
    rec = bill.get()
    assert rec["Paid"] is True
    assert rec["PaidOn"] == entry(bill.api, ident)["TransactionDate"]
    assert rec["PaidOn"] is not None


def test_paid_filter_sees_the_payment(api: Api, bill: Bill) -> None:
    bill.pay(D("120"), "2024-03-10T10:00:00Z")
    listed = exact(api.get(INV, {"CoworkerInvoice_Business": bill.biz, "CoworkerInvoice_Paid": 1}))
    assert [r["Id"] for r in listed["Records"]] == [bill.id]


def test_overpayment_is_paid_with_the_whole_amount(bill: Bill) -> None:
    bill.pay(D("200.00"), "2024-03-10T10:00:00Z")
    assert bill.state() == (D("200"), True, "2024-03-10T10:00:00Z")


def test_exact_cents_are_kept(api: Api, tokyo: tuple[int, int]) -> None:
    odd = make_bill(api, *tokyo, D("33.33"), D("33.33"), D("33.34"), rate=D("17.5"))
    # per-line tax: 5.83275 -> 5.83 twice, 5.8345 -> 5.83
    assert (odd.get()["TaxAmount"], odd.get()["TotalAmount"]) == (D("17.49"), D("117.49"))
    odd.pay(D("117.48"), "2024-01-01T00:00:00Z")
    assert odd.state() == (D("117.48"), False, None)
    odd.pay(D("0.01"), "2024-01-02T00:00:00Z")
    assert odd.state() == (D("117.49"), True, "2024-01-02T00:00:00Z")


def test_debits_are_not_payments(bill: Bill) -> None:
    bill.pay(0, "2024-03-10T10:00:00Z", Debit=D("120"))
    paid_amount, paid, _ = bill.state()
    assert paid is False
    assert paid_amount in (None, 0)


# --- reversals, updates, deletes, moves --------------------------------------------------


def test_reversal_makes_it_unpaid_and_clears_paid_on(bill: Bill) -> None:
    bill.pay(D("120"), "2024-03-10T10:00:00Z")
    assert bill.state()[1] is True
    bill.pay(D("-20"), "2024-03-12T10:00:00Z", Description="Chargeback")
    rec = bill.get()
    assert (rec["PaidAmount"], rec["Paid"], rec["PaidOn"], rec["PaidOnLocal"]) == (
        D("100"),
        False,
        None,
        None,
    )
    # paid again later: PaidOn is the payment that paid it again
    bill.pay(D("20"), "2024-03-15T10:00:00Z")
    assert bill.state() == (D("120"), True, "2024-03-15T10:00:00Z")


def test_deleting_a_payment_recomputes(api: Api, bill: Bill) -> None:
    first = bill.pay(D("60"), "2024-03-10T10:00:00Z")
    second = bill.pay(D("60"), "2024-03-11T10:00:00Z")
    assert bill.state() == (D("120"), True, "2024-03-11T10:00:00Z")
    assert exact(api.delete(f"{LEDGER}/{second}"))["WasSuccessful"] is True
    assert bill.state() == (D("60"), False, None)
    assert exact(api.delete(f"{LEDGER}/{first}"))["WasSuccessful"] is True
    assert bill.state() == (None, False, None)
    assert api.get(f"{LEDGER}/{first}").status_code == 404


def test_updating_a_payment_recomputes(api: Api, bill: Bill) -> None:
    ident = bill.pay(D("50"), "2024-03-10T10:00:00Z")
    assert exact(update_entry(api, ident, Credit=D("120")))["WasSuccessful"] is True
    assert bill.state() == (D("120"), True, "2024-03-10T10:00:00Z")
    assert exact(update_entry(api, ident, Credit=D("119.99")))["WasSuccessful"] is True
    assert bill.state() == (D("119.99"), False, None)
    r = update_entry(api, ident, Credit=D("130"), TransactionDate="2024-04-01T00:00:00Z")
    assert exact(r)["WasSuccessful"] is True
    assert bill.state() == (D("130"), True, "2024-04-01T00:00:00Z")


def test_unlinking_a_payment_recomputes_the_invoice(api: Api, bill: Bill) -> None:
    ident = bill.pay(D("120"), "2024-03-10T10:00:00Z")
    assert exact(update_entry(api, ident, CoworkerInvoiceId=None))["WasSuccessful"] is True
    assert bill.state() == (None, False, None)
    assert entry(api, ident)["CoworkerInvoiceId"] is None


def test_moving_a_payment_between_invoices_recomputes_both(
    api: Api, tokyo: tuple[int, int], bill: Bill
) -> None:
    other = make_bill(api, *tokyo, D("50"))  # 60.00 with tax
    ident = bill.pay(D("60"), "2024-03-10T10:00:00Z")
    bill.pay(D("60"), "2024-03-11T10:00:00Z")
    assert bill.state()[1] is True
    r = update_entry(api, ident, CoworkerInvoiceId=other.id)
    assert exact(r)["WasSuccessful"] is True
    assert bill.state() == (D("60"), False, None)
    assert other.state() == (D("60"), True, "2024-03-10T10:00:00Z")
    assert entry(api, ident)["CoworkerInvoiceId"] == other.id


# --- refusals ------------------------------------------------------------------------------


def assert_bad(r: Any, prop: str | None) -> None:
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["WasSuccessful"] is False
    if prop is not None:
        assert [e["PropertyName"] for e in body["Errors"]] == [prop], body


def test_entry_for_another_customers_invoice_is_refused(
    api: Api, tokyo: tuple[int, int], bill: Bill
) -> None:
    stranger = api.coworker(bill.biz)
    body = {"BusinessId": bill.biz, "CoworkerId": stranger, "CoworkerInvoiceId": bill.id}
    assert_bad(send(api, "POST", LEDGER, {**body, "Credit": 120}), "CoworkerInvoiceId")
    assert bill.state() == (None, False, None)


def test_entry_for_another_businesss_invoice_is_refused(api: Api, bill: Bill) -> None:
    elsewhere = api.business()
    body = {"BusinessId": elsewhere, "CoworkerId": bill.cw, "CoworkerInvoiceId": bill.id}
    assert_bad(send(api, "POST", LEDGER, {**body, "Credit": 120}), "CoworkerInvoiceId")
    assert bill.state() == (None, False, None)


def test_moving_an_entry_to_another_customers_invoice_is_refused(
    api: Api, tokyo: tuple[int, int], bill: Bill
) -> None:
    foreign = make_bill(api, tokyo[0], api.coworker(tokyo[0]), D("10"))
    ident = bill.pay(D("120"), "2024-03-10T10:00:00Z")
    assert_bad(update_entry(api, ident, CoworkerInvoiceId=foreign.id), "CoworkerInvoiceId")
    assert bill.state()[1] is True
    assert foreign.state() == (None, False, None)


def test_entry_for_an_unknown_invoice_is_refused(api: Api, bill: Bill) -> None:
    body = {"BusinessId": bill.biz, "CoworkerId": bill.cw, "CoworkerInvoiceId": 987654321}
    assert_bad(send(api, "POST", LEDGER, {**body, "Credit": 1}), "CoworkerInvoiceId")


def test_payment_on_a_void_invoice_is_refused(api: Api, bill: Bill) -> None:
    r = exact(api.post(f"{INV}/runcommand", {"Key": "VOID_INVOICE", "Ids": [bill.id]}))
    assert r["WasSuccessful"] is True, r
    response = send(
        api,
        "POST",
        LEDGER,
        {"BusinessId": bill.biz, "CoworkerId": bill.cw, "CoworkerInvoiceId": bill.id, "Credit": 5},
    )
    assert_bad(response, None)
    assert bill.state() == (None, False, None)


def test_lines_of_a_paid_invoice_cannot_change(api: Api, bill: Bill) -> None:
    bill.pay(D("120"), "2024-03-10T10:00:00Z")
    r = send(api, "POST", LINES, line_body(bill.id, 1))
    assert_bad(r, None)
    assert bill.get()["TotalAmount"] == D("120")


def test_adding_a_line_to_a_part_paid_invoice_keeps_it_unpaid(api: Api, bill: Bill) -> None:
    bill.pay(D("120"), "2024-03-10T10:00:00Z")
    bill.pay(D("-120"), "2024-03-11T10:00:00Z")
    bill.pay(D("100"), "2024-03-12T10:00:00Z")
    r = send(
        api,
        "POST",
        LINES,
        line_body(bill.id, 10),
    )
    assert exact(r)["WasSuccessful"] is True
    rec = bill.get()
    assert (rec["TotalAmount"], rec["PaidAmount"], rec["Paid"]) == (D("130"), D("100"), False)
    bill.pay(D("30"), "2024-03-13T10:00:00Z")
    assert bill.state() == (D("130"), True, "2024-03-13T10:00:00Z")


def test_an_invoice_put_keeps_totals_and_payments_and_follows_the_business_rate(
    api: Api, tokyo: tuple[int, int]
) -> None:
    """A PUT of the invoice itself derives its totals from the stored ones (its lines and
    payments did not change): they must stay exact, and what follows from the invoice's own
    fields and its business (PaidOn, the transaction rate and total) must still follow."""
    biz, cw = tokyo
    bill = make_bill(api, biz, cw, D("10.005"), D("3.333"))
    bill.pay(D("5"))
    before = bill.get()
    assert (before["TotalAmount"], before["PaidAmount"], before["Paid"]) == (
        D("16.01"),
        D("5"),
        False,
    )
    business = exact(api.get(f"/api/sys/businesses/{biz}"))
    assert exact(send(api, "PUT", "/api/sys/businesses", {**business, "ExchangeRate": 2}))[
        "WasSuccessful"
    ]
    body = {**before, "PurchaseOrder": "PO-7", "TotalAmount": 1, "PaidAmount": 99}
    assert exact(send(api, "PUT", INV, body))["WasSuccessful"] is True
    after = bill.get()
    for key in ("TotalAmount", "TaxAmount", "PaidAmount", "Paid", "PaidOn", "Description"):
        assert after[key] == before[key], key
    assert after["PurchaseOrder"] == "PO-7"
    assert (after["TransactionExchangeRate"], after["TransactionTotalAmount"]) == (2, D("32.02"))
    bill.pay(D("11.01"))
    assert bill.state()[:2] == (D("16.01"), True)
    paid = bill.get()
    moved = {**paid, "PaidOn": "2030-01-02T03:04:05Z"}
    assert exact(send(api, "PUT", INV, moved))["WasSuccessful"] is True
    assert bill.state() == (D("16.01"), True, "2030-01-02T03:04:05Z")
