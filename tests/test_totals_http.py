"""Invoice totals read back over HTTP: whatever sequence of line creates, updates and deletes
an invoice goes through, its TotalAmount = Σ (line SubTotal + line TaxAmount) and its TaxAmount
= Σ line TaxAmount, exactly, and each line's amounts match an independent rounding oracle;
a 1,000-line invoice still adds up to the cent."""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import Api, exact, line_body, send

INV = "/api/billing/coworkerinvoices"
LINES = "/api/billing/coworkerinvoicelines"
PLACES = {"GBP": 2, "JPY": 0}


def half_up(value: Fraction, places: int) -> D:
    """Round half away from zero with exact fractions: the oracle, independent of Decimal."""
    scaled = value * 10**places
    sign = -1 if scaled < 0 else 1
    units = int(abs(scaled) + Fraction(1, 2))
    return D(sign * units).scaleb(-places) if units else D(0)


def expected_line(sub_total: D, rate: D, places: int) -> tuple[D, D]:
    stored = half_up(Fraction(sub_total), places)
    return stored, half_up(Fraction(stored) * Fraction(rate) / 100, places)


def invoice_lines(api: Api, inv: int) -> list[dict[str, Any]]:
    r = exact(api.get(LINES, {"CoworkerInvoiceLine_CoworkerInvoice": inv, "size": 1000}))
    assert r["TotalItems"] == len(r["Records"])
    records: list[dict[str, Any]] = r["Records"]
    return records


def assert_adds_up(api: Api, inv: int, model: dict[int, tuple[D, D]], places: int) -> None:
    rec = exact(api.get(f"{INV}/{inv}"))
    lines = invoice_lines(api, inv)
    assert {ln["Id"] for ln in lines} == set(model)
    for ln in lines:
        sub, tax = expected_line(*model[ln["Id"]], places)
        assert (ln["SubTotal"], ln["TaxAmount"]) == (sub, tax), (ln, model[ln["Id"]])
    assert rec["TaxAmount"] == sum((ln["TaxAmount"] for ln in lines), D(0))
    assert rec["TotalAmount"] == sum((ln["SubTotal"] + ln["TaxAmount"] for ln in lines), D(0))
    # and against the oracle, not only against what the server stored on the lines
    oracle = [expected_line(*v, places) for v in model.values()]
    assert rec["TotalAmount"] == sum((s + t for s, t in oracle), D(0))


amounts = st.decimals(
    min_value=D("-5000"), max_value=D("50000"), places=4, allow_nan=False, allow_infinity=False
)
rates = st.sampled_from([D(0), D(5), D("7.5"), D("8.875"), D("17.5"), D(20), D(21), D("33.3333")])
ops = st.lists(
    st.one_of(
        st.tuples(st.just("create"), amounts, rates),
        st.tuples(st.just("update"), st.integers(0, 50), amounts, rates),
        st.tuples(st.just("delete"), st.integers(0, 50)),
    ),
    min_size=1,
    max_size=12,
)

_businesses: dict[str, tuple[int, int]] = {}


def _business(api: Api, currency: str) -> tuple[int, int]:
    if currency not in _businesses:
        w = api.world
        assert w is not None
        cur = w.currency_gbp if currency == "GBP" else w.currency_jpy
        biz = api.business(CurrencyId=cur)
        _businesses[currency] = (biz, api.coworker(biz))
    return _businesses[currency]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(currency=st.sampled_from(sorted(PLACES)), steps=ops)
def test_any_line_sequence_keeps_the_totals(api: Api, currency: str, steps: list[Any]) -> None:
    biz, cw = _business(api, currency)
    w = api.world
    assert w is not None
    cur = w.currency_gbp if currency == "GBP" else w.currency_jpy
    inv = api.invoice(biz, cw, CurrencyId=cur)
    places = PLACES[currency]
    model: dict[int, tuple[D, D]] = {}
    for step in steps:
        ids = sorted(model)
        if step[0] == "create":
            body = {
                "CoworkerInvoiceId": inv,
                "Description": "line",
                "Quantity": 1,
                "SubTotal": step[1],
                "TaxRate": step[2],
            }
            ident = int(exact(send(api, "POST", LINES, body))["Value"]["Id"])
            model[ident] = (step[1], step[2])
        elif step[0] == "update" and ids:
            ident = ids[step[1] % len(ids)]
            current = exact(api.get(f"{LINES}/{ident}"))
            body = {**current, "SubTotal": step[2], "TaxRate": step[3]}
            assert exact(send(api, "PUT", LINES, body))["WasSuccessful"] is True
            model[ident] = (step[2], step[3])
        elif step[0] == "delete" and ids:
            ident = ids[step[1] % len(ids)]
            assert exact(api.delete(f"{LINES}/{ident}"))["WasSuccessful"] is True
            del model[ident]
        assert_adds_up(api, inv, model, places)


def test_an_empty_invoice_totals_zero(api: Api) -> None:
    biz, cw = _business(api, "GBP")
    rec = exact(api.get(f"{INV}/{api.invoice(biz, cw)}"))
    assert (rec["TotalAmount"], rec["TaxAmount"]) == (0, 0)


def test_a_thousand_line_invoice_adds_up_to_the_cent(api: Api) -> None:
    biz, cw = _business(api, "GBP")
    inv = api.invoice(biz, cw)
    model: dict[int, tuple[D, D]] = {}
    for i in range(1000):
        # amounts whose tax lands on or near a half cent, so rounding per line matters
        sub_total = (D(i * 37 % 10007) / 100 + D("0.005") * (i % 3)).quantize(D("0.0001"))
        rate = (D("17.5"), D(20), D("8.875"), D(0))[i % 4]
        body = {
            "CoworkerInvoiceId": inv,
            "Description": f"Item {i}",
            "Quantity": 1,
            "SubTotal": sub_total,
            "TaxRate": rate,
        }
        r = send(api, "POST", LINES, body)
        assert r.status_code == 200, r.text
        model[int(r.json()["Value"]["Id"])] = (sub_total, rate)
    assert_adds_up(api, inv, model, 2)
    rec = exact(api.get(f"{INV}/{inv}"))
    oracle = [expected_line(*v, 2) for v in model.values()]
    assert rec["TaxAmount"] == sum((t for _, t in oracle), D(0))
    assert len(rec["Description"]) <= 4000


def test_a_line_put_that_leaves_the_amounts_keeps_totals_and_one_that_renames_redescribes(
    api: Api,
) -> None:
    """A line PUT touching nothing the totals read (a purchase order) leaves them as stored;
    one that renames the line changes the invoice's Description; one that changes the amount
    changes the totals."""
    biz, cw = _business(api, "GBP")
    inv = api.invoice(biz, cw)
    first = int(exact(send(api, "POST", LINES, line_body(inv, D("10.005"), 20)))["Value"]["Id"])
    send(api, "POST", LINES, line_body(inv, D(5), 0, Description="Coffee"))
    before = exact(api.get(f"{INV}/{inv}"))
    line = exact(api.get(f"{LINES}/{first}"))

    def put(**change: Any) -> dict[str, Any]:
        assert exact(send(api, "PUT", LINES, {**line, **change}))["WasSuccessful"] is True
        rec: dict[str, Any] = exact(api.get(f"{INV}/{inv}"))
        return rec

    kept = put(PurchaseOrder="PO-1")
    for key in ("TotalAmount", "TaxAmount", "Description"):
        assert kept[key] == before[key], key
    renamed = put(Description="Hot desk")
    assert renamed["Description"] != before["Description"]
    assert "Hot desk" in renamed["Description"] and "Coffee" in renamed["Description"]
    assert renamed["TotalAmount"] == before["TotalAmount"] == D("17.01")
    assert put(Description="Hot desk", SubTotal=20)["TotalAmount"] == D("29")
