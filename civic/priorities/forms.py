"""Parsing the priorities forms into values and a field -> message map."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from starlette.datastructures import FormData

from civic.core.areas import PostcodeError, normalise_postcode
from civic.core.forms import Errors, check_email, check_length, check_no_formula, check_no_link, text
from civic.core.i18n import gettext, ngettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.localtime import LocalTimeError, MissingLocalTime, from_local, parse_local

__all__ = ["BallotForm", "RoundForm", "text"]
from civic.priorities.models import (
    CATEGORY_LABELS,
    PRIORITY_STATUS_LABELS,
    Category,
    Method,
    PriorityRound,
    PriorityStatus,
)

# Option lists as (value, text) pairs; templates pick the chosen one with civic.core.choices.options.
Pairs = list[tuple[object, object]]
CATEGORY_PAIRS: Pairs = [("", _l("Choose a type")), *CATEGORY_LABELS.items()]
CANDIDATE_CATEGORY_PAIRS: Pairs = [("", _l("Choose a category")), *CATEGORY_LABELS.items()]
STATUS_PAIRS: Pairs = [(s.value, PRIORITY_STATUS_LABELS[s.value]) for s in PriorityStatus]
METHOD_PAIRS: Pairs = [
    ("approval", _l("Pick up to the number of choices (one vote each)")),
    ("ranked", _l("Ranked (Borda points)")),
]
ROUND_METHOD_PAIRS: Pairs = [
    ("approval", _l("Pick up to the number of choices")),
    ("ranked", _l("Ranked (Borda points)")),
]
OPENS_AUTOMATICALLY_PAIRS: list[tuple[object, object, object]] = [
    (
        "yes",
        _l("Open voting by itself at the opening time"),
        _l(
            "Only if it has at least two candidate issues and no suggestions waiting. "
            "Voting always closes by itself at the closing time."
        ),
    )
]


def parse_date(errors: Errors, form: FormData, name: str, label: object) -> datetime | None:
    """A date field, stored as the start of that day in UK local time so it shows as the same date."""
    raw = text(form, name)
    try:
        return from_local(date.fromisoformat(raw))
    except ValueError:
        errors.setdefault(name, gettext("Enter %(label)s as a date, like 2027-03-31", label=label))
        return None


def parse_moment(errors: Errors, form: FormData, name: str, label: object) -> datetime | None:
    """A date-and-time field in UK local time (a bare date means its start)."""
    try:
        return parse_local(text(form, name))
    except MissingLocalTime as exc:
        errors.setdefault(name, str(exc))
    except LocalTimeError:
        errors.setdefault(
            name, gettext("Enter %(label)s as a date and time in UK time, like 2027-03-31 23:59", label=label)
        )
    return None


def parse_int(errors: Errors, form: FormData, name: str, label: object, *, low: int, high: int) -> int:
    raw = text(form, name) or "0"
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        message = gettext(
            "%(label)s must be a whole number from %(low)s to %(high)s", label=label, low=low, high=high
        )
        errors.setdefault(name, message)
        return low
    return int(raw)


def parse_category(errors: Errors, form: FormData, name: str = "category") -> Category:
    try:
        return Category(text(form, name))
    except ValueError:
        errors.setdefault(name, gettext("Choose a category"))
        return Category.OTHER


def check_text(
    errors: Errors, name: str, value: str, label: str, *, maximum: int, required: bool = True
) -> None:
    check_length(errors, name, value, label, maximum=maximum, required=required)
    check_no_formula(errors, name, value, label)


@dataclass
class BallotForm:
    email: str = ""
    postcode: str = ""
    works_here: bool = False
    opt_in: bool = False
    choices: list[int] = field(default_factory=list)
    errors: Errors = field(default_factory=dict)


def parse_ballot(form: FormData, item: PriorityRound) -> BallotForm:
    ballot = BallotForm(
        email=text(form, "email"),
        postcode=text(form, "postcode"),
        works_here=text(form, "works_here") == "yes",
        opt_in=text(form, "opt_in") == "yes",
    )
    ballot.choices = parse_choices(ballot.errors, form, item)
    check_email(ballot.errors, "email", ballot.email)
    check_postcode(ballot.errors, ballot.postcode, gettext("Enter your postcode"))
    return ballot


def parse_choices(errors: Errors, form: FormData, item: PriorityRound) -> list[int]:
    """The candidate ids chosen on a ballot form (ranked: `rank_1`..; approval: `choices`)."""
    if item.method == Method.RANKED:
        raw = [text(form, f"rank_{n}") for n in range(1, item.choices + 1)]
        picked = [r for r in raw if r]
        if any(raw[i] == "" and raw[i + 1] != "" for i in range(len(raw) - 1)):
            errors["choices"] = gettext("Fill your preferences in order, starting with your first choice")
    else:
        picked = [str(v) for v in form.getlist("choices")]
    if not all(p.isdigit() and len(p) < 11 for p in picked):
        errors.setdefault("choices", gettext("Choose from the list"))
        return []
    choices = [int(p) for p in picked]
    if not choices:
        errors.setdefault("choices", gettext("Choose at least one issue"))
    elif len(set(choices)) != len(choices):
        errors.setdefault("choices", gettext("Choose each issue only once"))
    elif len(choices) > item.choices:
        errors.setdefault(
            "choices",
            ngettext("Choose no more than %(num)s issue", "Choose no more than %(num)s issues", item.choices),
        )
    return choices


def check_postcode(errors: Errors, postcode: str, missing: str) -> None:
    if not postcode:
        errors.setdefault("postcode", missing)
        return
    try:
        normalise_postcode(postcode)
    except PostcodeError as exc:
        errors.setdefault("postcode", str(exc))


@dataclass
class AssistedForm:
    """A vote a member of staff records for a resident: no email; the name only recognises a repeat."""

    name: str = ""
    postcode: str = ""
    works_here: bool = False
    consent: bool = False
    choices: list[int] = field(default_factory=list)
    errors: Errors = field(default_factory=dict)


def parse_assisted(form: FormData, item: PriorityRound) -> AssistedForm:
    ballot = AssistedForm(
        name=text(form, "name"),
        postcode=text(form, "postcode"),
        works_here=text(form, "works_here") == "yes",
        consent=text(form, "consent") == "yes",
    )
    ballot.choices = parse_choices(ballot.errors, form, item)
    check_length(ballot.errors, "name", ballot.name, gettext("the resident's name"), maximum=120)
    check_postcode(ballot.errors, ballot.postcode, gettext("Enter the resident's postcode"))
    if not ballot.consent:
        ballot.errors["consent"] = gettext("Confirm the resident asked you to vote for them and agreed")
    return ballot


@dataclass
class RoundForm:
    title: str
    neighbourhood: str
    opens_at: datetime | None
    closes_at: datetime | None
    choices: int
    top_n: int
    method: Method
    opens_automatically: bool
    raw: dict[str, str]


def parse_round(form: FormData, *, choose_neighbourhood: bool) -> tuple[RoundForm, Errors]:
    errors: Errors = {}
    raw = {
        k: text(form, k)
        for k in (
            "title",
            "neighbourhood",
            "opens_at",
            "closes_at",
            "choices",
            "top_n",
            "method",
            "opens_automatically",
        )
    }
    check_text(errors, "title", raw["title"], gettext("a title"), maximum=160)
    if choose_neighbourhood and not raw["neighbourhood"]:
        errors["neighbourhood"] = gettext("Choose a neighbourhood")
    try:
        method = Method(raw["method"] or "approval")
    except ValueError:
        errors["method"] = gettext("Choose how votes are counted")
        method = Method.APPROVAL
    values = RoundForm(
        title=raw["title"],
        neighbourhood=raw["neighbourhood"],
        opens_at=parse_moment(errors, form, "opens_at", gettext("when voting opens")),
        closes_at=parse_moment(errors, form, "closes_at", gettext("when voting closes")),
        choices=parse_int(errors, form, "choices", gettext("Choices per voter"), low=1, high=10),
        top_n=parse_int(errors, form, "top_n", gettext("Number of priorities"), low=1, high=10),
        method=method,
        opens_automatically=raw["opens_automatically"] == "yes",
        raw=raw,
    )
    return values, errors


def parse_candidate(form: FormData) -> tuple[dict[str, object], Errors]:
    errors: Errors = {}
    category = parse_category(errors, form)
    title, description = text(form, "title"), text(form, "description")
    check_text(errors, "title", title, gettext("the issue"), maximum=120)
    check_text(errors, "description", description, gettext("where and when"), maximum=600, required=False)
    return {"category": category, "title": title, "description": description}, errors


def parse_suggestion(form: FormData) -> tuple[dict[str, object], Errors]:
    errors: Errors = {}
    category = parse_category(errors, form)
    body = text(form, "text")
    check_text(errors, "text", body, gettext("the issue and where it happens"), maximum=600)
    check_no_link(errors, "text", body, gettext("Your suggestion"))
    return {"category": category, "text": body}, errors


def parse_priority(form: FormData) -> tuple[dict[str, object], Errors]:
    errors: Errors = {}
    values: dict[str, object] = {k: text(form, k) for k in ("owner", "target", "text")}
    check_text(errors, "owner", str(values["owner"]), gettext("who owns this priority"), maximum=120)
    check_text(errors, "target", str(values["target"]), gettext("the target"), maximum=600, required=False)
    check_text(errors, "text", str(values["text"]), gettext("the update"), maximum=2000, required=False)
    values["review_on"] = parse_date(errors, form, "review_on", gettext("the review date"))
    try:
        values["status"] = PriorityStatus(text(form, "status"))
    except ValueError:
        errors["status"] = gettext("Choose a status")
    return values, errors
