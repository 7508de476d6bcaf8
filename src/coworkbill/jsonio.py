"""JSON in and out without floats.

Numbers with a fraction decode to Decimal; Decimals encode as JSON numbers. Like Json.NET (what
Nexudus runs), a trailing comma before ``}`` or ``]`` is tolerated: the documented examples
carry them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

_encoder = msgspec.json.Encoder(decimal_format="number")
_decoder = msgspec.json.Decoder(float_hook=Decimal)

DecodeError = msgspec.DecodeError


def dumps(value: Any) -> bytes:
    return _encoder.encode(value)


def loads(data: bytes | str) -> Any:
    """Decode JSON; raises ``DecodeError`` on malformed input."""
    try:
        return _decoder.decode(data)
    except DecodeError:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        fixed = strip_trailing_commas(text)
        if fixed == text:
            raise
        return _decoder.decode(fixed)


def strip_trailing_commas(text: str) -> str:
    """Drop commas that stand (after whitespace only) right before a closing bracket, outside
    string literals."""
    out: list[str] = []
    in_string = escaped = False
    pending: int | None = None  # index in ``out`` of a comma not yet followed by a value
    for ch in text:
        if in_string:
            out.append(ch)
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch in "}]" and pending is not None:
            out[pending] = ""
        if ch == ",":
            pending = len(out)
        elif not ch.isspace():
            pending = None
        if ch == '"':
            in_string = True
        out.append(ch)
    return "".join(out)
