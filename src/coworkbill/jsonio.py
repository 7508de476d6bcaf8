"""JSON in and out without floats.

Numbers with a fraction decode to Decimal; Decimals encode as JSON numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

_encoder = msgspec.json.Encoder(decimal_format="number")
_decoder = msgspec.json.Decoder(float_hook=Decimal)


def dumps(value: Any) -> bytes:
    return _encoder.encode(value)


def loads(data: bytes | str) -> Any:
    """Decode JSON; raises ``msgspec.DecodeError`` on malformed input."""
    return _decoder.decode(data)


DecodeError = msgspec.DecodeError
