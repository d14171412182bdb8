"""Panel decisions and minutes in the other offered languages (civic/core/content_languages.py).

What the clerk records is in the council's default language; its versions hang off the row that holds
the text: the decision's, or the minutes version's (so a correction, a new row, needs its own). A
decision is public as soon as it is recorded, so a council that publishes in every language needs its
versions when it is recorded, and again before the minutes announce the meeting's decisions; the
minutes need theirs before they are published."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core import content_languages
from civic.core.content_languages import Localised, Versions
from civic.core.db import row_id
from civic.core.i18n import LazyString, gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.users import StaffUser
from civic.panels import service_journal
from civic.panels.models import Decision, MinutesVersion
from civic.panels.procedure import ProcedureError

KIND = "panel_decision"
FIELDS = ("text", "reasons", "alternatives")
MAXIMUM = 4000  # as the decision's own fields (civic/panels/forms.py)
OPEN_DATA_NAMES = {"text": "decision", "reasons": "reasons", "alternatives": "alternatives"}
MINUTES_KIND = "panel_minutes_version"
MINUTES_FIELDS = ("body",)

MISSING: dict[tuple[str, str], LazyString] = {
    ("text", "cy"): _l("Add the Welsh version of the decision before publishing it."),
    ("reasons", "cy"): _l("Add the Welsh version of the reasons for the decision before publishing it."),
    ("alternatives", "cy"): _l("Add the Welsh version of the alternatives considered before publishing it."),
    ("text", "en"): _l("Add the English version of the decision before publishing it."),
    ("reasons", "en"): _l("Add the English version of the reasons for the decision before publishing it."),
    ("alternatives", "en"): _l(
        "Add the English version of the alternatives considered before publishing it."
    ),
    ("body", "cy"): _l("Add the Welsh version of the minutes before publishing them."),
    ("body", "en"): _l("Add the English version of the minutes before publishing them."),
}


def other_languages(settings: Settings) -> tuple[str, ...]:
    return content_languages.other_languages(settings, settings.default_language)


def labels() -> list[tuple[str, str, int]]:
    """The version boxes: (field, label, rows), in the language of the moment."""
    return [
        ("text", gettext("Decision"), 3),
        ("reasons", gettext("Reasons"), 5),
        ("alternatives", gettext("Alternatives considered"), 3),
    ]


def minutes_labels() -> list[tuple[str, str, int]]:
    return [("body", gettext("Minutes"), 20)]


def form_versions(
    settings: Settings, form: Mapping[str, str], fields: Iterable[str] = FIELDS
) -> dict[str, dict[str, str]]:
    """The version boxes of a form, by language then field."""
    fields = tuple(fields)
    return {
        lang: content_languages.version_form_values(form, fields, lang) for lang in other_languages(settings)
    }


def check(texts: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Errors keyed by box (`reasons__cy`): the same limit as the decision's own text."""
    return {
        f"{field}__{lang}": gettext("The version must be %(max)s characters or fewer", max=f"{MAXIMUM:,}")
        for lang, fields in texts.items()
        for field in FIELDS
        if len(fields.get(field, "")) > MAXIMUM
    }


async def save_versions(
    session: AsyncSession,
    item: Decision | MinutesVersion,
    texts: Mapping[str, Mapping[str, str]],
    *,
    actor: StaffUser | None,
    now: datetime,
) -> None:
    """Store a decision's or a minutes version's versions (lang -> field -> text) and note a real
    change in the log."""
    kind = KIND if isinstance(item, Decision) else MINUTES_KIND
    changed = [
        lang
        for lang, fields in texts.items()
        if await content_languages.save(session, kind, row_id(item), lang, dict(fields), at=now)
    ]
    if changed:
        await service_journal.log(session, actor, "versions_saved", item, now=now, reason=", ".join(changed))


async def minutes_versions(
    session: AsyncSession, settings: Settings, minutes: MinutesVersion | None
) -> dict[str, dict[str, str]]:
    """A minutes version's versions, by language: what the clerk's boxes show."""
    if minutes is None:
        return {}
    stored = await content_languages.load(session, MINUTES_KIND, [row_id(minutes)])
    return {lang: stored.of_item(row_id(minutes), MINUTES_FIELDS, lang) for lang in other_languages(settings)}


async def require_minutes(session: AsyncSession, settings: Settings, minutes: MinutesVersion) -> None:
    """When the council publishes in every language: refuse while the minutes lack a version."""
    if not settings.publish_in_all_languages:
        return
    stored = await content_languages.load(session, MINUTES_KIND, [row_id(minutes)])
    sources = {"body": minutes.body}
    found = content_languages.missing(settings, stored, row_id(minutes), sources, settings.default_language)
    if found:
        raise ProcedureError(" ".join(_missing(field, lang) for field, lang in found))


async def require_all(
    session: AsyncSession, settings: Settings, decisions: Iterable[Decision], *, on_box: bool = True
) -> None:
    """When the council publishes in every language: refuse (a ProcedureError, on the first missing
    box when `on_box`, else on the form's own field) while any of these decisions lacks a version."""
    if not settings.publish_in_all_languages:
        return
    decisions = list(decisions)
    stored = await content_languages.load(session, KIND, [row_id(d) for d in decisions])
    for decision in decisions:
        sources = {field: getattr(decision, field) for field in FIELDS}
        found = content_languages.missing(
            settings, stored, row_id(decision), sources, settings.default_language
        )
        if found:
            field, lang = found[0]
            message = " ".join(_missing(f, lang) for f, lang in found)
            raise ProcedureError(message, field=f"{field}__{lang}" if on_box else None)


def _missing(field: str, lang: str) -> str:
    known = MISSING.get((field, lang))
    if known is not None:
        return str(known)
    return gettext(
        "Add the version in %(language)s of “%(field)s” before publishing.", language=lang, field=field
    )


def localise_all(
    stored: Versions, decisions: Iterable[Decision], settings: Settings, lang: str
) -> list[Localised]:
    return [stored.localise(d, FIELDS, settings.default_language, lang) for d in decisions]
