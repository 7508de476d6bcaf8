"""CoworkerInvoiceHistory list paging and ordering (decisions "Query semantics"), over HTTP.

The envelope's counters on the first, a middle, the last and a past-the-end page; the size default
and clamp; ordering by every field of the record both ways, checked against the order computed
here in Python (asc: nulls first; desc: nulls last; ties always on Id ascending).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.support import Api, World, unique
from tests.test_history_filters import set_invoice_columns, utc, wait_next_second

P = "/api/billing/coworkerinvoicehistories"
TOTAL = 27
# every get-one field; LocalizationDetails and CustomFields are objects (always null)
ORDER_FIELDS = [
    "Id", "CoworkerInvoiceId", "CoworkerInvoiceCoworkerId", "CoworkerInvoiceBusinessId",
    "CoworkerInvoiceBusinessCurrencyCode", "CoworkerInvoiceCoworkerFullName",
    "CoworkerInvoiceTotalAmount", "CoworkerInvoiceInvoiceNumber", "CoworkerInvoiceBillToName",
    "CoworkerInvoicePaid", "CoworkerInvoicePaidOn", "CoworkerInvoiceRefunded",
    "CoworkerInvoiceRefundedOn", "CoworkerInvoiceDueDate", "CoworkerInvoiceDraft", "Name",
    "Description", "IsProblem", "Notify", "UniqueId", "CreatedOn", "UpdatedOn", "UpdatedBy",
    "IsNew", "SystemId", "ToStringText",
]  # fmt: skip


@dataclass
class Data:
    tag: str  # every entry of the module has it in its Name; nothing else does
    records: dict[int, dict[str, Any]]  # Id -> get-one record

    @property
    def scope(self) -> dict[str, str]:
        return {"CoworkerInvoiceHistory_Name": self.tag}


@pytest.fixture(scope="module")
def data(client: TestClient, world: World) -> Data:
    api = Api(client, world.admin_auth, world)
    tag = unique("hpg")
    currencies = [world.currency_gbp, world.currency_eur, world.currency_jpy]
    biz = [api.business(CurrencyId=c) for c in currencies]
    names = ["zed", "amy", "max"]
    cws = [api.coworker(b, FullName=f"{tag} {n}") for b, n in zip(biz, names, strict=True)]
    specs: list[tuple[int, int, dict[str, Any], dict[str, Any]]] = [
        (0, 0, {"DueDate": "2024-01-10T00:00:00Z", "BillToName": f"{tag} m"},
         {"total_amount": Decimal("100.5"), "paid": True, "paid_on": utc("2024-02-01T09:00:00Z")}),
        (1, 1, {"Draft": True, "BillToName": f"{tag} a"}, {"total_amount": Decimal("7")}),
        (2, 2, {"DueDate": "2023-12-31T23:00:00Z", "BillToName": f"{tag} z"},
         {"total_amount": Decimal("100.5"), "refunded": True,
          "refunded_on": utc("2024-03-01T00:00:00Z")}),
        (0, 1, {"DueDate": "2024-01-10T00:00:00Z", "BillToName": f"{tag} m", "Draft": True},
         {"paid": True, "paid_on": utc("2024-01-15T00:00:00Z")}),
    ]  # fmt: skip
    invoices = []
    for k, (b, c, over, forced) in enumerate(specs):
        inv = api.invoice(biz[b], cws[c], InvoiceNumber=f"{tag}-{(7 * k) % 5}", **over)
        set_invoice_columns(client, inv, **forced)
        invoices.append(inv)
    made = []
    for n in range(TOTAL - 3):
        extra: dict[str, Any] = {"IsProblem": n % 2 == 0, "Notify": n % 3 == 0}
        if n % 4:
            extra["SystemId"] = f"sys-{n % 5}"
        made.append(
            api.history(
                invoices[n % 4],
                Name=f"{tag} {['beta', 'alpha', 'gamma'][n % 3]}",
                Description=f"d{(n * 7) % 10}",
                **extra,
            )
        )
    wait_next_second()  # so CreatedOn, UpdatedOn and IsNew vary
    made += [api.history(invoices[n % 4], Name=f"{tag} delta", Description="d5") for n in range(3)]
    for hid in made[:5:2]:
        r = api.put(P, {"Id": hid, "CoworkerInvoiceId": invoices[3], "Name": f"{tag} alpha",
                        "Description": "d0", "SystemId": "sys-9"})  # fmt: skip
        assert r.status_code == 200, r.text
    r = api.get(P, {**Data(tag, {}).scope, "size": "1000"})
    records = {rec["Id"]: rec for rec in r.json()["Records"]}
    assert sorted(records) == sorted(made)
    return Data(tag, records)


def expected_order(data: Data, fld: str, descending: bool) -> list[int]:
    by_id = sorted(data.records.values(), key=lambda r: r["Id"])

    def key(r: dict[str, Any]) -> tuple[bool, Any]:
        return (r[fld] is not None, r[fld])

    return [r["Id"] for r in sorted(by_id, key=key, reverse=descending)]


def page(api: Api, data: Data, **params: Any) -> dict[str, Any]:
    r = api.get(P, {**data.scope, **{k: str(v) for k, v in params.items()}})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [rec["Id"] for rec in body["Records"]]


def counters(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "Records"}


def test_default_page(api: Api, data: Data) -> None:
    body = page(api, data)
    assert ids(body) == expected_order(data, "CreatedOn", False)[:25]
    assert counters(body) == {
        "CurrentPageSize": 25, "CurrentPage": 1, "CurrentOrderField": "CreatedOn",
        "CurrentSortDirection": 1, "FirstItem": 1, "HasNextPage": True,
        "HasPreviousPage": False, "LastItem": 25, "PageNumber": 1, "PageSize": 25,
        "TotalItems": TOTAL, "TotalPages": 2,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("number", "first", "last", "has_next", "has_prev"),
    [(1, 1, 5, True, False), (3, 11, 15, True, True), (6, 26, 27, False, True),
     (7, 0, 0, False, True), (99, 0, 0, False, True)],
)  # fmt: skip
def test_pages(
    api: Api, data: Data, number: int, first: int, last: int, has_next: bool, has_prev: bool
) -> None:
    body = page(api, data, page=number, size=5, orderBy="Name", dir="desc")
    whole = expected_order(data, "Name", True)
    assert ids(body) == whole[(number - 1) * 5 : number * 5]
    assert counters(body) == {
        "CurrentPageSize": 5, "CurrentPage": number, "CurrentOrderField": "Name",
        "CurrentSortDirection": -1, "FirstItem": first, "HasNextPage": has_next,
        "HasPreviousPage": has_prev, "LastItem": last, "PageNumber": number, "PageSize": 5,
        "TotalItems": TOTAL, "TotalPages": 6,
    }  # fmt: skip


def test_pages_join_up_to_the_whole_order(api: Api, data: Data) -> None:
    seen = []
    for number in range(1, 5):
        seen += ids(page(api, data, page=number, size=7, orderBy="Description"))
    assert seen == expected_order(data, "Description", False)


def test_size_is_clamped_to_1000(api: Api, data: Data) -> None:
    body = page(api, data, size=100000)
    assert (body["PageSize"], body["CurrentPageSize"], body["TotalPages"]) == (1000, 1000, 1)
    assert (body["FirstItem"], body["LastItem"], body["HasNextPage"]) == (1, TOTAL, False)
    assert len(body["Records"]) == TOTAL


def test_exact_fit_has_no_next_page(api: Api, data: Data) -> None:
    body = page(api, data, size=TOTAL)
    assert (body["TotalPages"], body["HasNextPage"], body["LastItem"]) == (1, False, TOTAL)
    body = page(api, data, size=TOTAL - 1, page=2)
    assert ids(body) == expected_order(data, "CreatedOn", False)[-1:]
    assert (body["FirstItem"], body["LastItem"], body["TotalPages"]) == (TOTAL, TOTAL, 2)


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("fld", ORDER_FIELDS)
def test_order_by_each_field(api: Api, data: Data, fld: str, descending: bool) -> None:
    expected = expected_order(data, fld, descending)
    assert len({str(data.records[i][fld]) for i in expected}) > 1 or fld == "UpdatedBy"
    body = page(api, data, size=1000, orderBy=fld, dir="descending" if descending else "ascending")
    assert ids(body) == expected
    assert (body["CurrentOrderField"], body["CurrentSortDirection"]) == (
        fld, -1 if descending else 1,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("sent", "canonical"),
    [
        ("coworkerinvoicetotalamount", "CoworkerInvoiceTotalAmount"),
        ("NAME", "Name"),
        ("cReAtEdOn", "CreatedOn"),
        ("CoworkerInvoice", "CoworkerInvoiceId"),
        ("CoworkerInvoiceHistoryCoworkerInvoiceDueDate", "CoworkerInvoiceDueDate"),
    ],
)
def test_order_by_is_case_insensitive(api: Api, data: Data, sent: str, canonical: str) -> None:
    body = page(api, data, size=1000, orderby=sent, dir="desc")
    assert ids(body) == expected_order(data, canonical, True)
    assert body["CurrentOrderField"] == canonical


@pytest.mark.parametrize(
    ("sent", "direction"),
    [("ascending", 1), ("descending", -1), ("asc", 1), ("desc", -1), ("1", 1), ("0", 1),
     ("-1", -1), ("ASC", 1), ("Descending", -1), ("", 1)],
)  # fmt: skip
def test_dir_spellings(api: Api, data: Data, sent: str, direction: int) -> None:
    body = page(api, data, size=1000, orderBy="CoworkerInvoiceDueDate", DIR=sent)
    assert body["CurrentSortDirection"] == direction
    assert ids(body) == expected_order(data, "CoworkerInvoiceDueDate", direction < 0)


@pytest.mark.parametrize(
    ("params", "name", "message"),
    [
        ({"page": "one"}, "page", "is not a valid integer"),
        ({"size": "10.5"}, "size", "is not a valid integer"),
        ({"Page": "0"}, "Page", "must be greater than or equal to 1"),
        ({"orderBy": "NoSuchField"}, "orderBy", "is not a valid field to order by"),
        ({"OrderBy": "CustomFields"}, "OrderBy", "is not a valid field to order by"),
        ({"dir": "up"}, "dir", "must be ascending or descending"),
    ],
)
def test_bad_paging_parameters_are_400(
    api: Api, params: dict[str, str], name: str, message: str
) -> None:
    r = api.get(P, params)
    assert r.status_code == 400, r.text
    (sent,) = params.values()
    assert r.json() == {
        "Status": 400,
        "Message": f"{name}: {message}",
        "Value": None,
        "Errors": [{"AttemptedValue": sent, "Message": message, "PropertyName": name}],
        "WasSuccessful": False,
    }


def test_empty_result(api: Api, data: Data) -> None:
    body = page(api, data, CoworkerInvoiceHistory_Description="no record has this description")
    assert counters(body) == {
        "CurrentPageSize": 25, "CurrentPage": 1, "CurrentOrderField": "CreatedOn",
        "CurrentSortDirection": 1, "FirstItem": 0, "HasNextPage": False,
        "HasPreviousPage": False, "LastItem": 0, "PageNumber": 1, "PageSize": 25,
        "TotalItems": 0, "TotalPages": 0,
    }  # fmt: skip
    assert body["Records"] == []
