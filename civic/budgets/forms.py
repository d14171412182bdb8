"""Parsing and validating the youth budgets forms into values and field -> message maps."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.datastructures import FormData

from civic.budgets.models import (
    AGE_BANDS,
    BALLOT_TYPE_LABELS,
    DELIVERY_STATUS_LABELS,
    FEASIBILITY_LABELS,
    RULE_LABELS,
    BallotType,
    BudgetArea,
    BudgetIdea,
    BudgetProcess,
    DeliveryStatus,
    Feasibility,
    TallyRule,
)
from civic.core.areas import Ward
from civic.core.forms import Errors, check_email, check_length, check_no_formula, check_no_link, text
from civic.core.i18n import current as current_language
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.localtime import LocalTimeError, MissingLocalTime, parse_local
from civic.core.templating import format_date

# Option lists as (value, text) pairs; templates pick the chosen one with civic.core.choices.options.
Pairs = list[tuple[object, object]]
BAND_PAIRS: Pairs = [("", _l("Mixed")), *((band, band) for band in AGE_BANDS)]
OWN_AGE_PAIRS: Pairs = [("", _l("Prefer not to say")), *((band, band) for band in AGE_BANDS)]
BALLOT_TYPE_PAIRS: Pairs = [(b.value, BALLOT_TYPE_LABELS[b.value]) for b in BallotType]
RULE_PAIRS: Pairs = [(r.value, RULE_LABELS[r.value]) for r in TallyRule]
FEASIBILITY_PAIRS: Pairs = [(f.value, FEASIBILITY_LABELS[f.value]) for f in Feasibility]
DELIVERY_STATUS_PAIRS: Pairs = [(s.value, DELIVERY_STATUS_LABELS[s.value]) for s in DeliveryStatus]
CODE_FORMAT_PAIRS: Pairs = [("cards", _l("Cards to print")), ("csv", _l("CSV file"))]


def area_pairs(areas: list[BudgetArea]) -> Pairs:
    """A process's areas to choose from, with an empty first choice that the form refuses; none
    when the process has no areas (the page then asks nothing)."""
    if not areas:
        return []
    return [("", gettext("Choose an area")), *((area.id, area.name) for area in areas)]


def idea_pairs(ideas: list[BudgetIdea]) -> Pairs:
    """Published ideas a proposal can come from; one already in a proposal says so."""
    return [
        (i.id, gettext("%(title)s (already in a proposal)", title=i.title) if i.proposal_id else i.title)
        for i in ideas
    ]


def eligible_pairs(process: BudgetProcess, council_short_name: str) -> Pairs:
    """The one box a voter ticks to say they may vote in this process."""
    label = gettext(
        "I am aged %(low)s to %(high)s on %(date)s, and I live, study or work in %(place)s",
        low=process.age_min,
        high=process.age_max,
        date=format_date(process.age_as_of),
        place=council_short_name,
    )
    return [("yes", label)]


PHASE_FIELDS = (
    ("ideas_open_at", _l("Ideas open")),
    ("review_at", _l("Ideas close and checking starts")),
    ("voting_opens_at", _l("Voting opens")),
    ("voting_closes_at", _l("Voting closes")),
    ("delivery_at", _l("Delivery starts")),
)


def whole_number(
    errors: Errors, form: FormData, name: str, label: object, *, low: int = 0, high: int = 10**9
) -> int:
    raw = text(form, name).replace(",", "").replace("£", "")
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        message = gettext(
            "Enter %(label)s as a whole number from %(low)s to %(high)s",
            label=label,
            low=format(low, ","),
            high=format(high, ","),
        )
        errors.setdefault(name, message)
        return 0
    return int(raw)


def parse_datetime(errors: Errors, form: FormData, name: str, label: object) -> datetime:
    """A phase start typed in UK local time."""
    try:
        return parse_local(text(form, name))
    except MissingLocalTime as exc:
        errors.setdefault(name, str(exc))
    except LocalTimeError:
        errors.setdefault(
            name,
            gettext(
                "Enter when %(phase)s as a date and time in UK time, like 2027-03-01 09:00",
                phase=str(label).lower(),
            ),
        )
    return datetime.min.replace(tzinfo=UTC)


def parse_phases(form: FormData) -> tuple[dict[str, datetime], Errors]:
    errors: Errors = {}
    dates = {name: parse_datetime(errors, form, name, label) for name, label in PHASE_FIELDS}
    if not errors:
        values = list(dates.values())
        if any(a >= b for a, b in itertools.pairwise(values)):
            errors["review_at"] = gettext("Each phase must start after the one before it")
    return dates, errors


def parse_idea(form: FormData, process_id: int, now: datetime) -> tuple[BudgetIdea, Errors]:
    errors: Errors = {}
    title, body = text(form, "title"), text(form, "body")
    first_name, age_band, email = (
        text(form, "first_name"),
        text(form, "age_band"),
        text(form, "email").lower(),
    )
    check_length(errors, "title", title, gettext("a short name for your idea"), maximum=120)
    check_length(errors, "body", body, gettext("what your idea is and where"), maximum=2000)
    check_length(errors, "first_name", first_name, gettext("your first name"), maximum=60, required=False)
    for field, value, label in (
        ("title", title, gettext("the name")),
        ("body", body, gettext("the description")),
        ("first_name", first_name, gettext("your first name")),
    ):
        check_no_formula(errors, field, value, label)
    check_no_link(errors, "title", title, gettext("the name"))
    if age_band and age_band not in AGE_BANDS:
        errors["age_band"] = gettext("Choose an age group from the list")
    if email:
        check_email(errors, "email", email)
    idea = BudgetIdea(
        process_id=process_id,
        title=title,
        body=body,
        first_name=first_name,
        age_band=age_band,
        email=email or None,
        lang=current_language(),
        created_at=now,
    )
    return idea, errors


def parse_assessment(form: FormData) -> tuple[int, Feasibility, str, Errors]:
    errors: Errors = {}
    cost = whole_number(errors, form, "cost", gettext("the cost in pounds"), low=0, high=10_000_000)
    raw = text(form, "feasibility")
    feasibility = Feasibility(raw) if raw in {f.value for f in Feasibility} else Feasibility.PENDING
    reason = text(form, "reason")
    check_length(
        errors,
        "reason",
        reason,
        gettext("the public reason"),
        maximum=2000,
        required=feasibility == Feasibility.UNFEASIBLE,
    )
    if feasibility == Feasibility.FEASIBLE and cost == 0 and "cost" not in errors:
        errors["cost"] = gettext("Enter the cost of a feasible project")
    return cost, feasibility, reason, errors


def parse_ballot_settings(form: FormData) -> tuple[dict[str, object], Errors]:
    errors: Errors = {}
    raw_type = text(form, "ballot_type")
    if raw_type not in {b.value for b in BallotType}:
        errors["ballot_type"] = gettext("Choose the kind of ballot")
    raw_rule = text(form, "rule") or "greedy"
    if raw_rule not in {r.value for r in TallyRule}:
        errors["rule"] = gettext("Choose how votes are counted")
    values: dict[str, object] = {
        "ballot_type": BallotType(raw_type) if "ballot_type" not in errors else BallotType.APPROVAL,
        "rule": TallyRule(raw_rule) if "rule" not in errors else TallyRule.GREEDY,
        "min_choices": whole_number(
            errors, form, "min_choices", gettext("the fewest projects"), low=1, high=50
        ),
        "max_choices": whole_number(
            errors, form, "max_choices", gettext("the most projects"), low=1, high=50
        ),
        "min_share_percent": whole_number(
            errors, form, "min_share_percent", gettext("the minimum share"), low=0, high=100
        ),
        "age_min": whole_number(errors, form, "age_min", gettext("the youngest age"), low=5, high=30),
        "age_max": whole_number(errors, form, "age_max", gettext("the oldest age"), low=5, high=30),
    }
    if not errors and int(str(values["min_choices"])) > int(str(values["max_choices"])):
        errors["max_choices"] = gettext("The most projects must be at least the fewest")
    if not errors and int(str(values["age_min"])) > int(str(values["age_max"])):
        errors["age_max"] = gettext("The oldest age must be at least the youngest")
    return values, errors


AREAS_FORMAT = _l(
    "Write each area on its own line as Name: budget, like Northgate School: 5000, "
    "or with the wards it covers, like North: 20000: Abbey, Castle"
)


@dataclass(frozen=True)
class AreaLine:
    """One line of the areas box: a name, its budget and the wards it covers, as written."""

    name: str
    budget: int
    wards: tuple[str, ...] = ()


def parse_areas(raw: str) -> tuple[list[AreaLine], str | None]:
    """Lines of `Name: budget` or `Name: budget: Ward, Ward`; empty means one budget for the process."""
    areas = []
    for line in raw.strip().splitlines():
        if line.strip():
            area = _area_line(line)
            if area is None:
                return [], str(AREAS_FORMAT)
            areas.append(area)
    return areas, None


def _pounds(raw: str) -> int | None:
    amount = raw.strip().replace(",", "").replace("£", "")
    return int(amount) if amount.isdigit() else None


def _area_line(line: str) -> AreaLine | None:
    rest, _, last = line.rpartition(":")
    if (budget := _pounds(last)) is not None:  # Name: budget (a name may itself hold a colon)
        return AreaLine(rest.strip()[:120], budget) if rest.strip() else None
    name, _, amount = rest.rpartition(":")
    wards = tuple(w.strip() for w in last.split(",") if w.strip())
    budget = _pounds(amount)
    if not name.strip() or budget is None or not wards:
        return None
    return AreaLine(name.strip()[:120], budget, wards)


def area_wards(areas: list[AreaLine], wards: list[Ward]) -> tuple[dict[str, list[str]], str | None]:
    """Each area's ward codes, from the names (or codes) written after its budget; an area named
    exactly like a ward, with none written, covers that ward. A ward may be in one area only."""
    by_key = {w.name.casefold(): w.code for w in wards} | {w.code.casefold(): w.code for w in wards}
    covered: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for area in areas:
        written = area.wards or ((area.name,) if area.name.casefold() in by_key else ())
        for name in written:
            code = by_key.get(name.casefold())
            if code is None:
                return (
                    {},
                    gettext(
                        "%(name)s is not one of the council's wards: use a ward name from the list under the box",
                        name=name,
                    ),
                )
            if code in owner and owner[code] != area.name:
                message = gettext(
                    "%(name)s is in both %(first)s and %(second)s; a ward can be in one area only",
                    name=name,
                    first=owner[code],
                    second=area.name,
                )
                return {}, message
            owner[code] = area.name
            covered.setdefault(area.name, []).append(code)
    return covered, None
