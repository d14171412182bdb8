"""A petition's text in the other offered languages: what the public pages show the reader, the
moderators' page that writes the versions, and the rule that a council publishing in every language
needs them all before a petition opens (civic/core/content_languages.py holds the shared parts)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request

from civic.config import Settings
from civic.core import content_languages
from civic.core.content_languages import Localised
from civic.core.db import reading, row_id
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.languages import lang_of
from civic.petitions.models import Petition

KIND = "petition"
FIELDS = ("action", "background", "additional_details")
# The same limits as the petition's own fields (civic/petitions/models.py).
LIMITS = {"action": 80, "background": 300, "additional_details": 800}
LABELS = {
    "action": _l("What do you want us to do?"),
    "background": _l("Why is this important?"),
    "additional_details": _l("More details"),
}


async def localise(session: AsyncSession, petitions: Iterable[Petition], lang: str) -> list[Localised]:
    """The petitions as a reader in `lang` sees them (one query for all of them)."""
    items = list(petitions)
    versions = await content_languages.load(session, KIND, [row_id(p) for p in items])
    return [versions.localise(p, FIELDS, p.lang, lang) for p in items]


async def localise_one(session: AsyncSession, petition: Petition, lang: str) -> Localised:
    return (await localise(session, [petition], lang))[0]


def sources(petition: Petition) -> dict[str, str]:
    return {field: getattr(petition, field) for field in FIELDS}


async def missing_message(session: AsyncSession, settings: Settings, petition: Petition) -> str | None:
    """Why the petition cannot open yet under PUBLISH_IN_ALL_LANGUAGES, or None when it can."""
    versions = await content_languages.load(session, KIND, [row_id(petition)])
    gaps = content_languages.missing(settings, versions, row_id(petition), sources(petition), petition.lang)
    if not gaps:
        return None
    languages = sorted({str(content_languages.language_version_legend(lang)) for _, lang in gaps})
    return gettext(
        "Add the petition's text in every language before opening it. Missing: %(what)s.",
        what=", ".join(languages),
    )


def check_lengths(texts: dict[str, str], lang: str) -> dict[str, str]:
    """Errors for version boxes longer than the petition's own fields allow, keyed by box name."""
    return {
        f"{field}__{lang}": gettext(
            "%(field)s must be %(limit)s characters or fewer.", field=str(LABELS[field]), limit=LIMITS[field]
        )
        for field, text in texts.items()
        if len(text.strip()) > LIMITS[field]
    }


def form_fields() -> list[tuple[str, Any, int]]:
    """(field, label, rows) for the version boxes on the moderators' page."""
    return [("action", LABELS["action"], 1), ("background", LABELS["background"], 4),
            ("additional_details", LABELS["additional_details"], 6)]  # fmt: skip


async def for_reader(request: Request, petition: Petition) -> Localised:
    """The petition in the reader's language, for a page that has no session of its own open."""
    async with reading(request) as session:
        return await localise_one(session, petition, lang_of(request.scope))


def open_data_languages(settings: Settings) -> tuple[str, ...]:
    """The languages open data gives `<field>_<lang>` columns for: every offered one but the default."""
    return tuple(lang for lang in settings.languages if lang != settings.default_language)


async def open_data_texts(
    session: AsyncSession, petitions: list[Petition], settings: Settings
) -> dict[int, dict[str, str | None]]:
    """Per petition: `lang` (what `action` and `background` are written in) and `<field>_<lang>`, the
    text in each other offered language: the petition's own when it was written in that language."""
    langs = open_data_languages(settings)
    found = await content_languages.load(session, KIND, [row_id(p) for p in petitions])
    texts: dict[int, dict[str, str | None]] = {}
    for petition in petitions:
        pid = row_id(petition)
        row: dict[str, str | None] = {"lang": petition.lang}
        for lang in langs:
            for field in FIELDS:
                own = getattr(petition, field) if petition.lang == lang else found.get(pid, field, lang)
                row[f"{field}_{lang}"] = own or None
        texts[pid] = row
    return texts
