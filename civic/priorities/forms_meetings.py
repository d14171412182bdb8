"""Parsing the meeting forms: a team advertising a meeting, a resident saying they are coming, and
the tally after the meeting. Each returns values and a field -> message map."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from starlette.datastructures import FormData

from civic.core.forms import Errors, check_email, check_length, check_no_formula, text
from civic.core.i18n import gettext
from civic.priorities.forms import parse_int, parse_moment
from civic.priorities.models import ACCESS_LABELS, MAX_PARTY, Access, Candidate
from civic.priorities.service_meetings import MeetingDetails

ACCESS_PAIRS: list[tuple[object, object]] = list(ACCESS_LABELS.items())
LONGEST_MEETING = timedelta(hours=8)
AGENDA_MAX = 4000
NOTES_MAX = 4000


def _check_url(errors: Errors, field: str, value: str) -> None:
    if value and (not value.startswith("https://") or any(c.isspace() for c in value) or len(value) > 500):
        errors.setdefault(field, gettext("Enter the joining link as a web address starting https://"))


def parse_details(form: FormData) -> tuple[MeetingDetails | None, Errors]:
    errors: Errors = {}
    starts = parse_moment(errors, form, "starts_at", gettext("when the meeting starts"))
    ends = parse_moment(errors, form, "ends_at", gettext("when the meeting ends"))
    if starts and ends and not starts < ends <= starts + LONGEST_MEETING:
        errors["ends_at"] = gettext("The meeting must end after it starts, and within 8 hours")
    values = {
        name: text(form, name) for name in ("place", "address", "access_notes", "online_url", "details")
    }
    check_length(errors, "place", values["place"], gettext("the venue"), maximum=160)
    check_length(errors, "address", values["address"], gettext("the venue's address"), maximum=300)
    check_length(
        errors, "access_notes", values["access_notes"], gettext("access details"), maximum=600, required=False
    )
    check_length(errors, "details", values["details"], gettext("what will be discussed"), maximum=AGENDA_MAX)
    _check_url(errors, "online_url", values["online_url"])
    access = [Access(v) for v in form.getlist("access") if isinstance(v, str) and v in ACCESS_LABELS]
    if len(access) != len(form.getlist("access")):
        errors["access"] = gettext("Choose access details from the list")
    if errors or starts is None or ends is None:
        return None, errors
    details = MeetingDetails(
        starts_at=starts,
        ends_at=ends,
        place=values["place"],
        address=values["address"],
        access=access,
        access_notes=values["access_notes"],
        online_url=values["online_url"],
        agenda=values["details"],
    )
    return details, errors


@dataclass
class Rsvp:
    name: str
    email: str
    party: int


def parse_rsvp(form: FormData) -> tuple[Rsvp, Errors]:
    errors: Errors = {}
    name, email = text(form, "name"), text(form, "email")
    check_length(errors, "name", name, gettext("your name"), maximum=120, required=False)
    check_no_formula(errors, "name", name, gettext("your name"))
    if email:
        check_email(errors, "email", email)
    party = parse_int(errors, form, "party", gettext("How many people are coming"), low=1, high=MAX_PARTY)
    return Rsvp(name, email, party), errors


@dataclass
class Tally:
    attendance: int
    hands: dict[int, int]
    notes: str


def parse_tally(form: FormData, candidates: list[Candidate]) -> tuple[Tally, Errors]:
    errors: Errors = {}
    attendance = parse_int(errors, form, "attendance", gettext("Attendance"), low=0, high=100_000)
    hands = {
        c.id: parse_int(
            errors, form, f"hands_{c.id}", gettext("Hands for %(issue)s", issue=c.title), low=0, high=100_000
        )
        for c in candidates
        if c.id is not None  # always so for a stored row
    }
    notes = text(form, "note")
    check_length(errors, "note", notes, gettext("notes"), maximum=NOTES_MAX, required=False)
    return Tally(attendance, hands, notes), errors
