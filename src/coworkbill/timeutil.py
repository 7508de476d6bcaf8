"""Date-time parsing and formatting on the wire.

Guarantees: every instant leaves as UTC ``YYYY-MM-DDTHH:MM:SSZ``; ``*Local`` twins leave as
``YYYY-MM-DDTHH:MM:SS`` in the business's zone (UTC when the zone is unknown); any ISO 8601
form comes in (date only, no seconds, fractions, ``Z`` or an offset) and is held to whole seconds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ISO = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|z|[+-]\d{2}:?\d{2})?$"
)


@lru_cache(maxsize=512)
def zone(name: str | None) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def is_valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def parse(value: str, local_zone: tzinfo = UTC) -> tuple[datetime, bool]:
    """Parse an ISO 8601 string to an aware UTC instant (whole seconds).

    Returns the instant and whether the text was a bare date. A value without an offset is read
    in ``local_zone``. Raises ``ValueError`` for anything else.
    """
    m = _ISO.match(value.strip())
    if not m:
        raise ValueError(value)
    y, mo, d, hh, mi, ss, _frac, off = m.groups()
    try:
        return _to_utc(
            datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0)),
            off,
            local_zone,
        ), hh is None
    except OverflowError:  # e.g. year 1 with a positive offset
        raise ValueError(value) from None


def _to_utc(naive: datetime, off: str | None, local_zone: tzinfo) -> datetime:
    if off is None:
        aware = naive.replace(tzinfo=local_zone)
    elif off in ("Z", "z"):
        aware = naive.replace(tzinfo=UTC)
    else:
        sign = 1 if off[0] == "+" else -1
        digits = off[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        aware = (naive - sign * delta).replace(tzinfo=UTC)
    return aware.astimezone(UTC)


# Every record carries ~16 dates (an invoice: 9 instants, 7 *Local twins), so they are
# written from parts looked up, not formatted: a day's "YYYY-MM-DDT" once per distinct day,
# the clock from two short tables. 0.2 us a date instead of isoformat's 0.8 (a list page
# of 25 invoices formats 400).
_DAYS: dict[int, str] = {}  # date ordinal -> "YYYY-MM-DDT" (cleared past _MAX_DAYS)
_MAX_DAYS = 100_000
_HOUR_MINUTE = [f"{h:02d}:{m:02d}:" for h in range(24) for m in range(60)]
_SECOND = [f"{s:02d}" for s in range(60)]
_SECOND_Z = [f"{s:02d}Z" for s in range(60)]


def _day(value: datetime) -> str:
    o = value.toordinal()
    day = _DAYS.get(o)
    if day is None:
        if len(_DAYS) >= _MAX_DAYS:
            _DAYS.clear()  # only for data spread over centuries; keeps memory flat
        day = _DAYS[o] = f"{value.year:04d}-{value.month:02d}-{value.day:02d}T"
    return day


def fmt_utc(value: datetime | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` (any fraction of a second dropped)."""
    if value is None:
        return None
    if value.tzinfo is not None and value.tzinfo is not UTC and value.utcoffset():
        value = value.astimezone(UTC)
    return _day(value) + _HOUR_MINUTE[value.hour * 60 + value.minute] + _SECOND_Z[value.second]


def fmt_in(value: datetime | None, tz: tzinfo) -> str | None:
    """``value`` as wall-clock time in ``tz`` (a business's ``zone()``), for ``*Local``:
    ``YYYY-MM-DDTHH:MM:SS``."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(tz)
    return _day(value) + _HOUR_MINUTE[value.hour * 60 + value.minute] + _SECOND[value.second]
