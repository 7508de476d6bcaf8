"""The CoworkerInvoice commands over HTTP (spec section 2.5): each command in every state it
accepts and refuses, ``commands?id=`` listing exactly what can run now, several Ids with mixed
outcomes, printed PDFs and zips behind short-lived links, and who may run what."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from typing import Any
from urllib.parse import urlsplit

import pypdf
import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from coworkbill.billing.tables import downloads
from tests.support import Api, add_user, exact, send, unique

INV = "/api/billing/coworkerinvoices"
LINES = "/api/billing/coworkerinvoicelines"
LEDGER = "/api/billing/coworkerledgerentries"
CANNOT = "This command cannot be run for the CoworkerInvoice"
PAY, VOID, CANCEL = "PAY_COWORKER_INVOICE_MANUAL", "VOID_INVOICE", "COWORKER_INVOICE_CANCEL"
REFUND, DELETE, PRINT = (
    "COWORKER_INVOICE_REFUND",
    "COWORKER_INVOICE_DELETE",
    "COWORKER_INVOICE_PRINT",
)


def run(api: Api, key: str, ids: list[int], **params: Any) -> dict[str, Any]:
    """Run a command; HTTP is 200 whatever the outcome, which the envelope carries."""
    body = {
        "Key": key,
        "Ids": ids,
        "Parameters": [{"Name": k, "Value": v} for k, v in params.items()],
    }
    result: dict[str, Any] = exact(send(api, "POST", f"{INV}/runcommand", body))
    return result


def pay_method(method: Any) -> dict[str, Any]:
    return {"Payment Method": method}


def assert_refused(result: dict[str, Any], why: str = "") -> None:
    assert result["WasSuccessful"] is False, result
    assert result["Message"].startswith(CANNOT), result
    assert why in result["Message"], result
    assert result["RedirectURL"] is None


@dataclass
class Kit:
    api: Api
    biz: int
    cw: int

    def get(self, ident: int) -> dict[str, Any]:
        rec: dict[str, Any] = exact(self.api.get(f"{INV}/{ident}"))
        return rec

    def line(self, inv: int, amount: D, rate: D = D(20), description: str = "") -> int:
        body = {
            "CoworkerInvoiceId": inv,
            "Description": description or unique("Line"),
            "Quantity": 1,
            "SubTotal": amount,
            "TaxRate": rate,
        }
        return int(exact(send(self.api, "POST", LINES, body))["Value"]["Id"])

    def pay(self, inv: int, credit: D) -> int:
        body = {"BusinessId": self.biz, "CoworkerId": self.cw, "CoworkerInvoiceId": inv}
        r = exact(send(self.api, "POST", LEDGER, {**body, "Credit": credit}))
        return int(r["Value"]["Id"])

    # -- invoices in each state (100.00 net + 20% = 120.00 unless said otherwise) ----------
    def open(self, *amounts: D) -> int:
        inv = self.api.invoice(self.biz, self.cw, InvoiceNumber=unique("INV"))
        for amount in amounts or (D(100),):
            self.line(inv, amount)
        return inv

    def draft(self) -> int:
        inv = self.api.invoice(self.biz, self.cw, InvoiceNumber="", Draft=True)
        self.line(inv, D(100))
        return inv

    def part_paid(self) -> int:
        inv = self.open()
        self.pay(inv, D(50))
        return inv

    def paid(self) -> int:
        inv = self.open()
        self.pay(inv, D(120))
        return inv

    def refunded(self) -> int:
        inv = self.paid()
        assert run(self.api, REFUND, [inv])["WasSuccessful"] is True
        return inv

    def void(self) -> int:
        inv = self.open()
        assert run(self.api, VOID, [inv])["WasSuccessful"] is True
        return inv

    def credit_note(self) -> int:
        result = run(self.api, CANCEL, [self.open()])
        assert result["WasSuccessful"] is True, result
        return int(result["Value"][0]["Id"])

    def zero_total(self) -> int:
        return self.api.invoice(self.biz, self.cw)


@pytest.fixture()
def kit(api: Api) -> Kit:
    biz = api.business(InvoiceNumberPrefix=unique("C") + "-")
    return Kit(api, biz, api.coworker(biz))


STATES: dict[str, tuple[Callable[[Kit], int], set[str]]] = {
    "draft": (Kit.draft, {VOID, DELETE, PRINT}),
    "open": (Kit.open, {PAY, VOID, CANCEL, DELETE, PRINT}),
    "part-paid": (Kit.part_paid, {PAY, CANCEL, PRINT}),
    "paid": (Kit.paid, {REFUND, PRINT}),
    "refunded": (Kit.refunded, {PRINT}),
    "void": (Kit.void, {DELETE, PRINT}),
    # A credit note settles the invoice it credits and is settled by it (ledger provider 94):
    # nothing is left to pay, void, delete or refund on it.
    "credit-note": (Kit.credit_note, {PRINT}),
}
ALL = (PAY, VOID, CANCEL, REFUND, DELETE, PRINT)
# what each refusal's message must say, by (command, state)
WHY = {
    **{(PAY, s): w for s, w in (("void", "void"), ("draft", "draft"), ("paid", "paid"))},
    **{(CANCEL, s): w for s, w in (("void", "void"), ("draft", "draft"), ("paid", "paid"))},
    (PAY, "credit-note"): "credit note",
    (CANCEL, "credit-note"): "credit note",
    (REFUND, "credit-note"): "credit note",
    (VOID, "void"): "already void",
    (VOID, "paid"): "paid",
    (VOID, "part-paid"): "payments",
    (REFUND, "open"): "paid",
    (REFUND, "part-paid"): "paid",
    (REFUND, "refunded"): "already refunded",
    (DELETE, "paid"): "paid",
    (DELETE, "part-paid"): "payments",
}


def listed(api: Api, ident: int) -> set[str]:
    return {c["Key"] for c in exact(api.get(f"{INV}/commands", {"id": ident}))}


def test_commands_without_id_list_every_command(api: Api) -> None:
    cmds = exact(api.get(f"{INV}/commands"))
    assert [c["Key"] for c in cmds] == list(ALL)
    pay = next(c for c in cmds if c["Key"] == PAY)
    assert pay["RequiresParameters"] == [{"Name": "Payment Method", "Type": "ePaymentProvider"}]
    assert next(c for c in cmds if c["Key"] == CANCEL)["AppliesOnlyToOneEntity"] is True


@pytest.mark.parametrize("state", list(STATES))
def test_commands_for_an_id_list_exactly_what_can_run(kit: Kit, state: str) -> None:
    make, runnable = STATES[state]
    assert listed(kit.api, make(kit)) == runnable


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("key", [k for k in ALL if k != PRINT])
def test_each_command_runs_exactly_when_listed(kit: Kit, state: str, key: str) -> None:
    make, runnable = STATES[state]
    ident = make(kit)
    before = kit.get(ident)
    result = run(kit.api, key, [ident], **(pay_method(997) if key == PAY else {}))
    if key in runnable:
        assert result["WasSuccessful"] is True, result
    else:
        assert_refused(result, WHY.get((key, state), ""))
        assert kit.get(ident) == before  # a refusal changes nothing


def test_zero_total_invoice_lists_pay_only_if_it_can_run(kit: Kit) -> None:
    ident = kit.zero_total()
    result = run(kit.api, PAY, [ident], **pay_method(999))
    assert (PAY in listed(kit.api, ident)) == result["WasSuccessful"], result


def test_commands_for_an_unknown_id_is_404(api: Api) -> None:
    assert api.get(f"{INV}/commands", {"id": 987654321}).status_code == 404


# --- PAY_COWORKER_INVOICE_MANUAL ------------------------------------------------------------


@pytest.mark.parametrize("method", [996, 997, 998, 999, 15, "997"])
def test_pay_manual_records_the_outstanding_amount(kit: Kit, method: Any) -> None:
    ident = kit.part_paid()
    result = run(kit.api, PAY, [ident], **pay_method(method))
    assert result["WasSuccessful"] is True, result
    assert result["Value"] == {"Id": ident}
    rec = kit.get(ident)
    assert (rec["PaidAmount"], rec["Paid"]) == (D(120), True)
    assert rec["PaidOn"] is not None
    entries = exact(
        kit.api.get(LEDGER, {"CoworkerLedgerEntry_CoworkerInvoice": ident, "orderBy": "Id"})
    )["Records"]
    assert [e["Credit"] for e in entries] == [D(50), D(70)]
    assert entries[1]["PaymentProvider"] in (int(method), str(method))


def test_pay_manual_agrees_with_a_recompute_from_the_ledger(kit: Kit) -> None:
    """The pay command replays the stored credits plus its own instead of reading everything
    back: with an earlier payment dated in the future, the invoice is paid on that date (the
    credit from which the sum reached the total, in date order), not on today's."""
    inv = kit.open()
    later = "2099-01-02T03:04:05Z"
    body = {"BusinessId": kit.biz, "CoworkerId": kit.cw, "CoworkerInvoiceId": inv}
    exact(send(kit.api, "POST", LEDGER, {**body, "Credit": D(50), "TransactionDate": later}))
    assert run(kit.api, PAY, [inv])["WasSuccessful"] is True
    paid = kit.get(inv)
    assert (paid["PaidAmount"], paid["Paid"], paid["PaidOn"]) == (D(120), True, later)


def test_pay_manual_without_a_method_defaults_to_other(kit: Kit) -> None:
    ident = kit.open()
    assert run(kit.api, PAY, [ident])["WasSuccessful"] is True
    assert kit.get(ident)["Paid"] is True


@pytest.mark.parametrize("method", [12345, "cash", -1])
def test_pay_manual_with_an_unknown_method_is_refused(kit: Kit, method: Any) -> None:
    ident = kit.open()
    assert_refused(run(kit.api, PAY, [ident], **pay_method(method)), "payment method")
    assert kit.get(ident)["PaidAmount"] is None


# --- VOID_INVOICE --------------------------------------------------------------------------


def test_void_sets_void_and_freezes_the_invoice(kit: Kit) -> None:
    ident = kit.open()
    result = run(kit.api, VOID, [ident])
    assert result["WasSuccessful"] is True
    rec = kit.get(ident)
    assert (rec["Void"], rec["Paid"], rec["TotalAmount"]) == (True, False, D(120))
    put = send(kit.api, "PUT", INV, {**rec, "PurchaseOrder": "changed"})
    assert put.status_code == 400, put.text
    assert kit.get(ident)["PurchaseOrder"] == rec["PurchaseOrder"]


def test_void_after_the_payments_are_removed(kit: Kit) -> None:
    ident = kit.open()
    entry = kit.pay(ident, D(10))
    assert_refused(run(kit.api, VOID, [ident]))
    assert exact(kit.api.delete(f"{LEDGER}/{entry}"))["WasSuccessful"] is True
    assert run(kit.api, VOID, [ident])["WasSuccessful"] is True


# --- COWORKER_INVOICE_CANCEL (credit note) -------------------------------------------------


def lines_of(api: Api, inv: int) -> list[dict[str, Any]]:
    r = exact(api.get(LINES, {"CoworkerInvoiceLine_CoworkerInvoice": inv, "size": 1000}))
    return sorted(r["Records"], key=lambda rec: (rec["Position"], rec["Id"]))


def test_credit_note_negates_every_line(kit: Kit) -> None:
    ident = kit.open(D("100"), D("33.33"))
    original = kit.get(ident)
    result = run(kit.api, CANCEL, [ident])
    assert result["WasSuccessful"] is True, result
    assert isinstance(result["Value"], list) and len(result["Value"]) == 1
    note = result["Value"][0]
    assert note["CreditNote"] is True
    assert note["OriginalInvoiceGuid"] == original["UniqueId"]
    assert note["Id"] != ident
    assert note["InvoiceNumber"] not in ("", original["InvoiceNumber"])
    prefix = exact(kit.api.get(f"/api/sys/businesses/{kit.biz}"))["InvoiceNumberPrefix"]
    assert note["InvoiceNumber"].startswith(prefix)
    assert note["Draft"] is False
    assert (note["TotalAmount"], note["TaxAmount"]) == (
        -original["TotalAmount"],
        -original["TaxAmount"],
    )
    assert kit.get(note["Id"]) == note  # Value is the stored record
    src, neg = lines_of(kit.api, ident), lines_of(kit.api, note["Id"])
    assert [(n["Description"], n["SubTotal"], n["TaxAmount"], n["TaxRate"]) for n in neg] == [
        (s["Description"], -s["SubTotal"], -s["TaxAmount"], s["TaxRate"]) for s in src
    ]
    assert [n["CancelledCoworkerInvoiceLineUniqueId"] for n in neg] == [s["UniqueId"] for s in src]
    after = kit.get(ident)
    assert after["CreditedAmount"] == original["TotalAmount"]
    # Settled by the credit note (a ledger credit with provider 94 CreditNote).
    assert (after["Void"], after["Paid"], after["TotalAmount"]) == (
        False,
        True,
        original["TotalAmount"],
    )


def test_credit_note_takes_the_next_number_of_the_sequence(api: Api) -> None:
    biz = api.business(InvoiceNumberPrefix="CN", InvoiceNumberPadding=3)
    kit = Kit(api, biz, api.coworker(biz))
    inv = api.invoice(biz, kit.cw, InvoiceNumber="", Draft=False)
    kit.line(inv, D(10))
    assert kit.get(inv)["InvoiceNumber"] == "CN001"
    note = run(api, CANCEL, [inv])["Value"][0]
    assert note["InvoiceNumber"] == "CN002"
    assert exact(api.get(f"/api/sys/businesses/{biz}"))["NextInvoiceNumber"] == 3


def test_partial_credit_note_with_amount_parameter(kit: Kit) -> None:
    ident = kit.open()
    result = run(kit.api, CANCEL, [ident], **{f"Amount{ident}": D("50.5")})
    assert result["WasSuccessful"] is True, result
    note = result["Value"][0]
    assert (note["TotalAmount"], note["CreditNote"]) == (D("-50.5"), True)
    assert [n["SubTotal"] for n in lines_of(kit.api, note["Id"])] == [D("-50.5")]
    assert kit.get(ident)["CreditedAmount"] == D("50.5")


@pytest.mark.parametrize("amount", [D(0), D(-5), D("120.01"), "lots"])
def test_partial_credit_note_with_a_bad_amount_is_refused(kit: Kit, amount: Any) -> None:
    ident = kit.open()
    assert_refused(run(kit.api, CANCEL, [ident], **{f"Amount{ident}": amount}))
    notes = exact(
        kit.api.get(INV, {"CoworkerInvoice_OriginalInvoiceGuid": kit.get(ident)["UniqueId"]})
    )
    assert notes["TotalItems"] == 0


def test_credit_note_runs_on_one_invoice_at_a_time(kit: Kit) -> None:
    r = send(kit.api, "POST", f"{INV}/runcommand", {"Key": CANCEL, "Ids": [kit.open(), kit.open()]})
    assert r.status_code == 400, r.text
    assert [e["PropertyName"] for e in r.json()["Errors"]] == ["Ids"]


# --- COWORKER_INVOICE_REFUND ---------------------------------------------------------------


def test_refund_marks_the_invoice_and_its_lines(kit: Kit) -> None:
    ident = kit.open(D(100), D(50))
    kit.pay(ident, D(180))
    result = run(kit.api, REFUND, [ident], ePaymentProvider0=994)
    assert result["WasSuccessful"] is True, result
    rec = kit.get(ident)
    assert (rec["Refunded"], rec["Paid"], rec["RefundedAmount"]) == (True, True, D(180))
    assert rec["RefundedOn"] is not None and rec["RefundedOnLocal"] is not None
    lines = lines_of(kit.api, ident)
    assert [(ln["Refunded"], ln["RefundedAmount"]) for ln in lines] == [
        (True, D(120)),
        (True, D(60)),
    ]
    assert all(ln["RefundedOn"] == rec["RefundedOn"] for ln in lines)


# --- COWORKER_INVOICE_DELETE ---------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "open", "void"])
def test_delete_removes_the_invoice_and_its_lines(kit: Kit, state: str) -> None:
    ident = STATES[state][0](kit)
    line_ids = [ln["Id"] for ln in lines_of(kit.api, ident)]
    result = run(kit.api, DELETE, [ident])
    assert result["WasSuccessful"] is True, result
    assert kit.api.get(f"{INV}/{ident}").status_code == 404
    assert all(kit.api.get(f"{LINES}/{i}").status_code == 404 for i in line_ids)
    gone = exact(
        kit.api.get(
            "/api/billing/coworkerinvoicehistories",
            {"CoworkerInvoiceHistory_CoworkerInvoice": ident},
        )
    )
    assert gone["TotalItems"] == 0
    # running it again finds nothing
    again = run(kit.api, DELETE, [ident])
    assert again["WasSuccessful"] is False
    assert "not found" in again["Message"]


@pytest.mark.parametrize("key", [VOID, DELETE])
def test_payments_that_net_to_zero_still_count_as_payments(kit: Kit, key: str) -> None:
    # a payment and its reversal are money that moved: voiding or deleting would erase them
    ident = kit.open()
    kit.pay(ident, D(50))
    kit.pay(ident, D(-50))
    assert key not in listed(kit.api, ident)
    assert_refused(run(kit.api, key, [ident]), "payments")
    entries = exact(kit.api.get(LEDGER, {"CoworkerLedgerEntry_CoworkerInvoice": ident}))
    assert entries["TotalItems"] == 2


def test_invoices_have_no_delete_route(kit: Kit) -> None:
    ident = kit.open()
    assert kit.api.delete(f"{INV}/{ident}").status_code == 405
    assert kit.api.get(f"{INV}/{ident}").status_code == 200


# --- several Ids ---------------------------------------------------------------------------


def test_several_ids_report_each_outcome(kit: Kit) -> None:
    open_a, paid, void, open_b = kit.open(), kit.paid(), kit.void(), kit.open()
    ids = [open_a, paid, void, open_b, 987654321]
    result = run(kit.api, PAY, ids, **pay_method(996))
    assert result["WasSuccessful"] is False
    assert result["Message"] == "The command ran on 2 of 5 records."
    outcomes = result["Value"]
    assert [o["Id"] for o in outcomes] == ids
    assert [o["WasSuccessful"] for o in outcomes] == [True, False, False, True, False]
    assert outcomes[1]["Message"].startswith(CANNOT) and "paid" in outcomes[1]["Message"]
    assert outcomes[2]["Message"].startswith(CANNOT) and "void" in outcomes[2]["Message"]
    assert "not found" in outcomes[4]["Message"]
    assert all(set(o) == {"Id", "WasSuccessful", "Message", "Value"} for o in outcomes)
    # each Id ran in its own transaction: the refusals undid nothing
    assert kit.get(open_a)["Paid"] is True and kit.get(open_b)["Paid"] is True
    assert kit.get(void)["PaidAmount"] is None


def test_several_ids_all_succeeding(kit: Kit) -> None:
    ids = [kit.open(), kit.open(), kit.open()]
    result = run(kit.api, VOID, ids)
    assert result["WasSuccessful"] is True
    assert [o["WasSuccessful"] for o in result["Value"]] == [True, True, True]
    assert all(kit.get(i)["Void"] for i in ids)


def test_repeated_ids_run_once(kit: Kit) -> None:
    ident = kit.open()
    result = run(kit.api, PAY, [ident, ident], **pay_method(997))
    assert result["WasSuccessful"] is True, result
    assert kit.get(ident)["PaidAmount"] == D(120)


# --- bad requests and permissions ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "prop"),
    [
        ({"Key": "NO_SUCH_COMMAND", "Ids": [1]}, "Key"),
        ({"Ids": [1]}, "Key"),
        ({"Key": VOID, "Ids": []}, "Ids"),
        ({"Key": VOID, "Ids": ["x"]}, "Ids"),
        ({"Key": VOID, "Ids": [1], "Parameters": "x"}, "Parameters"),
    ],
)
def test_bad_command_bodies_are_400(api: Api, body: dict[str, Any], prop: str) -> None:
    r = api.post(f"{INV}/runcommand", body)
    assert r.status_code == 400, r.text
    assert prop in [e["PropertyName"] for e in r.json()["Errors"]]


def test_malformed_command_body_is_400(api: Api) -> None:
    r = api.client.post(
        f"{INV}/runcommand",
        content=b"{not json",
        headers={**api.auth, "Content-Type": "application/json"},
    )
    assert r.status_code == 400, r.text


def _user(client: TestClient, roles: tuple[str, ...], businesses: tuple[int, ...] = ()) -> Any:
    email = f"{unique('cmd')}@tests.local".lower()
    return email, add_user(client, email, roles=roles, business_ids=businesses)


def test_running_commands_needs_invoice_edit(client: TestClient, kit: Kit) -> None:
    ident = kit.open()
    _, auth = _user(client, ("CoworkerInvoice-List", "CoworkerInvoice-Read"))
    viewer = kit.api.as_(auth)
    r = viewer.post(f"{INV}/runcommand", {"Key": VOID, "Ids": [ident]})
    assert r.status_code == 401, r.text
    assert "WWW-Authenticate" in r.headers
    assert kit.get(ident)["Void"] is False
    # listing them only needs List
    assert viewer.get(f"{INV}/commands", {"id": ident}).status_code == 200
    _, auth = _user(client, ("CoworkerInvoice-Edit",))
    assert run(kit.api.as_(auth), VOID, [ident])["WasSuccessful"] is True


def test_a_business_limited_user_cannot_touch_another_business(
    client: TestClient, api: Api
) -> None:
    mine = Kit(api, api.business(), 0)
    mine.cw = api.coworker(mine.biz)
    theirs = Kit(api, api.business(), 0)
    theirs.cw = api.coworker(theirs.biz)
    a, b = mine.open(), theirs.open()
    email, auth = _user(
        client,
        ("CoworkerInvoice-Edit", "CoworkerInvoice-List", "CoworkerInvoice-Read"),
        (mine.biz,),
    )
    user = api.as_(auth)
    result = run(user, PAY, [a, b], **pay_method(997))
    assert [o["WasSuccessful"] for o in result["Value"]] == [True, False]
    assert "not found" in result["Value"][1]["Message"]
    assert result["UpdatedBy"] == email
    assert mine.get(a)["Paid"] is True
    assert theirs.get(b)["PaidAmount"] is None
    single = run(user, VOID, [b])
    assert single["WasSuccessful"] is False and "not found" in single["Message"]
    assert theirs.get(b)["Void"] is False
    printed = run(user, PRINT, [b])
    assert printed["WasSuccessful"] is False and printed["RedirectURL"] is None
    assert user.get(f"{INV}/commands", {"id": b}).status_code == 404


# --- COWORKER_INVOICE_PRINT ----------------------------------------------------------------


def download(client: TestClient, url: str) -> Any:
    parts = urlsplit(url)
    assert parts.path.startswith("/downloads/"), url
    return client.get(parts.path)  # no credentials: the link itself is the secret


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_print_one_invoice_gives_a_pdf(client: TestClient, kit: Kit) -> None:
    ident = kit.open()
    kit.line(ident, D("42.5"), description="Meeting room Tuesday")
    number = kit.get(ident)["InvoiceNumber"]
    result = run(kit.api, PRINT, [ident])
    assert result["WasSuccessful"] is True, result
    r = download(client, result["RedirectURL"])
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert f'filename="{number}.pdf"' in r.headers["content-disposition"]
    text = pdf_text(r.content)
    assert number in text
    assert "Meeting room Tuesday" in text


@pytest.mark.parametrize("state", ["draft", "paid", "void", "credit-note"])
def test_print_works_in_every_state(client: TestClient, kit: Kit, state: str) -> None:
    result = run(kit.api, PRINT, [STATES[state][0](kit)])
    assert result["WasSuccessful"] is True, result
    assert download(client, result["RedirectURL"]).content.startswith(b"%PDF-")


def test_print_several_invoices_gives_a_zip_of_pdfs(client: TestClient, kit: Kit) -> None:
    ids = [kit.open(), kit.paid(), kit.open()]
    numbers = [kit.get(i)["InvoiceNumber"] for i in ids]
    result = run(kit.api, PRINT, ids)
    assert result["WasSuccessful"] is True, result
    r = download(client, result["RedirectURL"])
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        names = archive.namelist()
        assert sorted(names) == sorted(f"{n}.pdf" for n in numbers)
        for n in numbers:
            assert n in pdf_text(archive.read(f"{n}.pdf"))


def test_print_link_is_reusable_until_it_expires(client: TestClient, kit: Kit) -> None:
    url = run(kit.api, PRINT, [kit.open()])["RedirectURL"]
    assert download(client, url).status_code == 200
    assert download(client, url).status_code == 200
    ident = int(urlsplit(url).path.rsplit("/", 1)[1].split(".")[0])
    db = client.app.state.db  # type: ignore[attr-defined]

    async def age() -> None:
        # Ten minutes cannot pass in a test: move the link's expiry into the past instead.
        async with db.transaction() as conn:
            await conn.execute(
                sa.update(downloads)
                .where(downloads.c.id == ident)
                .values(expires_on=datetime.now(UTC) - timedelta(seconds=1))
            )

    client.portal.call(age)  # type: ignore[union-attr]
    r = download(client, url)
    assert r.status_code == 404
    assert r.json()["Status"] == 404


def test_garbage_and_tampered_links_are_404(client: TestClient, kit: Kit) -> None:
    url = run(kit.api, PRINT, [kit.open()])["RedirectURL"]
    path = urlsplit(url).path
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    for bad in (tampered, "/downloads/garbage", "/downloads/1.x", "/downloads/99999999.abc"):
        r = client.get(bad)
        assert r.status_code == 404, (bad, r.text)
    assert client.get(path).status_code == 200


def test_link_to_deleted_invoice_is_404(client: TestClient, kit: Kit) -> None:
    ident = kit.open()
    url = run(kit.api, PRINT, [ident])["RedirectURL"]
    assert run(kit.api, DELETE, [ident])["WasSuccessful"] is True
    assert download(client, url).status_code == 404


def test_pdf_shows_the_state_at_download_time(client: TestClient, kit: Kit) -> None:
    ident = kit.open()
    url = run(kit.api, PRINT, [ident])["RedirectURL"]
    kit.line(ident, D(1), description="Added after printing")
    assert "Added after printing" in pdf_text(download(client, url).content)
