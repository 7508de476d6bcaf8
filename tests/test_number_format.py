"""Money and rates leave as JSON numbers without the stored scale's trailing zeros (12.5000 ->
12.5, 100.0000 -> 100, -0.0000 -> 0), never through float. ``fields.number_out`` takes a fast
path; here it is checked against the plain definition (normalise, then write a whole number
without an exponent) over every value the columns can hold, and on the wire."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from coworkbill import jsonio
from coworkbill.engine.fields import number_out

# NUMERIC(19,4) money and NUMERIC(19,8) rates, as the drivers return them (at their scale).
STORED = st.one_of(
    st.integers(min_value=-(10**19) + 1, max_value=10**19 - 1).map(lambda i: Decimal(i).scaleb(-4)),
    st.integers(min_value=-(10**19) + 1, max_value=10**19 - 1).map(lambda i: Decimal(i).scaleb(-8)),
    st.sampled_from(["0.0000", "-0.0000", "100.0000", "1E+3", "0.10", "-5.5000"]).map(Decimal),
)


def _reference(d: Decimal) -> Decimal:
    n = d.normalize()
    if n.as_tuple().exponent > 0:  # type: ignore[operator]
        n = n.quantize(Decimal(1))
    return n if n != 0 else Decimal(0)


@settings(max_examples=600, deadline=None)
@given(STORED)
def test_numbers_match_the_plain_definition(d: Decimal) -> None:
    got = number_out(d)
    assert got is not None
    assert str(got) == str(_reference(d))
    assert got == d  # the same number, exactly
    text = jsonio.dumps(got).decode()
    assert jsonio.loads(text) == d, text  # read back exactly (JSON fractions arrive as Decimal)
    if "E" not in text:  # below 1E-6 a rate is written with an exponent, as Decimal writes it
        assert "." not in text or not text.endswith("0"), text


def test_examples() -> None:
    cases = {"12.5000": "12.5", "100.0000": "100", "-0.0000": "0", "0.0100": "0.01"}
    for stored, wire in cases.items():
        assert jsonio.dumps(number_out(Decimal(stored))).decode() == wire
    assert number_out(None) is None
