"""Dates leave as ISO 8601 text: instants as UTC ``YYYY-MM-DDTHH:MM:SSZ`` and ``*Local`` twins as
``YYYY-MM-DDTHH:MM:SS`` in the business's zone, whatever the year, the zone, the offset the
value carries or its fraction of a second (dropped). ``timeutil`` writes them from looked-up
parts for speed; here each is checked against ``datetime.isoformat``, over the whole range."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from coworkbill import timeutil

ZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Asia/Tokyo"]
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda m: timezone(timedelta(minutes=m))
)
# Clear of the range's ends, where a conversion would leave datetime's range.
INSTANTS = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30))


def _reference_utc(value: datetime) -> str:
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


@settings(max_examples=400, deadline=None)
@given(INSTANTS, st.one_of(st.none(), st.just(UTC), OFFSETS))
def test_instants_are_utc_with_whole_seconds(naive: datetime, tz: timezone | None) -> None:
    value = naive if tz is None else naive.replace(tzinfo=tz)
    assert timeutil.fmt_utc(value) == _reference_utc(value)


@settings(max_examples=400, deadline=None)
@given(INSTANTS, st.sampled_from(ZONES))
def test_local_twins_are_wall_clock_time_in_the_zone(naive: datetime, name: str) -> None:
    zone = timeutil.zone(name)
    value = naive.replace(tzinfo=UTC)
    expected = value.astimezone(zone).replace(tzinfo=None).isoformat(timespec="seconds")
    assert timeutil.fmt_in(value, zone) == expected
    assert timeutil.fmt_in(naive, zone) == expected  # a naive value is UTC


def test_none_stays_none_and_the_day_table_stays_bounded() -> None:
    assert timeutil.fmt_utc(None) is None
    assert timeutil.fmt_in(None, UTC) is None
    start = datetime(2000, 1, 1, tzinfo=UTC)
    for n in range(timeutil._MAX_DAYS * 3 // 2):  # more distinct days than it keeps
        timeutil.fmt_utc(start + timedelta(days=n))
    assert 0 < len(timeutil._DAYS) <= timeutil._MAX_DAYS
    assert timeutil.fmt_utc(datetime(5, 3, 4, 5, 6, 7, 999999)) == "0005-03-04T05:06:07Z"
