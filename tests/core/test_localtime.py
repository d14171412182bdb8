"""UK local time: stored UTC shown as Europe/London, typed local times read back to UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from civic.core.localtime import (
    LocalTimeError,
    MissingLocalTime,
    date_input_value,
    format_date,
    format_datetime,
    format_time,
    from_local,
    input_value,
    local_date,
    parse_local,
)
from civic.core.templating import make_environment


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (utc(2027, 6, 3, 18, 0), "3 June 2027 at 7pm"),  # BST: UTC+1
        (utc(2027, 1, 14, 19, 0), "14 January 2027 at 7pm"),  # GMT: UTC+0
        (utc(2027, 6, 3, 16, 30), "3 June 2027 at 5:30pm"),
        (utc(2027, 1, 14, 9, 5), "14 January 2027 at 9:05am"),
        (utc(2027, 6, 3, 11, 0), "3 June 2027 at midday"),
        (utc(2027, 6, 2, 23, 0), "3 June 2027 at midnight"),
        (utc(2027, 1, 14, 0, 0), "14 January 2027 at midnight"),
        (utc(2027, 1, 14, 0, 30), "14 January 2027 at 12:30am"),
        (utc(2027, 1, 14, 12, 45), "14 January 2027 at 12:45pm"),
    ],
)
def test_moments_are_shown_in_uk_local_time_in_govuk_style(moment: datetime, shown: str) -> None:
    assert format_datetime(moment) == shown


def test_a_meeting_just_after_midnight_in_summer_shows_its_uk_date() -> None:
    half_past_midnight_bst = utc(2027, 6, 2, 23, 30)
    assert format_date(half_past_midnight_bst) == "3 June 2027"
    assert local_date(half_past_midnight_bst) == date(2027, 6, 3)
    assert format_time(half_past_midnight_bst) == "12:30am"


def test_plain_dates_are_shown_as_they_are() -> None:
    assert format_date(date(2027, 6, 3)) == "3 June 2027"


def test_the_template_filters_use_uk_time_and_never_say_utc() -> None:
    env = make_environment()
    rendered = env.from_string(
        "{{ m | datetime }}|{{ m | date }}|{{ m | time }}|{{ m | local_input }}"
    ).render(m=utc(2027, 6, 3, 18, 0))
    assert rendered == "3 June 2027 at 7pm|3 June 2027|7pm|2027-06-03T19:00"
    assert env.from_string("{{ none | datetime }}").render(none=None) == ""


def test_a_local_time_typed_in_summer_is_stored_an_hour_earlier_in_utc() -> None:
    assert parse_local("2027-06-03T19:00") == utc(2027, 6, 3, 18, 0)
    assert parse_local("2027-01-14T19:00") == utc(2027, 1, 14, 19, 0)
    assert format_datetime(parse_local("2027-06-03T19:00")) == "3 June 2027 at 7pm"


def test_a_bare_date_means_the_start_of_that_uk_day() -> None:
    assert parse_local("2027-06-03") == utc(2027, 6, 2, 23, 0)
    assert from_local(date(2027, 1, 14)) == utc(2027, 1, 14, 0, 0)


def test_an_explicit_offset_is_honoured() -> None:
    assert parse_local("2027-06-03T19:00+00:00") == utc(2027, 6, 3, 19, 0)


def test_prefilled_inputs_round_trip_to_the_same_moment() -> None:
    for moment in (utc(2027, 6, 3, 18, 0), utc(2027, 12, 24, 23, 15)):
        assert parse_local(input_value(moment)) == moment
    assert date_input_value(utc(2027, 6, 2, 23, 30)) == "2027-06-03"
    assert input_value(None) == date_input_value(None) == ""


def test_a_time_in_the_spring_gap_is_refused_with_a_message() -> None:
    # Clocks go forward at 01:00 GMT on 28 March 2027: 01:00 to 01:59 never happens.
    with pytest.raises(MissingLocalTime, match="does not exist in UK time"):
        parse_local("2027-03-28T01:30")
    assert parse_local("2027-03-28T00:59") == utc(2027, 3, 28, 0, 59)
    assert parse_local("2027-03-28T02:00") == utc(2027, 3, 28, 1, 0)


def test_a_time_in_the_autumn_overlap_is_read_as_the_earlier_bst_one() -> None:
    # Clocks go back at 02:00 BST on 31 October 2027: 01:30 happens twice; the first is 00:30 UTC.
    assert from_local(date(2027, 10, 31), time(1, 30)) == utc(2027, 10, 31, 0, 30)
    assert format_datetime(utc(2027, 10, 31, 1, 30)) == "31 October 2027 at 1:30am"


def test_nonsense_is_refused() -> None:
    with pytest.raises(LocalTimeError):
        parse_local("next Tuesday")
