"""List queries of CoworkerInvoice (spec 2.4) and CoworkerInvoiceLine (spec 3.3): every filter
and range returns exactly the right records (also through related records and in each business's
own time zone), plus paging and ordering. One data set per module; every query is scoped to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.support import Api, World, unique
from tests.test_invoice_resource import names

INV = "/api/billing/coworkerinvoices"
LINES = "/api/billing/coworkerinvoicelines"
G = [f"{n:08x}-0000-4000-8000-{n:012x}" for n in range(0xA1, 0xAD)]  # GUIDs the lines carry


@dataclass
class Data:
    api: Api
    v: dict[str, Any] = field(default_factory=dict)  # placeholders for the case tables
    inv: dict[str, int] = field(default_factory=dict)
    line: dict[str, int] = field(default_factory=dict)
    inv_recs: list[dict[str, Any]] = field(default_factory=list)
    line_recs: list[dict[str, Any]] = field(default_factory=list)


def _build(api: Api, world: World) -> Data:
    d = Data(api)
    tag = unique("Flt")
    d.v.update(tag=tag, es=world.country_es, jpy=world.currency_jpy, eur=world.currency_eur)
    a = api.business(Name=f"Harbor Desk {tag}", SimpleTimeZoneId="America/New_York")
    b = api.business(Name=f"Shibuya Desk {tag}", SimpleTimeZoneId="Asia/Tokyo", ExchangeRate=0.0062)
    cw_a1 = api.coworker(a, FullName=f"Zelda {tag} Fitz", CompanyName=f"Quokka {tag} Ltd",
                         BillingEmail=f"zelda.{tag}@bill.example", RegularPaymentProvider=2,
                         RegularPaymentContractNumber=f"RPC-{tag}", CardNumber=f"4242-{tag}",
                         GoCardlessContractNumber=f"GC-{tag}", EnableGoCardlessPayments=True,
                         NotifyOnNewInvoice=True, NotifyOnFailedPayment=True,
                         DoNotProcessInvoicesAutomatically=True,
                         TeamNames=f"Red {tag}")  # fmt: skip
    cw_a2 = api.coworker(a, FullName=f"Mario {tag} Rossi", CompanyName=f"Wombat {tag} SpA",
                         BillingEmail=f"mario.{tag}@bill.example", RegularPaymentProvider=12,
                         NotifyOnNewPayment=True)  # fmt: skip
    cw_b1 = api.coworker(b, FullName=f"Kenji {tag}", RegularPaymentProvider=96)
    d.v.update(A=a, B=b, cwA1=cw_a1, cwA2=cw_a2, cwB1=cw_b1)
    inv = d.inv
    inv["i1"] = api.invoice(a, cw_a1, InvoiceNumber=f"{tag}-0001", PaymentReference=f"PR-{tag}-1",
                            BillToName="Alpha Widgets", BillToAddress="1 Apple Road",
                            BillToCity="Springfield", BillToPostCode="SP1 1AA",
                            BillToPhone="555-0101", BillToFax="555-0109", BillToState="Oregon",
                            BillToBankAccount="GB00 1111", BillToTaxIDNumber=f"TAX-{tag}",
                            PurchaseOrder="PO-APPLE", CustomData="cd-one", SystemId=f"sys-{tag}",
                            DueDate="2024-03-10T12:00:00Z", InvoiceFromDate="2024-02-01T05:00:00Z",
                            InvoiceToDate="2024-02-29T05:00:00Z", Billed=True,
                            DoNotApplyCreditAutomatically=True)  # fmt: skip
    inv["i2"] = api.invoice(a, cw_a2, InvoiceNumber=f"{tag}-0002", BillToName="Beta Gadgets",
                            BillToCity="Shelbyville", BillToCountryId=world.country_es,
                            CurrencyId=world.currency_eur, DueDate="2024-03-10T03:30:00Z",
                            Draft=True)  # fmt: skip
    inv["i3"] = api.invoice(a, cw_a1, InvoiceNumber=f"{tag}-0003", DueDate="2024-11-03T05:30:00Z")
    inv["i4"] = api.invoice(b, cw_b1, InvoiceNumber=f"{tag}-0004", CurrencyId=world.currency_jpy,
                            TransactionCurrencyId=world.currency_eur,
                            DueDate="2024-03-09T16:00:00Z")  # fmt: skip
    inv["i5"] = api.invoice(b, cw_b1, InvoiceNumber="", Draft=True)
    line = d.line
    line["l1"] = _line(api, inv["i1"], f"Hot desk {tag}", 1, 100, 20, DisplayAs=f"Desk {tag}",
                       TaxCategoryName="Standard rate", FinancialAccountCode=f"4000-{tag}",
                       FinancialAccountName="Desk revenue", PurchaseOrder=f"PO-L1-{tag}",
                       CoworkerContractUniqueId=G[0], BookingUniqueId=G[1], IssuedByUniqueId=G[2],
                       SaleDate="2024-03-01T03:00:00Z", DiscountCode=f"SPRING-{tag}",
                       DiscountAmount=5, TariffName=f"Gold {tag}", SystemId=f"lsys-{tag}",
                       CoworkerProductName=f"Widget {tag}")  # fmt: skip
    line["l2"] = _line(api, inv["i1"], f"Printing {tag}", 5, 2.5, 20, CreditAmount=1.25,
                       SaleDate="2024-03-10T12:00:00Z", ContractDepositUniqueId=G[5],
                       CoworkerExtraServiceUniqueId=G[6], ExtraServiceUniqueId=G[7])  # fmt: skip
    line["l3"] = _line(api, inv["i2"], f"Meeting room {tag}", 3, 50, 10,
                       CoworkerTimePassName=f"Day pass {tag}",
                       CancelledCoworkerInvoiceLineUniqueId=G[3])  # fmt: skip
    line["l4"] = _line(api, inv["i3"], f"Coffee {tag}", 2, 10, 0, CoworkerTimePassUniqueId=G[8],
                       CoworkerChargeUniqueId=G[9], EventAttendeeUniqueId=G[10],
                       GroupedLineUniqueId=G[11],
                       EventAttendeeProductName=f"Gala {tag}")  # fmt: skip
    line["l5"] = _line(api, inv["i4"], f"Private office {tag}", 1, 1000, 10,
                       SaleDate="2024-03-09T16:00:00Z",
                       CoworkerExtraServiceName=f"Credits {tag}")  # fmt: skip
    api.created("/api/billing/coworkerledgerentries", {"BusinessId": a, "CoworkerId": cw_a1,
                "CoworkerInvoiceId": inv["i3"], "Credit": 10,
                "TransactionDate": "2024-04-15T23:30:00Z"})  # fmt: skip
    for label, status in (("i1", 3), ("i4", 5)):
        rec = api.get(f"{INV}/{inv[label]}").json()
        rec["StorecoveInvoiceStatus"] = status
        assert api.put(INV, rec).status_code == 200
    r = api.post(f"{INV}/runcommand", {"Key": "VOID_INVOICE", "Ids": [inv["i5"]]})
    assert r.json()["WasSuccessful"] is True, r.text
    d.v.update({**inv, **line})
    d.inv_recs = api.get(INV, {"id": str(list(inv.values()))}).json()
    d.line_recs = api.get(LINES, {"id": str(list(line.values()))}).json()
    d.v.update(
        u1=d.inv_recs[0]["UniqueId"].upper(),
        u4=d.inv_recs[3]["UniqueId"],
        lu3=d.line_recs[2]["UniqueId"],
    )
    return d


def _line(api: Api, inv: int, text: str, qty: int, sub: Any, rate: Any, **kw: Any) -> int:
    body = {
        "CoworkerInvoiceId": inv,
        "Description": text,
        "Quantity": qty,
        "SubTotal": sub,
        "TaxRate": rate,
        **kw,
    }
    return api.created(LINES, body)


@pytest.fixture(scope="module")
def data(client: TestClient, world: World) -> Data:
    return _build(Api(client, world.admin_auth, world), world)


def found(d: Data, path: str, scope: dict[str, str], params: dict[str, str]) -> set[int]:
    query = {**scope, **{k: str(v).format(**d.v) for k, v in params.items()}, "size": "1000"}
    r = d.api.get(path, query)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["TotalItems"] == len(page["Records"])
    return {rec["Id"] for rec in page["Records"]}


def invoices(d: Data, params: dict[str, str]) -> set[int]:
    return found(d, INV, {"CoworkerInvoice_Business": "[{A},{B}]".format(**d.v)}, params)


def lines(d: Data, params: dict[str, str]) -> set[int]:
    return found(d, LINES, {"CoworkerInvoiceLine_Id": str(list(d.line.values()))}, params)


ALL_I, ALL_L = "i1 i2 i3 i4 i5", "l1 l2 l3 l4 l5"
FALSE_FLAGS = names(
    "Sent Refunded CreditNote WaitingForInvoiceNumber XeroInvoiceTransfered XeroPaymentTransfered"
    " QuickbooksInvoiceTransfered QuickbooksPaymentTransfered MoloniInvoiceTransferred"
    " MoloniPaymentTransferred AutoTransferToStorecove AutoTransferToXeroOrQuickBooks"
)
P = "CoworkerInvoice_"
INVOICE_CASES = [
    ({P + "Id": "{i2}"}, "i2"),
    ({P + "Id": "[{i2},{i4}]"}, "i2 i4"),
    ({"UniqueId": "{u1}"}, "i1"),
    ({P + "UniqueId": "{u4}"}, "i4"),
    ({P + "SystemId": "sys-{tag}"}, "i1"),
    ({P + "Coworker": "{cwA1}"}, "i1 i3"),
    ({P + "Business": "{B}"}, "i4 i5"),
    ({P + "BillToCountry": "{es}"}, "i2"),
    ({P + "Currency": "{jpy}"}, "i4"),
    ({P + "TransactionCurrency": "{eur}"}, "i2 i4"),
    ({P + "Coworker_FullName": "ZELDA"}, "i1 i3"),
    ({"coworkerinvoice_coworker_fullname": "rossi"}, "i2"),  # names match case-insensitively
    ({P + "Coworker_BillingEmail": "MARIO."}, "i2"),
    ({P + "Coworker_RegularPaymentProvider": "Stripe"}, "i1 i3"),
    ({P + "Coworker_RegularPaymentProvider": "2"}, "i1 i3"),
    ({P + "Coworker_RegularPaymentProvider": "gocardless"}, "i2"),
    ({P + "Coworker_RegularPaymentProvider": "96"}, "i4 i5"),
    ({P + "Coworker_RegularPaymentContractNumber": "rpc-{tag}"}, "i1 i3"),
    ({P + "Coworker_RegularPaymentContractNumber": "RPC"}, ""),  # exact, not "contains"
    ({P + "Coworker_CardNumber": "4242-{tag}"}, "i1 i3"),
    ({P + "Coworker_GoCardlessContractNumber": "GC-{tag}"}, "i1 i3"),
    ({P + "Coworker_EnableGoCardlessPayments": "true"}, "i1 i3"),
    ({P + "Coworker_EnableGoCardlessPayments": "false"}, "i2 i4 i5"),
    ({P + "Coworker_NotifyOnNewInvoice": "True"}, "i1 i3"),
    ({P + "Coworker_NotifyOnNewPayment": "true"}, "i2"),
    ({P + "Coworker_NotifyOnFailedPayment": "false"}, "i2 i4 i5"),
    ({P + "Coworker_DoNotProcessInvoicesAutomatically": "true"}, "i1 i3"),
    ({P + "Coworker_CompanyName": "wombat"}, "i2"),
    ({P + "Coworker_TeamNames": "red"}, "i1 i3"),
    ({P + "Business_Name": "shibuya desk"}, "i4 i5"),
    ({P + "BillToCountry_Name": "spain"}, "i2"),
    ({P + "BillToCountry_TwoDigitsCode": "gb"}, "i1 i3 i4 i5"),
    ({P + "BillToCountry_TwoDigitsCode": "G"}, ""),
    ({P + "Currency_Code": "jpy"}, "i4"),
    ({P + "TransactionCurrency_Code": "EUR"}, "i2 i4"),
    ({P + "InvoiceNumber": "{tag}-0003"}, "i3"),
    ({P + "InvoiceNumber": "{tag}-000"}, ""),
    ({P + "PaymentReference": "pr-{tag}-1"}, "i1"),
    ({P + "BillToName": "widg"}, "i1"),
    ({P + "BillToAddress": "APPLE"}, "i1"),
    ({P + "BillToCity": "shelby"}, "i2"),
    ({P + "BillToPostCode": "SP1 1AA"}, "i1"),
    ({P + "BillToPhone": "555-0101"}, "i1"),
    ({P + "BillToFax": "555-0109"}, "i1"),
    ({P + "BillToState": "oregon"}, "i1"),
    ({P + "BillToBankAccount": "GB00 1111"}, "i1"),
    ({P + "BillToTaxIDNumber": "tax-{tag}"}, "i1"),
    ({P + "PurchaseOrder": "PO-APPLE"}, "i1"),
    ({P + "Description": "printing"}, "i1"),
    ({P + "Description": "meeting room"}, "i2"),
    ({P + "CustomData": "cd-one"}, "i1"),
    ({P + "OriginalInvoiceGuid": G[4]}, ""),
    ({P + "ContractGuid": G[4]}, ""),
    ({P + "Draft": "true"}, "i2 i5"),
    ({P + "Draft": "false"}, "i1 i3 i4"),
    ({P + "Void": "true"}, "i5"),
    ({P + "Paid": "true"}, "i3"),
    ({P + "Paid": "false"}, "i1 i2 i4 i5"),
    ({P + "Billed": "true"}, "i1"),
    ({P + "DoNotApplyCreditAutomatically": "true"}, "i1"),
    *[({P + f: "false"}, ALL_I) for f in FALSE_FLAGS],
    ({P + "StorecoveInvoiceStatus": "3"}, "i1"),
    ({P + "StorecoveInvoiceStatus": "5"}, "i4"),
    ({P + "TotalAmount": "123"}, "i1"),
    ({P + "TotalAmount": "123.00"}, "i1"),
    ({P + "TotalAmount": "1100"}, "i4"),
    ({P + "TotalAmount": "123.001"}, ""),
    ({P + "TaxAmount": "20.5"}, "i1"),
    ({P + "PaidAmount": "10"}, "i3"),
    ({P + "ReceivedAmount": "10"}, "i3"),
    ({P + "DiscountAmount": "0"}, ALL_I),
    ({"from_" + P + "DiscountAmount": "0", "to_" + P + "DiscountAmount": "0"}, ALL_I),
    ({"from_" + P + "CreditedAmount": "0"}, ""),
    ({"to_" + P + "RefundedAmount": "1000000"}, ""),
    ({"from_" + P + "ReceivedAmount": "10", "to_" + P + "ReceivedAmount": "10"}, "i3"),
    ({"from_" + P + "TransactionExchangeRate": "0.0061"}, "i4 i5"),
    ({P + "TransactionTotalAmount": "6.82"}, "i4"),
    ({P + "TransactionExchangeRate": "0.0062"}, "i4 i5"),
    ({"from_" + P + "TotalAmount": "55", "to_" + P + "TotalAmount": "123"}, "i1 i2"),
    ({"From_" + P + "TotalAmount": "123.001"}, "i4"),
    ({"to_" + P + "TaxAmount": "5"}, "i2 i3 i5"),
    ({"from_" + P + "PaidAmount": "0"}, "i3"),
    (
        {"from_" + P + "TransactionTotalAmount": "55", "to_" + P + "TransactionTotalAmount": "55"},
        "i2",
    ),
    ({P + "DueDate": "2024-03-10"}, "i1 i2"),
    ({P + "DueDate": "2024-03-10T12:00:00Z"}, "i1"),
    ({P + "DueDate": "2024-03-10T12:00"}, "i1"),
    ({P + "DueDate": "2024-03-10T07:00:00-05:00"}, "i1"),
    ({P + "DueDateLocal": "2024-03-10"}, "i1 i4"),
    ({P + "DueDateLocal": "2024-03-09"}, "i2"),
    ({P + "DueDateLocal": "2024-03-10T08:00"}, "i1"),
    ({P + "DueDateLocal": "2024-11-03T01:30:00"}, "i3"),
    ({"from_" + P + "DueDate": "2024-03-10", "to_" + P + "DueDate": "2024-03-10"}, "i1 i2"),
    ({"from_" + P + "DueDate": "2024-03-10T03:30:00Z"}, "i1 i2 i3"),
    ({"to_" + P + "DueDate": "2024-03-10T03:30:00Z"}, "i2 i4"),
    ({"to_" + P + "DueDateLocal": "2024-03-09"}, "i2"),
    ({"from_" + P + "DueDateLocal": "2024-03-10T01:00"}, "i1 i3 i4"),
    ({P + "InvoiceFromDate": "2024-02-01"}, "i1"),
    ({P + "InvoiceFromDateLocal": "2024-02-01T00:00:00"}, "i1"),
    ({"to_" + P + "InvoiceToDate": "2024-02-29"}, "i1"),
    ({"from_" + P + "InvoiceToDateLocal": "2024-02-29T00:00:01"}, ""),
    ({P + "PaidOn": "2024-04-15"}, "i3"),
    ({P + "PaidOnLocal": "2024-04-15T19:30:00"}, "i3"),
    ({"from_" + P + "PaidOn": "2024-04-16"}, ""),
    ({"to_" + P + "PaidOnLocal": "2024-04-15"}, "i3"),
    ({P + "SentOn": "2024-04-15"}, ""),
    ({"to_" + P + "SentOn": "2100-01-01"}, ""),
    ({P + "RefundedOnLocal": "2024-04-15"}, ""),
    ({P + "InvoiceToDateLocal": "2024-02-29"}, "i1"),
    ({P + "LastPaymentAttempt": "2024-04-15"}, ""),
    ({"from_" + P + "RefundedOn": "2000-01-01"}, ""),
    ({"from_" + P + "LastPaymentAttemptLocal": "2000-01-01"}, ""),
    ({P + "Draft": "false", P + "Coworker": "{cwA1}", P + "Paid": "false"}, "i1"),  # AND
]


@pytest.mark.parametrize(("params", "expected"), INVOICE_CASES, ids=lambda x: str(x)[:60])
def test_invoice_filter(data: Data, params: dict[str, str], expected: str) -> None:
    assert invoices(data, params) == {data.inv[x] for x in expected.split()}


L = "CoworkerInvoiceLine_"
LINE_CASES = [
    ({"UniqueId": "{lu3}"}, "l3"),
    ({L + "UniqueId": "{lu3}"}, "l3"),
    ({L + "CoworkerInvoice": "{i1}"}, "l1 l2"),
    ({L + "CoworkerInvoice": "[{i1},{i4}]"}, "l1 l2 l5"),
    ({L + "CoworkerInvoice_InvoiceNumber": "{tag}-0002"}, "l3"),
    ({L + "CoworkerInvoice_Paid": "true"}, "l4"),
    ({L + "CoworkerInvoice_Paid": "false"}, "l1 l2 l3 l5"),
    ({L + "CoworkerInvoice_PaidOn": "2024-04-15"}, "l4"),
    ({"from_" + L + "CoworkerInvoice_PaidOn": "2024-04-16"}, ""),
    ({"to_" + L + "CoworkerInvoice_PaidOn": "2024-04-15T23:30:00Z"}, "l4"),
    ({L + "CoworkerInvoice_CreditNote": "false"}, ALL_L),
    ({L + "CoworkerInvoice_Currency_Code": "gbp"}, "l1 l2 l4"),
    ({L + "CoworkerInvoice_Currency_Code": "JPY"}, "l5"),
    ({L + "CoworkerInvoice_DueDate": "2024-03-10"}, "l1 l2 l3"),
    ({"from_" + L + "CoworkerInvoice_DueDate": "2024-03-10T12:00:00Z"}, "l1 l2 l4"),
    ({"to_" + L + "CoworkerInvoice_DueDate": "2024-03-09"}, "l5"),
    ({L + "Description": "ROOM"}, "l3"),
    ({L + "DisplayAs": "desk"}, "l1"),
    ({L + "SystemId": "lsys-{tag}"}, "l1"),
    ({L + "TaxCategoryName": "standard rate"}, "l1"),
    ({L + "Quantity": "5"}, "l2"),
    ({"from_" + L + "Quantity": "2", "to_" + L + "Quantity": "3"}, "l3 l4"),
    ({L + "SubTotal": "2.5"}, "l2"),
    ({L + "SubTotal": "2.50"}, "l2"),
    ({L + "SubTotal": "2.505"}, ""),
    ({"from_" + L + "SubTotal": "10", "to_" + L + "SubTotal": "100"}, "l1 l3 l4"),
    ({"from_" + L + "SubTotal": "100.00001"}, "l5"),
    ({L + "TaxAmount": "0.5"}, "l2"),
    ({"from_" + L + "TaxAmount": "5"}, "l1 l3 l5"),
    ({"to_" + L + "TaxAmount": "0.5"}, "l2 l4"),
    ({L + "TaxRate": "20"}, "l1 l2"),
    ({"from_" + L + "TaxRate": "10", "to_" + L + "TaxRate": "10"}, "l3 l5"),
    ({"to_" + L + "TaxRate": "0"}, "l4"),
    ({L + "CoworkerContractUniqueId": G[0].upper()}, "l1"),
    ({L + "BookingUniqueId": G[1]}, "l1"),
    ({L + "IssuedByUniqueId": G[2]}, "l1"),
    ({L + "CancelledCoworkerInvoiceLineUniqueId": G[3]}, "l3"),
    ({L + "CoworkerProductUniqueId": G[0]}, ""),
    ({L + "ContractDepositUniqueId": G[5].upper()}, "l2"),
    ({L + "CoworkerExtraServiceUniqueId": G[6]}, "l2"),
    ({L + "ExtraServiceUniqueId": G[7]}, "l2"),
    ({L + "CoworkerTimePassUniqueId": G[8]}, "l4"),
    ({L + "CoworkerChargeUniqueId": G[9]}, "l4"),
    ({L + "EventAttendeeUniqueId": G[10]}, "l4"),
    ({L + "GroupedLineUniqueId": G[11]}, "l4"),
    ({L + "CoworkerDiscountCodeUniqueId": G[11]}, ""),
    ({L + "EventAttendeeProductName": "GALA"}, "l4"),
    ({"from_" + L + "RefundedOn": "2000-01-01"}, ""),
    ({"to_" + L + "RefundedOnLocal": "2100-01-01"}, ""),
    ({L + "Refunded": "true"}, ""),
    ({"from_" + L + "RefundedAmount": "0"}, ""),
    ({L + "SaleDate": "2024-03-01"}, "l1"),
    ({L + "SaleDate": "2024-03-10T12:00:00Z"}, "l2"),
    ({L + "SaleDateLocal": "2024-02-29"}, "l1"),
    ({L + "SaleDateLocal": "2024-03-10"}, "l2 l5"),
    ({"from_" + L + "SaleDate": "2024-03-09T16:00:00Z"}, "l2 l5"),
    ({"to_" + L + "SaleDate": "2024-03-09"}, "l1 l5"),
    ({"from_" + L + "SaleDateLocal": "2024-03-10T01:00"}, "l2 l5"),
    ({"to_" + L + "SaleDateLocal": "2024-03-10T00:59:59"}, "l1"),
    ({L + "DiscountCode": "spring-{tag}"}, "l1"),
    ({L + "DiscountAmount": "5"}, "l1"),
    ({"from_" + L + "DiscountAmount": "0"}, "l1"),
    ({L + "CoworkerProductName": "widget"}, "l1"),
    ({L + "CoworkerTimePassName": "day pass"}, "l3"),
    ({L + "CoworkerExtraServiceName": "credits"}, "l5"),
    ({L + "TariffName": "gold"}, "l1"),
    ({L + "FinancialAccountCode": "4000-{tag}"}, "l1"),
    ({L + "FinancialAccountCode": "4000"}, ""),
    ({L + "FinancialAccountName": "revenue"}, "l1"),
    ({L + "PurchaseOrder": "po-l1"}, "l1"),
    ({L + "CreditAmount": "1.25"}, "l2"),
    ({"from_" + L + "CreditAmount": "1"}, "l2"),
    ({L + "Position": "2"}, "l2"),
    ({"to_" + L + "Position": "1"}, "l1 l3 l4 l5"),
    *[({L + f: "false"}, ALL_L) for f in ("IsHidden", "IsUniversalCredit", "IsProratedContract")],
]


@pytest.mark.parametrize(("params", "expected"), LINE_CASES, ids=lambda x: str(x)[:60])
def test_line_filter(data: Data, params: dict[str, str], expected: str) -> None:
    assert lines(data, params) == {data.line[x] for x in expected.split()}


def _passes(value: str, mode: str, bound: str) -> bool:
    """Whether a stored ``value`` passes filter ``mode`` with ``bound`` (both on one clock)."""
    value = value.rstrip("Z")[: len(bound)]  # a bare date covers its whole day
    return {"eq": value == bound, "from": value >= bound, "to": value <= bound}[mode]


def _shifted(text: str, steps: int, whole_day: bool) -> str:
    moved = datetime.fromisoformat(text.rstrip("Z")) + steps * timedelta(
        days=1 if whole_day else 0, seconds=0 if whole_day else 1
    )
    return moved.isoformat()[: 10 if whole_day else 19]


@pytest.mark.parametrize("resource", ["CoworkerInvoice", "CoworkerInvoiceLine"])
@pytest.mark.parametrize("name", ["CreatedOn", "UpdatedOn", "CreatedOnLocal"])
@pytest.mark.parametrize("mode", ["eq", "from", "to"])
@pytest.mark.parametrize("whole_day", [False, True])
def test_server_set_dates(data: Data, resource: str, name: str, mode: str, whole_day: bool) -> None:
    """The server sets these, so the expected records come from the values read back."""
    recs = data.inv_recs if resource == "CoworkerInvoice" else data.line_recs
    query = invoices if resource == "CoworkerInvoice" else lines
    param = f"{resource}_{name}" if mode == "eq" else f"{mode}_{resource}_{name}"
    for pivot in (recs[0], recs[-1]):
        for steps in (0, -1, 1):  # on the value, and a second (or a day) either side of it
            bound = _shifted(pivot[name], steps, whole_day)
            expected = {r["Id"] for r in recs if _passes(r[name], mode, bound)}
            assert query(data, {param: bound}) == expected, bound


@pytest.mark.parametrize(
    ("path", "param", "value"),
    [
        (INV, P + "TotalAmount", "abc"),
        (INV, P + "DueDate", "2024-13-01"),
        (INV, P + "Paid", "maybe"),
        (INV, P + "Coworker", "x"),
        (INV, P + "Coworker_RegularPaymentProvider", "Stripey"),
        (LINES, "from_" + L + "SubTotal", "1e"),
        (LINES, L + "SaleDateLocal", "soon"),
        (LINES, L + "CoworkerInvoice_Paid", "2"),
    ],
)
def test_unparseable_filter_values_are_a_400(data: Data, path: str, param: str, value: str) -> None:
    r = data.api.get(path, {param: value})
    assert r.status_code == 400, r.text
    assert [e["PropertyName"] for e in r.json()["Errors"]] == [param]


# ------------------------------------------------------------------------ paging and ordering
PAGE_KEYS = names(
    "Records CurrentPageSize CurrentPage CurrentOrderField CurrentSortDirection FirstItem"
    " HasNextPage HasPreviousPage LastItem PageNumber PageSize TotalItems TotalPages"
)
ROWS = [  # InvoiceNumber suffix (None: a draft without one), BillToName, TotalAmount, DueDate
    ("0005", "delta", 30, "2024-05-01T00:00:00Z"),
    (None, "alpha", 10, None),
    ("0002", "charlie", 30, "2024-01-01T00:00:00Z"),
    ("0007", "alpha", 0, "2024-05-01T00:00:00Z"),
    (None, "echo", 20, None),
    ("0001", "bravo", 10, "2024-03-01T00:00:00Z"),
    ("0004", "foxtrot", 0, None),
]


@dataclass
class Shelf:
    api: Api
    scope: dict[str, str]
    line_scope: dict[str, str]
    invoices: list[dict[str, Any]]
    lines: list[dict[str, Any]]


@pytest.fixture(scope="module")
def shelf(client: TestClient, world: World) -> Shelf:
    api = Api(client, world.admin_auth, world)
    biz = api.business()
    cw = api.coworker(biz)
    tag = unique("pg")
    ids = []
    for number, name, total, due in ROWS:
        inv = api.invoice(
            biz,
            cw,
            InvoiceNumber=f"{tag}-{number}" if number else "",
            Draft=number is None,
            BillToName=name,
            DueDate=due,
        )
        if total:
            _line(api, inv, "x", 1, total, 0)
        ids.append(inv)
    host = ids[0]
    for text, qty, sub in [("b", 3, 5), ("a", 1, 7.5), ("c", 2, 5), ("a", 2, 1), ("d", 1, 9)]:
        _line(api, host, text, qty, sub, 0)
    return Shelf(
        api,
        {"CoworkerInvoice_Business": str(biz)},
        {"CoworkerInvoiceLine_CoworkerInvoice": str(host)},
        api.get(INV, {"id": str(ids)}).json(),
        api.get(LINES, {"CoworkerInvoiceLine_CoworkerInvoice": host}).json()["Records"],
    )


def ordered(recs: list[dict[str, Any]], name: str, direction: int) -> list[int]:
    """Ids in the documented order: nulls first ascending (last descending), ties on Id asc."""
    by_id = sorted(recs, key=lambda r: r["Id"])

    def key(r: dict[str, Any]) -> tuple[bool, Any]:
        return (r[name] is not None, 0 if r[name] is None else r[name])

    # reverse=True keeps records with equal keys in their (Id) order.
    out = sorted(by_id, key=key, reverse=direction < 0)
    return [r["Id"] for r in out]


def listing(api: Api, path: str, params: dict[str, str]) -> dict[str, Any]:
    r = api.get(path, {**params, "size": params.get("size", "1000")})
    assert r.status_code == 200, r.text
    page: dict[str, Any] = r.json()
    assert set(page) == PAGE_KEYS
    return page


@pytest.mark.parametrize("kind", ["invoices", "lines"])
def test_default_order(shelf: Shelf, kind: str) -> None:
    path, scope, recs, name = (
        (INV, shelf.scope, shelf.invoices, "InvoiceNumber")
        if kind == "invoices"
        else (LINES, shelf.line_scope, shelf.lines, "CreatedOn")
    )
    page = listing(shelf.api, path, scope)
    assert (page["CurrentOrderField"], page["CurrentSortDirection"]) == (name, 1)
    assert [r["Id"] for r in page["Records"]] == ordered(recs, name, 1)


INVOICE_ORDERS = ["InvoiceNumber", "BillToName", "TotalAmount", "DueDate", "Id", "Draft"]
LINE_ORDERS = ["Description", "SubTotal", "Quantity", "Position", "Id", "CreatedOn"]
DIRS = [
    ("asc", 1),
    ("Ascending", 1),
    ("1", 1),
    ("0", 1),
    ("desc", -1),
    ("DESCENDING", -1),
    ("-1", -1),
]


@pytest.mark.parametrize(("dir_text", "direction"), DIRS)
@pytest.mark.parametrize(
    ("kind", "name"),
    [("invoices", n) for n in INVOICE_ORDERS] + [("lines", n) for n in LINE_ORDERS],
)
def test_order_by(shelf: Shelf, kind: str, name: str, dir_text: str, direction: int) -> None:
    path, scope, recs = (
        (INV, shelf.scope, shelf.invoices)
        if kind == "invoices"
        else (LINES, shelf.line_scope, shelf.lines)
    )
    page = listing(shelf.api, path, {**scope, "orderBy": name.lower(), "dir": dir_text})
    assert (page["CurrentOrderField"], page["CurrentSortDirection"]) == (name, direction)
    assert [r["Id"] for r in page["Records"]] == ordered(recs, name, direction)


@pytest.mark.parametrize(
    ("kind", "size", "page_no", "first", "last", "pages", "has_next"),
    [
        ("invoices", 3, 1, 1, 3, 3, True),
        ("invoices", 3, 2, 4, 6, 3, True),
        ("invoices", 3, 3, 7, 7, 3, False),
        ("lines", 2, 1, 1, 2, 3, True),
        ("lines", 2, 2, 3, 4, 3, True),
        ("lines", 2, 3, 5, 6, 3, False),
        ("lines", 6, 1, 1, 6, 1, False),
    ],
)
def test_paging(
    shelf: Shelf,
    kind: str,
    size: int,
    page_no: int,
    first: int,
    last: int,
    pages: int,
    has_next: bool,
) -> None:
    path, scope, recs, name = (
        (INV, shelf.scope, shelf.invoices, "InvoiceNumber")
        if kind == "invoices"
        else (LINES, shelf.line_scope, shelf.lines, "CreatedOn")
    )
    params = {**scope, "page": str(page_no), "size": str(size), "orderBy": name}
    page = listing(shelf.api, path, params)
    assert [r["Id"] for r in page["Records"]] == ordered(recs, name, 1)[first - 1 : last]
    assert {k: page[k] for k in PAGE_KEYS - {"Records"}} == {
        "CurrentPage": page_no,
        "PageNumber": page_no,
        "CurrentPageSize": size,
        "PageSize": size,
        "CurrentOrderField": name,
        "CurrentSortDirection": 1,
        "FirstItem": first,
        "LastItem": last,
        "TotalItems": len(recs),
        "TotalPages": pages,
        "HasNextPage": has_next,
        "HasPreviousPage": page_no > 1,
    }


def test_a_page_past_the_end_is_empty(shelf: Shelf) -> None:
    page = listing(shelf.api, INV, {**shelf.scope, "page": "9", "size": "3"})
    assert (page["Records"], page["TotalItems"], page["TotalPages"]) == ([], 7, 3)
    assert (page["HasNextPage"], page["HasPreviousPage"]) == (False, True)
