"""Invoice numbering over HTTP: each business hands out ``InvoiceNumberPrefix`` + a counter
zero-padded to ``InvoiceNumberPadding`` when an invoice stops being a draft without a number;
sequences are per business, hand-typed numbers are skipped, duplicates within a business are
refused, and a finalisation that fails consumes no number."""

from __future__ import annotations

from typing import Any

import pytest

from coworkbill import jsonio
from tests.support import Api, unique

INV = "/api/billing/coworkerinvoices"
BIZ = "/api/sys/businesses"


def record(api: Api, path: str) -> dict[str, Any]:
    r = api.get(path)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = jsonio.loads(r.content)
    return body


def number_of(api: Api, invoice_id: int) -> str:
    return str(record(api, f"{INV}/{invoice_id}")["InvoiceNumber"])


def next_counter(api: Api, business_id: int) -> int:
    return int(record(api, f"{BIZ}/{business_id}")["NextInvoiceNumber"])


def finalised(api: Api, biz: int, cw: int) -> str:
    """A new invoice created final without a number; the number it was given."""
    return number_of(api, api.invoice(biz, cw, InvoiceNumber="", Draft=False))


def draft(api: Api, biz: int, cw: int, **over: Any) -> int:
    return api.invoice(biz, cw, InvoiceNumber="", Draft=True, **over)


def put_invoice(api: Api, invoice_id: int, **changes: Any) -> Any:
    body = {**record(api, f"{INV}/{invoice_id}"), **changes}
    return api.client.put(
        INV, content=jsonio.dumps(body), headers={**api.auth, "Content-Type": "application/json"}
    )


def finalise(api: Api, invoice_id: int, **changes: Any) -> str:
    r = put_invoice(api, invoice_id, Draft=False, InvoiceNumber="", **changes)
    assert r.status_code == 200, r.text
    return number_of(api, invoice_id)


def assert_rejected(r: Any, prop: str) -> None:
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["WasSuccessful"] is False
    if prop:
        assert prop in [e["PropertyName"] for e in body["Errors"]], body


@pytest.fixture()
def numbered(api: Api) -> tuple[int, int]:
    """A business numbering ``N<4 digits>`` and one of its customers."""
    biz = api.business(InvoiceNumberPrefix=unique("N") + "/", InvoiceNumberPadding=4)
    return biz, api.coworker(biz)


def prefix_of(api: Api, biz: int) -> str:
    return str(record(api, f"{BIZ}/{biz}")["InvoiceNumberPrefix"])


# --- the sequence --------------------------------------------------------------------------


def test_new_business_starts_at_one_with_default_padding(api: Api) -> None:
    biz = api.business()
    rec = record(api, f"{BIZ}/{biz}")
    assert rec["NextInvoiceNumber"] == 1
    assert rec["InvoiceNumberPrefix"] == ""
    cw = api.coworker(biz)
    assert finalised(api, biz, cw) == "1".zfill(int(rec["InvoiceNumberPadding"]))
    assert next_counter(api, biz) == 2


def test_sequential_with_prefix_and_padding(api: Api, numbered: tuple[int, int]) -> None:
    biz, cw = numbered
    prefix = prefix_of(api, biz)
    assert [finalised(api, biz, cw) for _ in range(3)] == [
        f"{prefix}0001",
        f"{prefix}0002",
        f"{prefix}0003",
    ]
    assert next_counter(api, biz) == 4


def test_changed_prefix_and_padding_apply_to_the_next_number(
    api: Api, numbered: tuple[int, int]
) -> None:
    biz, cw = numbered
    prefix = prefix_of(api, biz)
    assert finalised(api, biz, cw) == f"{prefix}0001"
    body = {**record(api, f"{BIZ}/{biz}"), "InvoiceNumberPrefix": "", "InvoiceNumberPadding": 0}
    r = api.client.put(
        BIZ, content=jsonio.dumps(body), headers={**api.auth, "Content-Type": "application/json"}
    )
    assert r.status_code == 200, r.text
    # the counter carries on; only the formatting changed
    assert finalised(api, biz, cw) == "2"
    assert next_counter(api, biz) == 3


def test_counter_outgrows_its_padding(api: Api) -> None:
    biz = api.business(InvoiceNumberPrefix="W", InvoiceNumberPadding=1)
    cw = api.coworker(biz)
    numbers = [finalised(api, biz, cw) for _ in range(11)]
    assert numbers[0] == "W1"
    assert numbers[8:] == ["W9", "W10", "W11"]


def test_next_invoice_number_is_read_only(api: Api, numbered: tuple[int, int]) -> None:
    biz, cw = numbered
    body = {**record(api, f"{BIZ}/{biz}"), "NextInvoiceNumber": 500}
    r = api.client.put(
        BIZ, content=jsonio.dumps(body), headers={**api.auth, "Content-Type": "application/json"}
    )
    assert r.status_code == 200, r.text
    assert next_counter(api, biz) == 1
    assert finalised(api, biz, cw).endswith("0001")


@pytest.mark.parametrize("padding", [-1, 13])
def test_padding_out_of_range_is_rejected(api: Api, padding: int) -> None:
    r = api.post(
        BIZ,
        {
            "Name": unique("Business"),
            "CountryId": api.world.country_gb,  # type: ignore[union-attr]
            "CurrencyId": api.world.currency_gbp,  # type: ignore[union-attr]
            "SimpleTimeZoneId": "Europe/London",
            "InvoiceNumberPadding": padding,
        },
    )
    assert_rejected(r, "InvoiceNumberPadding")


def test_sequences_are_independent_per_business(api: Api) -> None:
    prefix = unique("S") + "-"
    a = api.business(InvoiceNumberPrefix=prefix, InvoiceNumberPadding=3)
    b = api.business(InvoiceNumberPrefix=prefix, InvoiceNumberPadding=3)
    cw_a, cw_b = api.coworker(a), api.coworker(b)
    assert finalised(api, a, cw_a) == f"{prefix}001"
    assert finalised(api, a, cw_a) == f"{prefix}002"
    # the same numbers again in the other business: they are unique per business only
    assert finalised(api, b, cw_b) == f"{prefix}001"
    assert finalised(api, a, cw_a) == f"{prefix}003"
    assert finalised(api, b, cw_b) == f"{prefix}002"
    assert (next_counter(api, a), next_counter(api, b)) == (4, 3)


def test_hand_typed_numbers_are_skipped(api: Api, numbered: tuple[int, int]) -> None:
    biz, cw = numbered
    prefix = prefix_of(api, biz)
    api.invoice(biz, cw, InvoiceNumber=f"{prefix}0001")
    api.invoice(biz, cw, InvoiceNumber=f"{prefix}0003")
    api.invoice(biz, cw, InvoiceNumber="MANUAL-7")
    assert next_counter(api, biz) == 1  # hand-typed numbers do not move the counter
    assert [finalised(api, biz, cw) for _ in range(3)] == [
        f"{prefix}0002",
        f"{prefix}0004",
        f"{prefix}0005",
    ]
    assert next_counter(api, biz) == 6


def test_hand_typed_number_on_a_draft_is_kept_when_finalised(
    api: Api, numbered: tuple[int, int]
) -> None:
    biz, cw = numbered
    own = unique("HAND")
    ident = api.invoice(biz, cw, InvoiceNumber=own, Draft=True)
    r = put_invoice(api, ident, Draft=False)
    assert r.status_code == 200, r.text
    assert number_of(api, ident) == own
    assert next_counter(api, biz) == 1


def test_same_hand_typed_number_in_another_business_is_fine(api: Api) -> None:
    a, b = api.business(), api.business()
    number = unique("SHARED")
    first = api.invoice(a, api.coworker(a), InvoiceNumber=number)
    second = api.invoice(b, api.coworker(b), InvoiceNumber=number)
    assert number_of(api, first) == number_of(api, second) == number


# --- duplicates ------------------------------------------------------------------------------


def test_duplicate_number_in_the_same_business_is_rejected_on_create(
    api: Api, numbered: tuple[int, int]
) -> None:
    biz, cw = numbered
    number = finalised(api, biz, cw)
    body = api.invoice_body(biz, cw, InvoiceNumber=number)
    r = api.post(INV, body)
    assert_rejected(r, "InvoiceNumber")
    assert r.json()["Errors"][0]["AttemptedValue"] == number
    listed = api.get(
        INV, {"CoworkerInvoice_Business": biz, "CoworkerInvoice_InvoiceNumber": number}
    )
    assert listed.json()["TotalItems"] == 1


def test_duplicate_number_in_the_same_business_is_rejected_on_update(
    api: Api, numbered: tuple[int, int]
) -> None:
    biz, cw = numbered
    taken = finalised(api, biz, cw)
    other = api.invoice(biz, cw)
    before = number_of(api, other)
    assert_rejected(put_invoice(api, other, InvoiceNumber=taken), "InvoiceNumber")
    assert number_of(api, other) == before
    # keeping its own number is of course not a duplicate
    assert put_invoice(api, other, InvoiceNumber=before).status_code == 200


def test_duplicate_hand_typed_number_on_finalising_draft_is_rejected(
    api: Api, numbered: tuple[int, int]
) -> None:
    biz, cw = numbered
    taken = finalised(api, biz, cw)
    ident = draft(api, biz, cw)
    assert_rejected(put_invoice(api, ident, Draft=False, InvoiceNumber=taken), "InvoiceNumber")
    rec = record(api, f"{INV}/{ident}")
    assert (rec["Draft"], rec["InvoiceNumber"]) == (True, "")
    assert next_counter(api, biz) == 2


# --- drafts and failed finalisations --------------------------------------------------------


def test_drafts_keep_an_empty_number_until_finalised(api: Api, numbered: tuple[int, int]) -> None:
    biz, cw = numbered
    prefix = prefix_of(api, biz)
    first, second = draft(api, biz, cw), draft(api, biz, cw)
    assert number_of(api, first) == number_of(api, second) == ""  # two blanks never collide
    r = put_invoice(api, first, PurchaseOrder=unique("PO"))  # still a draft
    assert r.status_code == 200, r.text
    assert number_of(api, first) == ""
    assert next_counter(api, biz) == 1
    listed = api.get(INV, {"CoworkerInvoice_Business": biz, "CoworkerInvoice_Draft": "true"})
    assert {rec["Id"]: rec["InvoiceNumber"] for rec in listed.json()["Records"]} == {
        first: "",
        second: "",
    }
    assert finalise(api, second) == f"{prefix}0001"
    assert finalise(api, first) == f"{prefix}0002"
    assert record(api, f"{INV}/{first}")["Draft"] is False


def test_finalised_invoice_keeps_its_number_on_later_updates(
    api: Api, numbered: tuple[int, int]
) -> None:
    biz, cw = numbered
    ident = draft(api, biz, cw)
    number = finalise(api, ident)
    r = put_invoice(api, ident, BillToCity=unique("City"))
    assert r.status_code == 200, r.text
    assert number_of(api, ident) == number
    assert next_counter(api, biz) == 2


def _bad_country(api: Api) -> dict[str, Any]:
    return {"BillToCountryId": 987654321}


def _bad_field(api: Api) -> dict[str, Any]:
    return {"BillToName": ""}


def _bad_date(api: Api) -> dict[str, Any]:
    return {"DueDate": "not a date"}


def _bad_currency(api: Api) -> dict[str, Any]:
    return {"CurrencyId": 987654321}


@pytest.mark.parametrize("breaks", [_bad_country, _bad_field, _bad_date, _bad_currency])
def test_failed_finalisation_consumes_no_number(
    api: Api, numbered: tuple[int, int], breaks: Any
) -> None:
    biz, cw = numbered
    prefix = prefix_of(api, biz)
    assert finalised(api, biz, cw) == f"{prefix}0001"
    failing = draft(api, biz, cw)
    r = put_invoice(api, failing, Draft=False, InvoiceNumber="", **breaks(api))
    assert r.status_code == 400, r.text
    rec = record(api, f"{INV}/{failing}")
    assert (rec["Draft"], rec["InvoiceNumber"]) == (True, "")
    assert next_counter(api, biz) == 2
    # the next successful finalisation gets the number the failed one did not keep
    assert finalise(api, failing) == f"{prefix}0002"
    assert finalised(api, biz, cw) == f"{prefix}0003"


def test_failed_create_consumes_no_number(api: Api, numbered: tuple[int, int]) -> None:
    biz, cw = numbered
    prefix = prefix_of(api, biz)
    r = api.post(
        INV,
        {
            "CoworkerId": cw,
            "BusinessId": biz,
            "InvoiceNumber": "",
            "Draft": False,
            "BillToName": "x",
            "BillToAddress": "x",
            "BillToCity": "x",
            "BillToPostCode": "x",
            "BillToCountryId": 987654321,
            "CurrencyId": api.world.currency_gbp,  # type: ignore[union-attr]
        },
    )
    assert_rejected(r, "BillToCountryId")
    assert next_counter(api, biz) == 1
    assert finalised(api, biz, cw) == f"{prefix}0001"


def test_finalising_a_void_draft_is_refused_and_consumes_no_number(
    api: Api, numbered: tuple[int, int]
) -> None:
    biz, cw = numbered
    prefix = prefix_of(api, biz)
    ident = draft(api, biz, cw)
    r = api.post(f"{INV}/runcommand", {"Key": "VOID_INVOICE", "Ids": [ident]})
    assert r.json()["WasSuccessful"] is True, r.text
    assert_rejected(put_invoice(api, ident, Draft=False), "")
    assert number_of(api, ident) == ""
    assert finalised(api, biz, cw) == f"{prefix}0001"


def test_clearing_the_number_of_a_final_invoice_assigns_the_next(
    api: Api, numbered: tuple[int, int]
) -> None:
    biz, cw = numbered
    prefix = prefix_of(api, biz)
    ident = api.invoice(biz, cw, InvoiceNumber=unique("OLD"))
    r = put_invoice(api, ident, InvoiceNumber="")
    assert r.status_code == 200, r.text
    assert number_of(api, ident) == f"{prefix}0001"
