"""Parsing and validating petition forms into values and a field -> message map."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData

from civic.core.areas import OUTSIDE_WARDS, PostcodeError, lookup_postcode
from civic.core.choices import Pair
from civic.core.forms import Errors, check_email, check_length, check_no_formula, check_no_link, text
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.identity import canonical_email
from civic.core.localtime import from_local
from civic.petitions.models import REASONS_BY_CODE, REJECTION_REASONS

# Moderators' choices, as pairs for civic.core.choices.options; a rejection reason carries its hint.
DECISION_PAIRS: list[Pair] = [
    ("approve", _l("Approve and open for signatures")),
    ("reject", _l("Reject (choose a reason below)")),
    ("flag", _l("Flag for a second opinion")),
]
REASON_PAIRS: list[Pair] = [
    (r.code, _l("%(reason)s (not published)", reason=r.label) if r.hidden else r.label, r.description)
    for r in REJECTION_REASONS
]

# Residents' choices; those naming the council are built with its short name from the settings.
NOTIFY_PAIRS: list[Pair] = [("yes", _l("Email me when the council responds or debates this petition"))]


def residency_pairs(council_short_name: str) -> list[Pair]:
    """How a signer is connected to the area (checked in web_sign: live or work_study)."""
    return [
        ("live", gettext("I live in %(place)s", place=council_short_name)),
        ("work_study", gettext("I work or study in %(place)s but live elsewhere", place=council_short_name)),
    ]


def works_here_pairs(council_short_name: str) -> list[Pair]:
    """The creator's box for living outside the area but working or studying in it."""
    return [("yes", gettext("I work or study in %(place)s", place=council_short_name))]


PETITION_FIELDS = ("action", "background", "additional_details")
CREATOR_FIELDS = ("name", "email", "postcode")
DEBATE_TIME = time(18)  # the stored time of a debate entered as a date only
LIMITS = {"action": 80, "background": 300, "additional_details": 800, "name": 120}
LABELS = {
    "action": _l("what you want the council to do"),
    "background": _l("why you want the council to do it"),
    "additional_details": _l("more details"),
    "name": _l("your name"),
    "email": _l("your email address"),
    "postcode": _l("your postcode"),
}


def values_of(form: FormData, fields: tuple[str, ...]) -> dict[str, str]:
    return {name: text(form, name) for name in fields}


def check_petition(values: dict[str, str]) -> Errors:
    errors: Errors = {}
    for field in PETITION_FIELDS:
        required = field != "additional_details"
        check_length(errors, field, values[field], LABELS[field], maximum=LIMITS[field], required=required)
        check_no_formula(errors, field, values[field], LABELS[field])
    return errors


def check_person(values: dict[str, str]) -> Errors:
    errors: Errors = {}
    check_length(errors, "name", values["name"], LABELS["name"], maximum=LIMITS["name"])
    check_no_formula(errors, "name", values["name"], LABELS["name"])
    check_no_link(errors, "name", values["name"], LABELS["name"])
    check_email(errors, "email", values["email"])
    check_no_formula(errors, "email", values["email"], LABELS["email"])
    if not values["postcode"]:
        errors["postcode"] = gettext("Enter your postcode")
    return errors


async def resolve_ward(
    session: AsyncSession, values: dict[str, str], errors: Errors, *, outside_allowed: bool
) -> str:
    """The signer's ward code, OUTSIDE_WARDS for people who only work or study here, or '' on error."""
    if "postcode" in errors:
        return ""
    try:
        match = await lookup_postcode(session, values["postcode"])
    except PostcodeError as exc:
        errors["postcode"] = str(exc)
        return ""
    values["postcode"] = match.postcode
    if match.ward is not None:
        return match.ward.code
    if outside_allowed:
        return OUTSIDE_WARDS
    errors["postcode"] = gettext(
        "%(postcode)s is not in the council's area. If you work or study here, say so below.",
        postcode=match.postcode,
    )
    return ""


def canonical(values: dict[str, str]) -> str:
    return canonical_email(values["email"])


def check_rejection(decision: str, code: str, details: str) -> Errors:
    errors: Errors = {}
    if decision not in {"approve", "reject", "flag"}:
        errors["decision"] = gettext("Choose approve, reject or flag")
    elif decision == "reject" and code not in REASONS_BY_CODE:
        errors["reason_code"] = gettext("Choose a reason for rejecting the petition")
    check_length(errors, "details", details, _l("details"), maximum=2000, required=False)
    return errors


def parse_day(raw: str, errors: Errors, field: str) -> datetime | None:
    if not raw:
        return None
    try:
        # Debates are held in the evening; 6pm UK time keeps the stored moment on the typed date.
        return from_local(date.fromisoformat(raw), DEBATE_TIME)
    except ValueError:
        errors[field] = gettext("Enter a date like 2027-03-14")
        return None


def check_link(errors: Errors, field: str, value: str) -> None:
    if value and not value.startswith(("https://", "http://")):
        errors[field] = gettext("Enter a web address starting with https://")
    elif len(value) > 500:
        errors[field] = gettext("The web address must be 500 characters or fewer")
