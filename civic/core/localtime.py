"""UK local time: the one place where stored UTC meets the clock on a resident's wall.

Civic stores every moment in UTC. People read and type times in Europe/London (GMT in winter, BST in
summer), so pages show local time and staff forms read what is typed as local time. Machine-readable
outputs (JSON, CSV, Atom, iCalendar) stay in ISO 8601 UTC and do not come through here.

Clock changes: in the spring gap (01:00 to 01:59 on the last Sunday in March) no local time exists, so
parsing refuses it with a message for the form. In the autumn overlap (01:00 to 01:59 on the last Sunday
in October happens twice) the earlier, BST, reading is taken.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from babel import dates as babel_dates

from civic.core.i18n import gettext

LONDON = ZoneInfo("Europe/London")
INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and expects


class LocalTimeError(ValueError):
    """A typed value that is not a date and time at all."""


class MissingLocalTime(LocalTimeError):
    """A real date and time that never happens in the UK (the spring gap); the message is for the form."""


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


def local_date(moment: datetime) -> date:
    return to_local(moment).date()


def from_local(day: date, at: time = time()) -> datetime:
    """The UTC moment of a wall-clock date and time in the UK; fold=0 picks BST in the autumn overlap."""
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    moment = wall.replace(tzinfo=LONDON).astimezone(UTC)
    if to_local(moment).replace(tzinfo=None) != wall:
        raise MissingLocalTime(
            gettext(
                "%(time)s on %(date)s does not exist in UK time because the clocks go forward; "
                "enter a time from 02:00",
                time=format(wall, "%H:%M"),
                date=str(day.day) + " " + format(wall, "%B %Y"),
            )
        )
    return moment


def parse_local(raw: str) -> datetime:
    """A date-and-time field ("2027-06-03T19:00") or a bare date (meaning its local midnight), to UTC.

    Offsets typed or sent by a client are honoured as given, so an explicit UTC value stays UTC.
    """
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise LocalTimeError("not a date and time") from None
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    return from_local(value.date(), value.time())


def input_value(moment: datetime | None) -> str:
    """The value that prefills a datetime-local input, in UK local time."""
    return "" if moment is None else to_local(moment).strftime(INPUT_FORMAT)


def date_input_value(moment: datetime | None) -> str:
    """The value that prefills a date input: the UK local date of the moment."""
    return "" if moment is None else local_date(moment).isoformat()


# GOV.UK style in each language: Welsh keeps "7pm" and "5:30pm" (as Welsh-language GOV.UK pages do),
# with its own words for the hours that have names and for "at".
_NAMED_HOURS = {
    "en": ("midnight", "midday"),
    "cy": ("canol nos", "canol dydd"),
}
_AT = {"en": "at", "cy": "am"}


def _base(lang: str) -> str:
    return lang.split("_")[0]


def format_time(moment: datetime, lang: str = "en") -> str:
    """GOV.UK style: "7pm", "5:30pm", "midday", "midnight" (Welsh: "canol dydd", "canol nos")."""
    local = to_local(moment)
    if local.minute == 0 and local.hour in (0, 12):
        midnight, midday = _NAMED_HOURS.get(_base(lang), _NAMED_HOURS["en"])
        return midnight if local.hour == 0 else midday
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def format_date(value: date | datetime, lang: str = "en") -> str:
    """Like 3 June 2027 (Welsh: 3 Mehefin 2027): a moment is shown by its UK date, a plain date as it
    is. Month names come from Babel's locale data (CLDR)."""
    day = local_date(value) if isinstance(value, datetime) else value
    if _base(lang) == "en":
        return f"{day.day} {day:%B %Y}"
    return babel_dates.format_date(day, "d MMMM y", locale=_base(lang))


def format_datetime(moment: datetime, lang: str = "en") -> str:
    """Like 3 June 2027 at 7pm (Welsh: 3 Mehefin 2027 am 7pm), in UK local time."""
    at = _AT.get(_base(lang), "at")
    return f"{format_date(moment, lang)} {at} {format_time(moment, lang)}"
