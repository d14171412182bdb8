"""A response in the other offered languages (civic/core/content_languages.py).

What staff write is in the council's default language. The draft's versions hang off the response row
that holds the draft (`draft_summary`, `draft_details`); publishing copies them onto the new published
version's row, so each published text keeps its own versions and an edit published later needs its own."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core import content_languages
from civic.core.content_languages import ContentVersion
from civic.core.i18n import LazyString, gettext
from civic.core.i18n import lazy_gettext as _l
from civic.responses.models import DETAILS_MAX, SUMMARY_MAX, Response

DRAFT_KIND = "response"  # the response row holds the draft
KIND = "response_version"  # a published version's row holds its text
FIELDS = ("summary", "details")  # as the form and a published version name them
DRAFT_FIELDS = {"summary": "draft_summary", "details": "draft_details"}

# What publishing says is missing, per field and language; other languages get the general sentence.
MISSING: dict[tuple[str, str], LazyString] = {
    ("summary", "cy"): _l("Add the Welsh version of the summary before publishing."),
    ("details", "cy"): _l("Add the Welsh version of the full response before publishing."),
    ("summary", "en"): _l("Add the English version of the summary before publishing."),
    ("details", "en"): _l("Add the English version of the full response before publishing."),
}


def other_languages(settings: Settings) -> tuple[str, ...]:
    return content_languages.other_languages(settings, settings.default_language)


def form_versions(settings: Settings, form: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The writing form's version boxes, by language then field."""
    return {
        lang: content_languages.version_form_values(form, FIELDS, lang) for lang in other_languages(settings)
    }


def check(texts: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """Errors keyed by box (`summary__cy`): the same limits as the response's own text."""
    errors: dict[str, str] = {}
    for lang, fields in texts.items():
        if len(fields.get("summary", "")) > SUMMARY_MAX:
            errors[f"summary__{lang}"] = gettext(
                "The summary's version must be %(max)s characters or fewer", max=SUMMARY_MAX
            )
        if len(fields.get("details", "")) > DETAILS_MAX:
            errors[f"details__{lang}"] = gettext(
                "The full response's version must be %(max)s characters or fewer", max=f"{DETAILS_MAX:,}"
            )
    return errors


async def draft_versions(
    session: AsyncSession, settings: Settings, response_id: int | None
) -> dict[str, dict[str, str]]:
    """The draft's versions by language, then by form field (summary, details)."""
    if response_id is None:
        return {lang: dict.fromkeys(FIELDS, "") for lang in other_languages(settings)}
    stored = await content_languages.load(session, DRAFT_KIND, [response_id])
    return {
        lang: {field: stored.get(response_id, DRAFT_FIELDS[field], lang) for field in FIELDS}
        for lang in other_languages(settings)
    }


async def save_draft_versions(
    session: AsyncSession, response_id: int, texts: Mapping[str, Mapping[str, str]], *, at: datetime
) -> bool:
    """Store the draft's versions (lang -> form field -> text). True when anything changed."""
    changed = False
    for lang, fields in texts.items():
        stored = {DRAFT_FIELDS[field]: fields.get(field, "") for field in FIELDS}
        if await content_languages.save(session, DRAFT_KIND, response_id, lang, stored, at=at):
            changed = True
    return changed


async def refusal(session: AsyncSession, settings: Settings | None, response: Response) -> dict[str, str]:
    """When the council publishes in every language: what the draft still lacks, one sentence per
    missing box. Empty when it may be published."""
    if settings is None or not settings.publish_in_all_languages or response.id is None:
        return {}
    stored = await content_languages.load(session, DRAFT_KIND, [response.id])
    sources = {"draft_summary": response.draft_summary, "draft_details": response.draft_details}
    form_field = {column: field for field, column in DRAFT_FIELDS.items()}
    found = content_languages.missing(settings, stored, response.id, sources, settings.default_language)
    return {f"{form_field[column]}__{lang}": _missing(form_field[column], lang) for column, lang in found}


def _missing(field: str, lang: str) -> str:
    known = MISSING.get((field, lang))
    if known is not None:
        return str(known)
    return gettext(
        "Add the version in %(language)s of “%(field)s” before publishing.", language=lang, field=field
    )


async def publish_versions(session: AsyncSession, response_id: int, version_id: int, *, at: datetime) -> None:
    """Copy the draft's versions, in whatever languages it has them, onto the version just published."""
    rows = await session.exec(
        select(ContentVersion).where(ContentVersion.kind == DRAFT_KIND, ContentVersion.item_id == response_id)
    )
    by_lang: dict[str, dict[str, str]] = {}
    form_field = {column: field for field, column in DRAFT_FIELDS.items()}
    for row in rows.all():
        if row.field in form_field:
            by_lang.setdefault(row.lang, {})[form_field[row.field]] = row.text
    for lang, fields in by_lang.items():
        await content_languages.save(session, KIND, version_id, lang, fields, at=at)
