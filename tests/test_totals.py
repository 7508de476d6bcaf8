"""The billing money module: table-driven cases and hypothesis properties, without I/O.

The oracle below recomputes every rounding with exact fractions (round half away from zero by
hand), so the properties check ``totals`` against an independent implementation, not itself.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from coworkbill.billing.totals import (
    DESCRIPTION_MAX,
    LineIn,
    LineOut,
    PaymentState,
    compute_invoice,
    describe,
    line_tax,
    minor_unit_quantum,
    payment_state,
    round_money,
    transaction_total,
)

D = Decimal
PROPERTY = settings(max_examples=200, deadline=None)


def oracle_round(value: Decimal | Fraction, places: int) -> Decimal:
    scaled = Fraction(value) * 10**places
    sign = -1 if scaled < 0 else 1
    units = int(abs(scaled) + Fraction(1, 2))  # floor of |x| + 1/2: ties go away from zero
    return (D(sign * units).scaleb(-places) if units else D(0)).quantize(minor_unit_quantum(places))


def oracle_line(sub_total: Decimal, rate: Decimal, places: int) -> tuple[Decimal, Decimal]:
    stored = oracle_round(sub_total, places)
    return stored, oracle_round(Fraction(stored) * Fraction(rate) / 100, places)


def quantized(amount: Decimal, places: int) -> bool:
    return amount.is_finite() and amount.as_tuple().exponent == -places and not amount.is_signed()


def at(day: int, hour: int = 0) -> datetime:
    return datetime(2024, 1, day, hour, tzinfo=UTC)


# --- rounding ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("places", "quantum"), [(0, "1"), (2, "0.01"), (3, "0.001"), (4, "0.0001")]
)
def test_minor_unit_quantum(places: int, quantum: str) -> None:
    assert str(minor_unit_quantum(places)) == quantum


def test_minor_unit_quantum_rejects_negative_places() -> None:
    with pytest.raises(ValueError, match="places"):
        minor_unit_quantum(-1)


@pytest.mark.parametrize(
    ("amount", "places", "expected"),
    [
        ("0.005", 2, "0.01"),
        ("-0.005", 2, "-0.01"),
        ("0.015", 2, "0.02"),  # banker's rounding would give 0.02 here ...
        ("0.025", 2, "0.03"),  # ... and 0.02 here: half away from zero does not look at parity
        ("0.0049999", 2, "0.00"),
        ("-0.004", 2, "0.00"),  # never a signed zero
        ("-0", 2, "0.00"),
        ("10", 2, "10.00"),
        ("1E+1", 2, "10.00"),
        ("2.5", 0, "3"),
        ("-2.5", 0, "-3"),
        ("3.5", 0, "4"),
        ("2.4999", 0, "2"),
        ("-0.4", 0, "0"),
        ("1.0005", 3, "1.001"),
        ("-1.0005", 3, "-1.001"),
        ("1.0004999", 3, "1.000"),
        ("123456789012345678901234567890.125", 2, "123456789012345678901234567890.13"),
    ],
)
def test_round_money(amount: str, places: int, expected: str) -> None:
    assert str(round_money(D(amount), places)) == expected


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_round_money_rejects_non_finite(amount: str) -> None:
    with pytest.raises(ValueError, match="finite"):
        round_money(D(amount), 2)


# --- line tax ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sub_total", "rate", "places", "expected"),
    [
        ("100.00", "20", 2, "20.00"),
        ("19.99", "20", 2, "4.00"),  # 3.998
        ("19.99", "21", 2, "4.20"),  # 4.1979
        ("10.10", "7.5", 2, "0.76"),  # 0.7575
        ("0.10", "7.5", 2, "0.01"),  # 0.0075
        ("0.06", "7.5", 2, "0.00"),  # 0.0045
        ("100.00", "7.6543", 2, "7.65"),
        ("99.99", "0", 2, "0.00"),
        ("-100.00", "20", 2, "-20.00"),  # credit lines
        ("-19.99", "21", 2, "-4.20"),
        ("-0.10", "7.5", 2, "-0.01"),
        ("-5.00", "0", 2, "0.00"),
        ("2.345", "10", 2, "0.24"),  # SubTotal rounded first: 2.35 * 10% = 0.235, not 0.2345
        ("1000", "21", 0, "210"),  # JPY
        ("1050", "7.5", 0, "79"),  # 78.75
        ("15", "10", 0, "2"),  # 1.5
        ("-15", "10", 0, "-2"),
        ("-1010", "7.5", 0, "-76"),  # -75.75
        ("10.005", "5", 3, "0.500"),  # BHD: 0.50025
        ("10.010", "5", 3, "0.501"),  # 0.5005
        ("-10.010", "5", 3, "-0.501"),
    ],
)
def test_line_tax(sub_total: str, rate: str, places: int, expected: str) -> None:
    assert str(line_tax(D(sub_total), D(rate), places)) == expected


@pytest.mark.parametrize(("sub_total", "rate"), [("NaN", "20"), ("10", "NaN"), ("10", "Infinity")])
def test_line_tax_rejects_non_finite(sub_total: str, rate: str) -> None:
    with pytest.raises(ValueError, match="finite"):
        line_tax(D(sub_total), D(rate), 2)


# --- invoice totals ---------------------------------------------------------------------------


def test_no_lines_give_zero_totals_at_the_currency_precision() -> None:
    for places, zero in [(0, "0"), (2, "0.00"), (3, "0.000")]:
        totals = compute_invoice([], places)
        assert totals.lines == ()
        assert (str(totals.tax_amount), str(totals.total_amount)) == (zero, zero)
        assert totals.description == ""


def test_invoice_with_credit_line_eur() -> None:
    lines = [
        LineIn(D("100.00"), D("20"), "Desk"),
        LineIn(D("19.99"), D("21"), "Coffee"),
        LineIn(D("-10.00"), D("20"), "Discount"),
        LineIn(D("5.00"), D("0"), "Locker"),
        LineIn(D("0.125"), D("20"), "Rounding"),  # stored as 0.13, tax 0.026 -> 0.03
    ]
    totals = compute_invoice(lines, 2)
    assert totals.lines == (
        LineOut(D("100.00"), D("20.00")),
        LineOut(D("19.99"), D("4.20")),
        LineOut(D("-10.00"), D("-2.00")),
        LineOut(D("5.00"), D("0.00")),
        LineOut(D("0.13"), D("0.03")),
    )
    assert str(totals.lines[4].sub_total) == "0.13"
    assert str(totals.tax_amount) == "22.23"
    assert str(totals.total_amount) == "137.35"


def test_invoice_jpy_and_bhd() -> None:
    jpy = compute_invoice([LineIn(D("1050"), D("7.5")), LineIn(D("999"), D("10"))], 0)
    assert [str(line.tax_amount) for line in jpy.lines] == ["79", "100"]
    assert (str(jpy.tax_amount), str(jpy.total_amount)) == ("179", "2228")

    bhd = compute_invoice([LineIn(D("10.010"), D("5")), LineIn(D("1.0005"), D("10"))], 3)
    assert bhd.lines == (LineOut(D("10.010"), D("0.501")), LineOut(D("1.001"), D("0.100")))
    assert (str(bhd.tax_amount), str(bhd.total_amount)) == ("0.601", "11.612")


def test_thousand_line_invoice_sums_rounded_lines_to_the_cent() -> None:
    # Each line's tax is 0.005 -> 0.01: per-line rounding gives 10.00 of tax where rounding
    # the invoice-level tax once would give 5.00. The server's rule is per line.
    cents = compute_invoice([LineIn(D("0.01"), D("50")) for _ in range(1000)], 2)
    assert (str(cents.tax_amount), str(cents.total_amount)) == ("10.00", "20.00")

    rates = [D("20"), D("21"), D("7.5"), D("0"), D("5.5"), D("19.6")]
    lines = [
        LineIn(D((i * 7919) % 100_003 - 20_000).scaleb(-2), rates[i % len(rates)], f"L{i}", None, i)
        for i in range(1000)
    ]
    totals = compute_invoice(lines, 2)
    expected = [oracle_line(line.sub_total, line.tax_rate, 2) for line in lines]
    assert [(out.sub_total, out.tax_amount) for out in totals.lines] == expected
    assert totals.tax_amount == sum((tax for _, tax in expected), D("0.00"))
    assert totals.total_amount == sum((s + t for s, t in expected), D("0.00"))
    assert totals.total_amount == sum(
        (out.sub_total + out.tax_amount for out in totals.lines), D("0.00")
    )
    assert quantized(abs(totals.total_amount), 2)


# --- description ------------------------------------------------------------------------------


def test_describe_orders_by_position_and_prefers_display_as() -> None:
    lines = [
        LineIn(D(1), D(0), "Coffee", None, 3),
        LineIn(D(1), D(0), "Desk hire (internal code 77)", "Hot desk", 1),
        LineIn(D(1), D(0), "Printing", "", 2),  # empty DisplayAs is "not set"
        LineIn(D(1), D(0), "Meeting room A", None, 2),  # same position: given order kept
        LineIn(D(1), D(0), "", None, 0),  # nothing to show: no bare separator
    ]
    assert describe(lines) == "Hot desk, Printing, Meeting room A, Coffee"
    assert compute_invoice(lines, 2).description == describe(lines)
    assert describe([]) == ""


def test_describe_truncates_to_4000_characters_with_an_ellipsis() -> None:
    exact = [LineIn(D(1), D(0), "x" * DESCRIPTION_MAX)]
    assert describe(exact) == "x" * DESCRIPTION_MAX

    long = [LineIn(D(1), D(0), f"Desk hire {i:04d}", None, i) for i in range(1000)]
    full = ", ".join(f"Desk hire {i:04d}" for i in range(1000))
    text = describe(list(reversed(long)))
    assert len(text) == DESCRIPTION_MAX == 4000
    assert text == full[: DESCRIPTION_MAX - 1] + "…"

    one_over = [LineIn(D(1), D(0), "y" * (DESCRIPTION_MAX + 1))]
    assert describe(one_over) == "y" * (DESCRIPTION_MAX - 1) + "…"


# --- transaction total ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "rate", "expected"),
    [
        ("100.00", None, None),
        ("100.00", "1", "100.00"),
        ("100.00", "1.1234", "112.34"),
        ("0.50", "0.01", "0.01"),  # 0.005
        ("2228", "0.0061234", "13.64"),  # a JPY invoice collected in EUR
        ("-10.00", "1.0005", "-10.01"),  # -10.005
        ("10.000", "0", "0.00"),
    ],
)
def test_transaction_total(total: str, rate: str | None, expected: str | None) -> None:
    result = transaction_total(D(total), None if rate is None else D(rate))
    assert (None if result is None else str(result)) == expected


@pytest.mark.parametrize(("total", "rate"), [("10", "NaN"), ("Infinity", "0"), ("NaN", "1")])
def test_transaction_total_rejects_non_finite(total: str, rate: str) -> None:
    with pytest.raises(ValueError, match="finite"):
        transaction_total(D(total), D(rate))


# --- payment state ----------------------------------------------------------------------------

NONE = PaymentState(None, False, None)


@pytest.mark.parametrize(
    ("case", "total", "credits", "previous", "expected"),
    [
        ("no payment", "100.00", [], None, NONE),
        ("no payment, zero total", "0.00", [], None, NONE),
        ("no payment, credit note", "-50.00", [], None, NONE),
        ("part payment", "100.00", [("40", at(1))], None, PaymentState(D("40.00"), False, None)),
        (
            "exact in two payments",
            "100.00",
            [("40", at(1)), ("60", at(2))],
            None,
            PaymentState(D("100.00"), True, at(2)),
        ),
        ("overpayment", "100.00", [("150", at(1))], None, PaymentState(D("150.00"), True, at(1))),
        (
            "replayed in date order, not given order",
            "100.00",
            [("60", at(2)), ("40", at(1))],
            None,
            PaymentState(D("100.00"), True, at(2)),
        ),
        (
            "earliest payment alone pays",
            "100.00",
            [("10", at(2)), ("100", at(1))],
            None,
            PaymentState(D("110.00"), True, at(1)),
        ),
        (
            "reversal makes it unpaid again",
            "100.00",
            [("100", at(1)), ("-100", at(2))],
            at(1),
            PaymentState(D("0.00"), False, None),
        ),
        (
            "partial reversal",
            "100.00",
            [("100", at(1)), ("-30", at(2))],
            at(1),
            PaymentState(D("70.00"), False, None),
        ),
        (
            "paid again after a reversal: the later payment",
            "100.00",
            [("100", at(1)), ("-100", at(2)), ("100", at(3))],
            None,
            PaymentState(D("100.00"), True, at(3)),
        ),
        (
            "equal dates keep given order: a dip re-dates PaidOn",
            "100.00",
            [("100", at(1)), ("-100", at(2)), ("100", at(2))],
            None,
            PaymentState(D("100.00"), True, at(2)),
        ),
        (
            "equal dates keep given order: no dip, PaidOn unchanged",
            "100.00",
            [("100", at(1)), ("100", at(2)), ("-100", at(2))],
            None,
            PaymentState(D("100.00"), True, at(1)),
        ),
        (
            "stays paid: PaidOn kept",
            "100.00",
            [("40", at(1)), ("60", at(2)), ("10", at(3))],
            at(2, 9),
            PaymentState(D("110.00"), True, at(2, 9)),
        ),
        (
            "zero total, a 0 payment",
            "0.00",
            [("0", at(1))],
            None,
            PaymentState(D("0.00"), True, at(1)),
        ),
        (
            "zero total, cancelled entries",
            "0.00",
            [("5", at(1)), ("-5", at(2))],
            None,
            PaymentState(D("0.00"), True, at(1)),
        ),
        (
            "credit note refunded",
            "-50.00",
            [("-50", at(1))],
            None,
            PaymentState(D("-50.00"), True, at(1)),
        ),
        (
            "credit rounded",
            "100.00",
            [("99.995", at(1))],
            None,
            PaymentState(D("100.00"), True, at(1)),
        ),
        ("JPY", "2228", [("2228", at(4))], None, PaymentState(D("2228"), True, at(4))),
    ],
)
def test_payment_state(
    case: str,
    total: str,
    credits: list[tuple[str, datetime]],
    previous: datetime | None,
    expected: PaymentState,
) -> None:
    places = 0 if case == "JPY" else 2
    got = payment_state(D(total), [(D(c), when) for c, when in credits], places, previous)
    assert got == expected, case
    if got.paid_amount is not None:
        assert quantized(abs(got.paid_amount), places), case


def test_payment_state_rejects_non_finite_credit() -> None:
    with pytest.raises(ValueError, match="finite"):
        payment_state(D("10.00"), [(D("NaN"), at(1))], 2, None)


# --- properties -------------------------------------------------------------------------------

PLACES = st.sampled_from([0, 2, 3])
RATES = st.integers(min_value=0, max_value=100 * 10**4).map(lambda n: D(n).scaleb(-4))


def amounts(places: int, bound: int = 10**9) -> st.SearchStrategy[Decimal]:
    quantum = minor_unit_quantum(places)
    return st.integers(min_value=-bound, max_value=bound).map(lambda n: D(n) * quantum)


def lines_for(places: int) -> st.SearchStrategy[list[LineIn]]:
    line = st.builds(
        LineIn,
        sub_total=amounts(places),
        tax_rate=RATES,
        description=st.text(max_size=8),
        display_as=st.none() | st.text(max_size=8),
        position=st.integers(min_value=0, max_value=5),
    )
    return st.lists(line, max_size=25)


@PROPERTY
@given(data=st.data(), places=PLACES)
def test_property_invoice_totals(data: st.DataObject, places: int) -> None:
    lines = data.draw(lines_for(places))
    totals = compute_invoice(lines, places)
    expected = [oracle_line(line.sub_total, line.tax_rate, places) for line in lines]
    assert [(out.sub_total, out.tax_amount) for out in totals.lines] == expected
    zero = round_money(D(0), places)
    assert totals.tax_amount == sum((out.tax_amount for out in totals.lines), zero)
    assert totals.total_amount == sum(
        (out.sub_total + out.tax_amount for out in totals.lines), zero
    )
    for amount in [totals.tax_amount, totals.total_amount, *(o.tax_amount for o in totals.lines)]:
        assert quantized(abs(amount), places)

    shuffled = data.draw(st.permutations(lines))
    again = compute_invoice(shuffled, places)
    assert (again.tax_amount, again.total_amount) == (totals.tax_amount, totals.total_amount)
    assert sorted(again.lines, key=repr) == sorted(totals.lines, key=repr)


@PROPERTY
@given(
    value=st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12),
    places=PLACES,
)
def test_property_round_money(value: Decimal, places: int) -> None:
    rounded = round_money(value, places)
    assert rounded == oracle_round(value, places)
    assert quantized(abs(rounded), places)
    assert abs(rounded - value) <= minor_unit_quantum(places) / 2
    assert round_money(-value, places) == -rounded  # half away from zero is symmetric


@PROPERTY
@given(data=st.data(), places=PLACES)
def test_property_unrounded_sub_totals_are_rounded_first(data: st.DataObject, places: int) -> None:
    sub_total = data.draw(amounts(places + 3))
    rate = data.draw(RATES)
    out = compute_invoice([LineIn(sub_total, rate)], places).lines[0]
    assert (out.sub_total, out.tax_amount) == oracle_line(sub_total, rate, places)
    assert out.tax_amount == line_tax(sub_total, rate, places)


@PROPERTY
@given(
    total=amounts(2, 10**5),
    credits=st.lists(st.tuples(amounts(2, 10**5), st.integers(0, 20)), max_size=8),
)
def test_property_payment_state(total: Decimal, credits: list[tuple[Decimal, int]]) -> None:
    dated = [(amount, at(1) + timedelta(hours=h)) for amount, h in credits]
    state = payment_state(total, dated, 2, None)
    if not credits:
        assert state == NONE
        return
    paid_amount = sum((amount for amount, _ in credits), D("0.00"))
    assert state.paid_amount == paid_amount
    assert state.paid == (paid_amount >= total)
    assert (state.paid_on is not None) == state.paid
    if state.paid_on is not None:
        # PaidOn: the credit from which (in date order) the running sum stays >= total.
        ordered = sorted(dated, key=lambda c: c[1])
        prefix = [sum((a for a, _ in ordered[: i + 1]), D(0)) for i in range(len(ordered))]
        start = min(k for k in range(len(ordered)) if all(p >= total for p in prefix[k:]))
        assert state.paid_on == ordered[start][1]
        if all(amount >= 0 for amount, _ in credits):
            first = next(when for (_, when), p in zip(ordered, prefix, strict=True) if p >= total)
            assert state.paid_on == first
        kept = payment_state(total, dated, 2, at(28))
        assert kept.paid_on == at(28)


class LineEditing(RuleBasedStateMachine):
    """Create/update/delete lines; a running total kept incrementally must match a recompute."""

    def __init__(self) -> None:
        super().__init__()
        self.places = 2
        self.lines: dict[int, LineIn] = {}
        self.next_id = 0
        self.expected_total = D(0)
        self.expected_tax = D(0)

    def _apply(self, line: LineIn, sign: int) -> None:
        sub_total, tax = oracle_line(line.sub_total, line.tax_rate, self.places)
        self.expected_total += sign * (sub_total + tax)
        self.expected_tax += sign * tax

    @initialize(places=PLACES)
    def choose_currency(self, places: int) -> None:
        self.places = places

    @rule(data=st.data())
    def create(self, data: st.DataObject) -> None:
        line = LineIn(
            data.draw(amounts(self.places, 10**6)), data.draw(RATES), position=self.next_id
        )
        self.lines[self.next_id] = line
        self.next_id += 1
        self._apply(line, +1)

    @precondition(lambda self: bool(self.lines))
    @rule(data=st.data())
    def update(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.lines)))
        new = LineIn(data.draw(amounts(self.places, 10**6)), data.draw(RATES), position=key)
        self._apply(self.lines[key], -1)
        self.lines[key] = new
        self._apply(new, +1)

    @precondition(lambda self: bool(self.lines))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(self.lines)))
        self._apply(self.lines.pop(key), -1)

    @invariant()
    def totals_match_the_current_lines(self) -> None:
        totals = compute_invoice(list(self.lines.values()), self.places)
        assert totals.total_amount == self.expected_total
        assert totals.tax_amount == self.expected_tax
        assert quantized(abs(totals.total_amount), self.places)
        assert len(totals.lines) == len(self.lines)


TestLineEditing = LineEditing.TestCase
TestLineEditing.settings = settings(max_examples=100, stateful_step_count=30, deadline=None)
