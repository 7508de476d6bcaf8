"""Invoice money: line tax, invoice totals, the summary description and the payment state.

Pure functions over ``Decimal`` (no database, engine or HTTP; never ``float``). Guarantees:

- Rounding is half away from zero (``ROUND_HALF_UP`` on ``Decimal``) to the currency's minor unit
  (``places`` = ISO 4217 exponent: 2 for EUR/GBP, 0 for JPY, 3 for BHD). A rounded zero is
  always ``+0`` so ``-0.00`` never reaches storage or JSON.
- Arithmetic runs in a 200-digit context, so products and sums of any stored amount are exact
  before the single rounding step. NaN, infinities and negative ``places`` raise ``ValueError``.
- A line's SubTotal is rounded first (it is stored at the currency precision), then its
  TaxAmount = round(SubTotal * TaxRate / 100). The invoice's TaxAmount = Σ line TaxAmount and
  TotalAmount = Σ (line SubTotal + line TaxAmount): sums of rounded amounts, hence already exact
  at ``places`` and independent of line order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow

__all__ = [
    "DESCRIPTION_MAX",
    "InvoiceTotals",
    "LineIn",
    "LineOut",
    "PaymentState",
    "compute_invoice",
    "describe",
    "line_tax",
    "minor_unit_quantum",
    "payment_state",
    "round_money",
    "transaction_total",
]

DESCRIPTION_MAX = 4000
"""Longest invoice Description, in characters, the trailing ellipsis included."""

_ELLIPSIS = "…"
_SEPARATOR = ", "
_TRANSACTION_PLACES = 2
_HUNDRED = Decimal(100)

# Wide enough that no product or sum of stored amounts is ever rounded by the context itself:
# the only rounding is the explicit quantize in round_money.
_CTX = Context(
    prec=200,
    rounding=ROUND_HALF_UP,
    Emin=-999_999,
    Emax=999_999,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)


def minor_unit_quantum(places: int) -> Decimal:
    """The smallest amount of a currency with ``places`` decimals: 2 -> 0.01, 0 -> 1, 3 -> 0.001."""
    if places < 0:
        raise ValueError(f"currency decimal places must be >= 0, got {places}")
    return Decimal((0, (1,), -places))


def _finite(value: Decimal, what: str) -> Decimal:
    if not value.is_finite():
        raise ValueError(f"{what} must be finite, got {value}")
    return value


def round_money(amount: Decimal, places: int) -> Decimal:
    """``amount`` rounded half away from zero to ``places`` decimals (0.005 -> 0.01, -2.5 -> -3)."""
    _finite(amount, "money amount")
    rounded = amount.quantize(minor_unit_quantum(places), rounding=ROUND_HALF_UP, context=_CTX)
    # -0.004 rounds to -0.00; a signed zero would print as "-0.00" and compare oddly in SQL.
    return rounded.copy_abs() if rounded.is_zero() else rounded


def line_tax(sub_total: Decimal, tax_rate: Decimal, places: int) -> Decimal:
    """round(round(SubTotal) * TaxRate / 100): the tax of one line, from its stored SubTotal."""
    base = round_money(sub_total, places)
    product = _CTX.multiply(base, _finite(tax_rate, "tax rate"))
    return round_money(_CTX.divide(product, _HUNDRED), places)


@dataclass(frozen=True)
class LineIn:
    """What the totals depend on in one invoice line."""

    sub_total: Decimal
    tax_rate: Decimal
    description: str = ""
    display_as: str | None = None
    position: int = 0


@dataclass(frozen=True)
class LineOut:
    """The amounts stored on one line: ``sub_total`` rounded to places, and its ``tax_amount``."""

    sub_total: Decimal
    tax_amount: Decimal


@dataclass(frozen=True)
class InvoiceTotals:
    """An invoice's derived fields. ``lines[i]`` belongs to the i-th input line (input order)."""

    lines: tuple[LineOut, ...]
    tax_amount: Decimal
    total_amount: Decimal
    description: str


def _sum(amounts: Iterable[Decimal], places: int) -> Decimal:
    # Starts from a quantized zero so an empty sum still carries the currency's exponent.
    total = round_money(Decimal(0), places)
    for amount in amounts:
        total = _CTX.add(total, amount)
    return total


def compute_invoice(lines: Sequence[LineIn], places: int) -> InvoiceTotals:
    """Rounded line amounts, the invoice TaxAmount and TotalAmount, and the Description.

    TotalAmount is Σ (rounded SubTotal + rounded TaxAmount) over the lines, so it always equals
    the sum of what is stored on the lines, to the minor unit; 0 (quantized) with no lines.
    """
    outs = tuple(
        LineOut(
            sub_total=round_money(line.sub_total, places),
            tax_amount=line_tax(line.sub_total, line.tax_rate, places),
        )
        for line in lines
    )
    tax = _sum((out.tax_amount for out in outs), places)
    total = _CTX.add(_sum((out.sub_total for out in outs), places), tax)
    return InvoiceTotals(
        lines=outs,
        tax_amount=round_money(tax, places),
        total_amount=round_money(total, places),
        description=describe(lines),
    )


def transaction_total(total: Decimal, rate: Decimal | None) -> Decimal | None:
    """TotalAmount * exchange rate rounded to 2 decimals; ``None`` when no rate is set."""
    if rate is None:
        return None
    product = _CTX.multiply(_finite(total, "total"), _finite(rate, "exchange rate"))
    return round_money(product, _TRANSACTION_PLACES)


def describe(lines: Sequence[LineIn]) -> str:
    """The invoice Description: each line's text in position order, joined with ", ".

    A line's text is its ``display_as`` when set (non-empty), else its ``description``; lines
    whose text is empty are left out so the summary never shows a bare separator. Equal
    positions keep the given order. Longer than ``DESCRIPTION_MAX`` characters, the summary is
    cut to exactly that length, its last character being "…". No lines: "".
    """
    ordered = sorted(lines, key=lambda line: line.position)
    texts = (line.display_as or line.description for line in ordered)
    summary = _SEPARATOR.join(text for text in texts if text)
    if len(summary) > DESCRIPTION_MAX:
        return summary[: DESCRIPTION_MAX - len(_ELLIPSIS)] + _ELLIPSIS
    return summary


@dataclass(frozen=True)
class PaymentState:
    """An invoice's PaidAmount, Paid and PaidOn."""

    paid_amount: Decimal | None
    paid: bool
    paid_on: datetime | None


def payment_state(
    total: Decimal,
    credits: Sequence[tuple[Decimal, datetime]],
    places: int,
    previous_paid_on: datetime | None,
) -> PaymentState:
    """PaidAmount, Paid and PaidOn from the (credit, transaction date) of each linked ledger entry.

    - ``paid_amount``: round(Σ credits), negative credits reducing it; ``None`` with no entries
      (0, quantized, when entries exist but cancel out).
    - ``paid``: at least one linked entry exists and paid_amount ≥ total. So an invoice with no
      payment is never paid, even at a zero or negative total; with an entry (even of 0) a
      zero-total invoice is paid.
    - ``paid_on``: ``None`` when not paid; ``previous_paid_on`` when it was already paid (not
      ``None``) and still is; otherwise the transaction date of the credit that made it paid:
      credits are replayed in date order (equal dates keep the given order) and it is the credit
      from which the running sum reached the total and never fell below it again. Without
      reversals that is the credit whose running sum first reached the total; after a reversal
      that unpaid it, it is the later payment that paid it again.

    The dates must be all naive or all aware, as usual for comparisons.
    """
    if not credits:
        return PaymentState(paid_amount=None, paid=False, paid_on=None)
    target = round_money(total, places)
    running = round_money(Decimal(0), places)
    paid_since: datetime | None = None
    for amount, when in sorted(credits, key=lambda credit: credit[1]):
        running = _CTX.add(running, _finite(amount, "credit"))
        if round_money(running, places) < target:
            paid_since = None
        elif paid_since is None:
            paid_since = when
    paid_amount = round_money(running, places)
    if paid_since is None:
        return PaymentState(paid_amount=paid_amount, paid=False, paid_on=None)
    paid_on = previous_paid_on if previous_paid_on is not None else paid_since
    return PaymentState(paid_amount=paid_amount, paid=True, paid_on=paid_on)
