"""What people wrote, in more than one language: a Welsh version of a petition, a response, a priority,
a proposal or a panel decision.

The item's own columns hold the text in its source language (the language a resident wrote it in, or the
council's DEFAULT_LANGUAGE for what staff write); `content_version` holds its versions in the other
offered languages, one row per item, field and language. Pages ask `Versions.shown()` for the text in
the reader's language: when there is none they get the source text, marked with its language, so the
page can say plainly that it exists only in that language and put `lang` on the passage.

A council that must publish bilingually sets PUBLISH_IN_ALL_LANGUAGES=1: `missing()` then lists what is
still to be written, and the publishing handlers refuse until it is empty.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Text, delete
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core import i18n
from civic.core.db import UTCDateTime
from civic.core.i18n import LazyString
from civic.core.i18n import lazy_gettext as _l


class ContentVersion(SQLModel, table=True):
    __tablename__ = "content_version"

    kind: str = Field(primary_key=True, max_length=40)  # "petition", "response_version", ...
    item_id: int = Field(primary_key=True)
    field: str = Field(primary_key=True, max_length=40)  # the item's column this is a version of
    lang: str = Field(primary_key=True, max_length=12)
    text: str = Field(sa_type=Text)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Shown(str):
    """A text as a page shows it, usable wherever the plain text was. `lang` is the language it is in;
    `only_in` is set when the reader asked for another language and the text has no version in it, so
    the page says so (templates/_macros/content.html) and marks the passage with `lang`."""

    lang: str
    only_in: str | None

    def __new__(cls, text: str, lang: str, only_in: str | None = None) -> Shown:
        shown = super().__new__(cls, text)
        shown.lang = lang
        shown.only_in = only_in
        return shown


class Localised:
    """An item as its page shows it: its translatable fields in the reader's language (each a Shown),
    every other attribute the item's own. Templates keep writing `petition.action`."""

    def __init__(self, item: Any, shown: dict[str, Shown]) -> None:
        self._item = item
        self._shown = shown

    def __getattr__(self, name: str) -> Any:
        if name in self._shown:
            return self._shown[name]
        return getattr(self._item, name)

    @property  # type: ignore[misc]
    def __class__(self) -> type[Any]:
        """The item's own class, so rules that check what kind of item they were given (isinstance)
        treat the shown item as the item itself."""
        return type(self._item)

    @property
    def only_in(self) -> str | None:
        """The language the item's text exists only in, when the reader asked for another."""
        return next((s.only_in for s in self._shown.values() if s.only_in), None)


class InEveryLanguage:
    """An item for an email context: each translatable field is read in the language of the moment,
    so one context serves every recipient when the outbox renders each in their own language."""

    def __init__(self, item: Any, versions: Versions, fields: tuple[str, ...], source_lang: str) -> None:
        self._item, self._versions, self._fields, self._source_lang = item, versions, fields, source_lang

    def __getattr__(self, name: str) -> Any:
        if name in self._fields:
            source = getattr(self._item, name)
            return self._versions.shown(int(self._item.id), name, source, self._source_lang, i18n.current())
        return getattr(self._item, name)


class Versions:
    """The versions of some items of one kind, loaded in one query for the page that shows them."""

    def __init__(self, kind: str, rows: Iterable[ContentVersion] = ()) -> None:
        self.kind = kind
        self._text: dict[tuple[int, str, str], str] = {(r.item_id, r.field, r.lang): r.text for r in rows}

    def get(self, item_id: int, field: str, lang: str) -> str:
        return self._text.get((item_id, field, lang), "")

    def shown(self, item_id: int, field: str, source: str, source_lang: str, reader_lang: str) -> Shown:
        if reader_lang == source_lang or not source:
            return Shown(source, source_lang)
        version = self.get(item_id, field, reader_lang)
        if version:
            return Shown(version, reader_lang)
        return Shown(source, source_lang, only_in=source_lang)

    def localise(self, item: Any, fields: Iterable[str], source_lang: str, reader_lang: str) -> Localised:
        item_id = int(item.id)
        return Localised(
            item,
            {f: self.shown(item_id, f, getattr(item, f), source_lang, reader_lang) for f in fields},
        )

    def in_every_language(self, item: Any, fields: Iterable[str], source_lang: str) -> InEveryLanguage:
        return InEveryLanguage(item, self, tuple(fields), source_lang)

    def of_item(self, item_id: int, fields: Iterable[str], lang: str) -> dict[str, str]:
        """An item's versions in `lang`, by field: what a staff form shows in its version boxes."""
        return {field: self.get(item_id, field, lang) for field in fields}


async def load(session: AsyncSession, kind: str, item_ids: Iterable[int]) -> Versions:
    ids = sorted(set(item_ids))
    if not ids:
        return Versions(kind)
    rows = await session.exec(
        select(ContentVersion).where(ContentVersion.kind == kind, col(ContentVersion.item_id).in_(ids))
    )
    return Versions(kind, rows.all())


async def save(
    session: AsyncSession, kind: str, item_id: int, lang: str, texts: Mapping[str, str], *, at: datetime
) -> bool:
    """Store an item's versions in `lang` (field -> text; an empty text removes that version). Returns
    whether anything changed, so the caller audits only real edits. The caller commits."""
    current = (await load(session, kind, [item_id])).of_item(item_id, texts, lang)
    changed = False
    for field, text in texts.items():
        text = text.strip()
        if text == current[field]:
            continue
        changed = True
        await session.exec(
            delete(ContentVersion).where(
                col(ContentVersion.kind) == kind,
                col(ContentVersion.item_id) == item_id,
                col(ContentVersion.field) == field,
                col(ContentVersion.lang) == lang,
            )
        )
        if text:
            session.add(
                ContentVersion(kind=kind, item_id=item_id, field=field, lang=lang, text=text, updated_at=at)
            )
    return changed


async def erase(session: AsyncSession, kind: str, item_ids: Iterable[int]) -> None:
    """Remove every version of these items (when the item itself is deleted or anonymised)."""
    ids = list(item_ids)
    if ids:
        await session.exec(
            delete(ContentVersion).where(
                col(ContentVersion.kind) == kind, col(ContentVersion.item_id).in_(ids)
            )
        )


def other_languages(settings: Settings, source_lang: str) -> tuple[str, ...]:
    """The offered languages an item written in `source_lang` can have versions in."""
    return tuple(lang for lang in settings.languages if lang != source_lang)


def missing(
    settings: Settings,
    versions: Versions,
    item_id: int,
    sources: Mapping[str, str],
    source_lang: str,
) -> list[tuple[str, str]]:
    """(field, language) pairs still without a version, when the council publishes in every language.
    Empty source fields need no version; a council that does not require it never misses any."""
    if not settings.publish_in_all_languages:
        return []
    return [
        (field, lang)
        for lang in other_languages(settings, source_lang)
        for field, source in sources.items()
        if source.strip() and not versions.get(item_id, field, lang)
    ]


def version_form_values(form: Mapping[str, Any], fields: Iterable[str], lang: str) -> dict[str, str]:
    """The version boxes of a staff form: each is named `<field>__<lang>`, such as `summary__cy`."""
    return {field: str(form.get(f"{field}__{lang}", "")) for field in fields}


def open_data_fields(
    versions: Versions, item_id: int, fields: Iterable[str], langs: Iterable[str]
) -> dict[str, str | None]:
    """Open data's extra columns for an item: `<field>_<lang>` (such as `action_cy`), None when absent."""
    return {
        f"{field}_{lang}": versions.get(item_id, field, lang) or None for lang in langs for field in fields
    }


# What a page says above a text that has no version in the reader's language, one sentence per
# language the text may be in (Welsh mutates a language's name after "yn", so no placeholder).
ONLY_IN: dict[str, LazyString] = {
    "en": _l("This text is only available in English."),
    "cy": _l("This text is only available in Welsh."),
}
ONLY_IN_OTHER = _l("This text is only available in another language.")


def only_in_notice(lang: str) -> str:
    return str(ONLY_IN.get(lang, ONLY_IN_OTHER))


# The legend over a staff form's boxes for the versions in one language.
VERSION_LEGEND: dict[str, LazyString] = {
    "en": _l("English version"),
    "cy": _l("Welsh version"),
}


def language_version_legend(lang: str) -> str:
    legend = VERSION_LEGEND.get(lang)
    return str(legend) if legend else i18n.gettext("Version in %(language)s", language=lang)
