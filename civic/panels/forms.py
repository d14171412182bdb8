"""Reading the clerk's and residents' forms into values and field -> message maps."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from starlette.datastructures import FormData

from civic.core.forms import Errors, check_length, check_no_formula, text
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.localtime import MissingLocalTime, date_input_value, from_local, to_local
from civic.panels.links import KINDS
from civic.panels.models import AreaKind, MemberRole, PanelMeeting
from civic.panels.procedure import (
    ActionStatus,
    AttendanceStatus,
    Choice,
    DeclarationAction,
    ProcedureError,
    Tally,
    parse_quorum_rule,
)

# The fixed option lists of the clerk's forms, as (value, text) pairs for civic.core.choices.options;
# the parsers below read the same values back.
VOTING_PAIRS = (("yes", _l("Yes")), ("no", _l("No")))
EXEMPT_PAIRS = (("no", _l("Public")), ("yes", _l("Exempt: only the title is published")))
RECORDED_PAIRS = (("no", _l("No: record the counts")), ("yes", _l("Yes: record each member's vote")))
CASTING_PAIRS = (("", _l("None")), ("for", _l("For")), ("against", _l("Against")))


def parse_date(errors: Errors, field: str, raw: str, label: str, *, required: bool = True) -> date | None:
    if not raw:
        if required:
            errors.setdefault(field, gettext("Enter %(label)s", label=label))
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.setdefault(field, gettext("Enter %(label)s as a real date, like 2027-03-14", label=label))
        return None


def parse_choice(errors: Errors, field: str, raw: str, choices: type[Any], label: str) -> Any:
    try:
        return choices(raw)
    except ValueError:
        errors.setdefault(field, gettext("Choose %(label)s", label=label))
        return None


def parse_int(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _texts(form: FormData, *names: str) -> dict[str, str]:
    return {name: text(form, name) for name in names}


def panel_form(form: FormData) -> tuple[dict[str, Any], Errors]:
    values = _texts(
        form,
        "name",
        "area_kind",
        "area_code",
        "purpose",
        "terms_of_reference",
        "meeting_frequency",
        "quorum_rule",
    )
    errors: Errors = {}
    check_length(errors, "name", values["name"], gettext("the panel's name"), maximum=160)
    check_no_formula(errors, "name", values["name"], gettext("the panel's name"))
    check_length(errors, "purpose", values["purpose"], gettext("the panel's purpose"), maximum=4000)
    check_length(
        errors,
        "terms_of_reference",
        values["terms_of_reference"],
        gettext("terms of reference"),
        maximum=20000,
        required=False,
    )
    check_length(
        errors, "meeting_frequency", values["meeting_frequency"], gettext("how often it meets"), maximum=120
    )
    parse_choice(errors, "area_kind", values["area_kind"], AreaKind, gettext("the area the panel covers"))
    if values["area_kind"] in {"ward", "neighbourhood"} and not values["area_code"]:
        errors.setdefault("area_code", gettext("Choose the ward or neighbourhood"))
    try:
        values["quorum_rule"] = parse_quorum_rule(values["quorum_rule"])
    except ProcedureError as exc:
        errors.setdefault("quorum_rule", str(exc))
    return values, errors


def member_form(form: FormData) -> tuple[dict[str, Any], Errors]:
    values: dict[str, Any] = _texts(form, "name", "role", "voting", "starts_on", "ends_on", "user_id")
    errors: Errors = {}
    check_length(errors, "member-name", values["name"], gettext("the member's name"), maximum=120)
    check_no_formula(errors, "member-name", values["name"], gettext("the member's name"))
    role = parse_choice(errors, "member-role", values["role"], MemberRole, gettext("the member's role"))
    starts = parse_date(
        errors, "member-starts_on", values["starts_on"], gettext("the date the membership starts")
    )
    ends = parse_date(errors, "member-ends_on", values["ends_on"], gettext("the end date"), required=False)
    parsed = {
        "name": values["name"],
        "role": role,
        "voting": values["voting"] == "yes" and role != MemberRole.ADVISER,
        "starts_on": starts,
        "ends_on": ends,
        "user_id": parse_int(values["user_id"]),
    }
    return {"raw": values, **parsed}, errors


def meeting_form(form: FormData) -> tuple[dict[str, Any], Errors]:
    values = _texts(form, "day", "time", "place", "online_url")
    errors: Errors = {}
    check_length(errors, "place", values["place"], gettext("where the meeting is"), maximum=200)
    if values["online_url"] and not values["online_url"].startswith("https://"):
        errors.setdefault("online_url", gettext("An online meeting link must start with https://"))
    check_length(
        errors, "online_url", values["online_url"], gettext("the online link"), maximum=300, required=False
    )
    day = parse_date(errors, "day", values["day"], gettext("the date of the meeting"))
    starts_at: datetime | None = None
    try:
        at = time.fromisoformat(values["time"])
    except ValueError:
        errors.setdefault("time", gettext("Enter the start time in UK time, like 18:30"))
        return {"raw": values, "starts_at": None}, errors
    try:
        starts_at = None if day is None else from_local(day, at)
    except MissingLocalTime as exc:
        errors.setdefault("time", str(exc))
    return {"raw": values, "starts_at": starts_at}, errors


def meeting_values(meeting: PanelMeeting) -> dict[str, str]:
    """A meeting as it stands, in the fields of `meeting_form` (UK time): where rescheduling starts."""
    return {
        "day": date_input_value(meeting.starts_at),
        "time": to_local(meeting.starts_at).strftime("%H:%M"),
        "place": meeting.place,
        "online_url": meeting.online_url,
    }


def item_form(form: FormData) -> tuple[dict[str, Any], Errors]:
    values = _texts(
        form, "title", "body", "exempt", "exempt_reason", "link_kind", "link_ref", "link_label", "late_reason"
    )
    errors: Errors = {}
    check_length(errors, "title", values["title"], gettext("the item's title"), maximum=200)
    check_length(
        errors,
        "late_reason",
        values["late_reason"],
        gettext("the reason it is urgent"),
        maximum=1000,
        required=False,
    )
    check_length(errors, "body", values["body"], gettext("the item's text"), maximum=20000, required=False)
    links = []
    if values["link_kind"]:
        if values["link_kind"] not in KINDS:
            errors.setdefault("link_kind", gettext("Choose what the item is about from the list"))
        check_length(errors, "link_ref", values["link_ref"], gettext("the reference"), maximum=80)
        label = values["link_label"] or values["title"]
        links.append((values["link_kind"], values["link_ref"], label[:200]))
    return {"raw": values, "exempt": values["exempt"] == "yes", "links": links}, errors


def attendance_form(form: FormData, member_ids: list[int]) -> dict[int, tuple[AttendanceStatus, str]]:
    entries = {}
    for member_id in member_ids:
        raw = text(form, f"status-{member_id}")
        if raw:
            status = AttendanceStatus(raw) if raw in set(AttendanceStatus) else AttendanceStatus.ABSENT
            entries[member_id] = (status, text(form, f"substitute-{member_id}")[:120])
    return entries


def declaration_form(form: FormData) -> tuple[dict[str, Any], Errors]:
    values = _texts(form, "member", "item", "nature", "action")
    errors: Errors = {}
    check_length(errors, "nature", values["nature"], gettext("the nature of the interest"), maximum=500)
    action = parse_choice(
        errors, "action", values["action"], DeclarationAction, gettext("what the member did")
    )
    member, item = parse_int(values["member"]), parse_int(values["item"])
    if member is None:
        errors.setdefault("member", gettext("Choose the member"))
    if item is None:
        errors.setdefault("item", gettext("Choose the item"))
    return {"raw": values, "member_id": member, "item_id": item, "action": action}, errors


def motion_form(form: FormData, member_ids: list[int]) -> tuple[dict[str, Any], Errors]:
    values = _texts(
        form, "item", "text", "proposer", "seconder", "recorded", "for", "against", "abstain", "casting"
    )
    errors: Errors = {}
    check_length(errors, "text", values["text"], gettext("the motion"), maximum=4000)
    item, proposer = parse_int(values["item"]), parse_int(values["proposer"])
    if item is None:
        errors.setdefault("motion-item", gettext("Choose the item"))
    if proposer is None:
        errors.setdefault("proposer", gettext("Choose who proposed the motion"))
    casting = Choice(values["casting"]) if values["casting"] in {"for", "against"} else None
    recorded = None
    if values["recorded"] == "yes":
        recorded = {}
        for member_id in member_ids:
            raw = text(form, f"vote-{member_id}")
            if raw in set(Choice):
                recorded[member_id] = Choice(raw)
        counts = [sum(1 for c in recorded.values() if c == choice) for choice in Choice]
    else:
        counts = []
        for name in ("for", "against", "abstain"):
            number = parse_int(values[name] or "0")
            if number is None:
                errors.setdefault(name, gettext("Enter the number of votes as a whole number, like 4"))
            counts.append(number or 0)
    parsed = {
        "item_id": item,
        "text": values["text"],
        "proposer_id": proposer,
        "seconder_id": parse_int(values["seconder"]),
        "tally": Tally(counts[0], counts[1], counts[2], casting),
        "recorded": recorded,
    }
    return {"raw": values, **parsed}, errors


def decision_form(form: FormData) -> tuple[dict[str, Any], Errors]:
    values = _texts(form, "item", "motion", "text", "reasons", "alternatives", "action", "owner", "due_on")
    errors: Errors = {}
    check_length(errors, "decision-text", values["text"], gettext("the decision"), maximum=4000)
    check_length(errors, "reasons", values["reasons"], gettext("the reasons for the decision"), maximum=4000)
    check_length(
        errors,
        "alternatives",
        values["alternatives"],
        gettext("the alternatives"),
        maximum=4000,
        required=False,
    )
    item = parse_int(values["item"])
    if item is None:
        errors.setdefault("decision-item", gettext("Choose the item"))
    actions = []
    if values["action"]:
        check_length(errors, "decision-action", values["action"], gettext("the action"), maximum=500)
        check_length(errors, "owner", values["owner"], gettext("who will act"), maximum=160)
        due = parse_date(errors, "due_on", values["due_on"], gettext("the due date"), required=False)
        actions.append((values["action"], values["owner"], due))
    return {
        "raw": values,
        "item_id": item,
        "motion_id": parse_int(values["motion"]),
        "actions": actions,
    }, errors


def action_update_form(form: FormData) -> tuple[dict[str, Any], Errors]:
    values = _texts(form, "status", "note")
    errors: Errors = {}
    status = parse_choice(errors, "status", values["status"], ActionStatus, gettext("the action's status"))
    check_length(errors, "note", values["note"], gettext("what has happened"), maximum=1000)
    return {"raw": values, "status": status}, errors
