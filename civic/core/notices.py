"""Privacy notices, the cookies page and the README's data map, built from the retention register.

Nothing here is written by hand: each line comes from a `PersonalData` entry, a feature's
`SubjectAccess.rules` or a `Cookie`, and every period is read from the setting its deletion job
reads. Change a setting and the notice changes with the behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from civic.config import Settings
from civic.core import csrf, sessions, signins
from civic.core.i18n import SOURCE_LANGUAGE, Text, gettext, ngettext, using
from civic.core.i18n import lazy_gettext as _l
from civic.core.privacy import ACCESS, COOKIES, REGISTER, Cookie, PersonalData, entries_of

# Shown in the reader's language (lazy strings, translated when a page shows them).
TITLES: dict[str, Text] = {
    "site": _l("Staff accounts, email and the service itself"),
    "petitions": _l("Petitions"),
    "priorities": _l("Neighbourhood police priorities"),
    "budgets": _l("Youth budgets"),
    "panels": _l("Community panels"),
    "responses": _l("Answers, follows and ratings"),
    "surveys": _l("Residents' surveys"),
}

RIGHTS: tuple[Text, ...] = (
    _l("ask for a copy of the personal data Civic holds about you (a subject access request)"),
    _l("ask for it to be corrected or erased"),
    _l("withdraw consent to updates at any time, with the link in every email"),
    _l(
        "complain to the Information Commissioner's Office (ico.org.uk) if you are unhappy with how your "
        "data is used"
    ),
)


@dataclass(frozen=True)
class NoticeRow:
    what: str
    purpose: str
    basis: str
    who_sees: str
    kept: str


@dataclass(frozen=True)
class Notice:
    feature: str
    title: str
    rows: list[NoticeRow]
    erasure: tuple[Text, ...]


def title_of(feature: str) -> str:
    return str(TITLES.get(feature, feature.replace("_", " ").capitalize()))


def sentence(text: Text) -> str:
    """The text (in the language of the moment) with its first letter capitalised and the rest
    untouched (Jinja's `capitalize` would lower "UK GDPR" and "IP")."""
    shown = str(text)
    return shown[:1].upper() + shown[1:]


def titles(holdings: Iterable[Any]) -> dict[str, str]:
    """Each holding's feature (anything with a `feature` name) to the title its notice has."""
    return {h.feature: title_of(h.feature) for h in holdings}


def _row(entry: PersonalData, settings: Settings) -> NoticeRow:
    parts = (
        entry.what,
        entry.purpose,
        entry.basis.explained,
        entry.who_sees,
        entry.retention.describe(settings),
    )
    return NoticeRow(*(sentence(part) for part in parts))


def features_with_notices() -> list[str]:
    seen: list[str] = []
    for entry in REGISTER:
        if entry.feature not in seen:
            seen.append(entry.feature)
    return seen


def feature_notice(feature: str, settings: Settings) -> Notice | None:
    entries = entries_of(feature)
    if not entries:
        return None
    rules = next((a.access.rules for a in ACCESS if a.feature == feature), ())
    return Notice(feature, title_of(feature), [_row(e, settings) for e in entries], rules)


def overview(settings: Settings) -> list[Notice]:
    return [n for f in features_with_notices() if (n := feature_notice(f, settings)) is not None]


def controller(settings: Settings) -> dict[str, str]:
    return {"name": settings.value("DATA_CONTROLLER_NAME"), "dpo": settings.value("DPO_CONTACT")}


def _session_lifetime(settings: Settings) -> str:
    return gettext(
        "%(hours)s at most; it stops working after %(minutes)s without use",
        hours=ngettext("%(num)s hour", "%(num)s hours", settings.session_max_hours),
        minutes=ngettext("%(num)s minute", "%(num)s minutes", settings.session_idle_minutes),
    )


CORE_COOKIES = (
    Cookie(
        csrf.COOKIE,
        _l("protects every form from being sent by another website (cross-site request forgery)"),
        lambda _settings: gettext("until you close your browser"),
    ),
    Cookie(
        signins.PENDING_COOKIE,
        _l(
            "remembers, for a few minutes, that a staff member gave their password and must give a second factor"
            " (named __Host-civic_signin on a secure site)"
        ),
        lambda _settings: ngettext("%(num)s minute", "%(num)s minutes", signins.PENDING_MINUTES),
        _l("staff who sign in"),
    ),
    Cookie(
        sessions.COOKIE_NAME,
        _l("keeps a staff member signed in (named __Host-civic_staff on a secure site)"),
        _session_lifetime,
        _l("staff who sign in"),
    ),
)


def cookies(settings: Settings) -> list[dict[str, str]]:
    return [
        {
            "name": c.name,
            "purpose": sentence(c.purpose),
            "lifetime": sentence(c.lifetime(settings)),
            "who": sentence(c.who),
        }
        for c in (*CORE_COOKIES, *COOKIES)
    ]


def data_map(settings: Settings) -> str:
    """The README's data map: a markdown table, one row per register entry, periods at their defaults."""
    lines = [
        "| where | personal data | purpose | lawful basis | kept |",
        "|---|---|---|---|---|",
    ]
    with using(SOURCE_LANGUAGE):  # the README is in English
        for entry in REGISTER:
            columns = ", ".join(f"`{c}`" for c in entry.columns)
            lines.append(
                f"| `{entry.table}` ({columns}) | {entry.what} | {entry.purpose} | {entry.basis.value} | "
                f"{entry.retention.describe(settings)} |"
            )
    return "\n".join(lines) + "\n"
