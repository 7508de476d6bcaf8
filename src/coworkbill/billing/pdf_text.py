"""The text of a printable invoice: what the core PDF font can show, numbers and dates as they
print, and the order lines print in (pure functions; ``pdf.py`` lays them out).

Guarantees: cp1252 (the core font's WinAnsi encoding) is kept, anything else is transliterated
or "?"; money never goes through float and keeps its own places (at most 12), at least the
currency's minor unit; anything that is not a finite number of sane magnitude is ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

import iso4217

ENCODING = "cp1252"  # what fpdf2 declares for core fonts (WinAnsiEncoding)
_MAX_PLACES, _MAX_MAGNITUDE = 12, 40
_FALLBACK_DATE = datetime(2000, 1, 1, tzinfo=UTC)
# Letters that have no Unicode decomposition to a Latin base letter.
_TRANSLITERATIONS = {
    "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ĸ": "k",
    "Ŀ": "L", "ŀ": "l", "Ŧ": "T", "ŧ": "t", "Ŋ": "N", "ŋ": "n", "ẞ": "SS",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u2032": "'", "\u2033": '"',
    "\u0131": "i",
}  # fmt: skip


def _safe_char(ch: str) -> str:
    if ch in _TRANSLITERATIONS:
        return _TRANSLITERATIONS[ch]
    # NFKD splits accents off and unfolds compatibility forms (ligatures, full-width letters).
    plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    for candidate in (ch, plain):
        try:
            return candidate.encode(ENCODING).decode(ENCODING)
        except UnicodeEncodeError:
            continue
    return "?"


def safe_text(value: Any, *, multiline: bool = False) -> str:
    """Text the core font can show: cp1252 kept, the rest transliterated or '?'."""
    if value is None:
        return ""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", str(value)):
        category = unicodedata.category(ch)
        if ch == "\n" and multiline:
            out.append(ch)
        elif category[0] in "CZ":  # controls, separators, unassigned: zero-width ones vanish
            out.append("" if category == "Cf" else " ")
        else:
            out.append(_safe_char(ch))
    text = "".join(out)
    lines = (re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line) if multiline else text.strip()


def decimal_or_none(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        result = value
    else:
        try:
            result = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
        except InvalidOperation:
            return None
    if not result.is_finite() or (result and abs(result.adjusted()) > _MAX_MAGNITUDE):
        return None
    return result


def minor_unit(currency: str) -> int:
    try:
        exponent = iso4217.Currency(currency.strip().upper()).exponent
    except (ValueError, KeyError, AttributeError):
        return 2
    return 2 if exponent is None else int(exponent)


def places_of(value: Decimal, minor: int) -> int:
    exponent = value.as_tuple().exponent
    own = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(min(own, _MAX_PLACES), minor)


def number_text(value: Decimal, places: int) -> str:
    with localcontext() as ctx:
        ctx.prec = max(28, value.adjusted() + places + 3)
        quantized = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{quantized:,f}"


def date_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    return safe_text(value)[:10]


def creation_date(invoice: dict[str, Any]) -> datetime:
    for key in ("CreatedOn", "CreatedOnLocal"):
        raw = invoice.get(key)
        try:
            parsed = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
        except (TypeError, ValueError):
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return _FALLBACK_DATE


def line_order(line: dict[str, Any]) -> tuple[bool, Decimal, bool, Decimal]:
    position, ident = decimal_or_none(line.get("Position")), decimal_or_none(line.get("Id"))
    return (position is None, position or Decimal(0), ident is None, ident or Decimal(0))
