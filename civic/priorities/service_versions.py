"""The team's words in more than one language (civic/core/content_languages.py): a round's title, its
candidate issues, the priorities adopted from them and the progress updates on each.

The rows hold what the team wrote in the council's DEFAULT_LANGUAGE; the versions in the other offered
languages are kept per item and field. When the council publishes in every language, a round opens
(for suggestions or voting) only once its title and issues have every version, and an update is
published only with its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core import audit
from civic.core.content_languages import (
    ContentVersion,
    Versions,
    erase,
    load,
    missing,
    open_data_fields,
    other_languages,
    save,
    version_form_values,
)
from civic.core.db import row_id
from civic.core.forms import Errors, check_length
from civic.core.i18n import LazyString, gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.users import StaffUser
from civic.priorities.models import Candidate, Priority, PriorityRound, PriorityUpdate
from civic.priorities.queries import NeighbourhoodView, TrackedPriority

ROUND_KIND, ROUND_FIELDS = "priorities_round", ("title",)
CANDIDATE_KIND, CANDIDATE_FIELDS = "priorities_candidate", ("title", "description")
PRIORITY_KIND, PRIORITY_FIELDS = "priorities_priority", ("title", "description", "target")
UPDATE_KIND, UPDATE_FIELDS = "priorities_update", ("text",)

# The same limits as the team's own text in each field (civic/priorities/forms.py).
MAXIMUM = {"title": 120, "description": 600, "target": 600, "text": 2000}
ROUND_TITLE_MAXIMUM = 160


def languages(settings: Settings) -> tuple[str, ...]:
    """The languages the team's words can have versions in."""
    return other_languages(settings, settings.default_language)


def read_versions(
    settings: Settings,
    form: Mapping[str, Any],
    fields: Iterable[str],
    errors: Errors,
    *,
    maximum: Mapping[str, int] = MAXIMUM,
) -> dict[str, dict[str, str]]:
    """A staff form's version boxes, language -> field -> text, with the source fields' limits."""
    found: dict[str, dict[str, str]] = {}
    for lang in languages(settings):
        texts = version_form_values(cast(Mapping[str, str], form), fields, lang)
        for name, value in texts.items():
            check_length(
                errors, f"{name}__{lang}", value.strip(), gettext("this version"), maximum=maximum[name],
                required=False,
            )  # fmt: skip
        found[lang] = texts
    return found


async def save_versions(
    session: AsyncSession,
    kind: str,
    item_id: int,
    texts: Mapping[str, Mapping[str, str]],
    *,
    actor: StaffUser | None,
    now: datetime,
) -> bool:
    """Store an item's versions (language -> field -> text) and audit a real change once."""
    changed = False
    for lang, fields in texts.items():
        changed = await save(session, kind, item_id, lang, fields, at=now) or changed
    if changed:
        await audit.record(
            session,
            actor=actor,
            action="priorities.versions_saved",
            object_type=kind,
            object_id=item_id,
            now=now,
            reason=", ".join(sorted(texts)),
            public=True,
        )
    return changed


# When the council publishes in every language: what a refusal says, per field and language (Welsh
# mutates a language's name, so each is a whole sentence).
MISSING: dict[tuple[str, str], LazyString] = {
    ("title", "cy"): _l("Add the Welsh version of the title of “%(item)s” before publishing it"),
    ("description", "cy"): _l("Add the Welsh version of the description of “%(item)s” before publishing it"),
    ("text", "cy"): _l("Add the Welsh version of the update before publishing it"),
    ("target", "cy"): _l("Add the Welsh version of the target before publishing it"),
}
MISSING_OTHER = _l("Add the version in %(language)s of “%(item)s” before publishing it")


def missing_message(item: str, name: str, lang: str) -> str:
    message = MISSING.get((name, lang))
    if message is None:
        return MISSING_OTHER % {"language": lang, "item": item}
    return message % {"item": item}


def missing_for_round(
    settings: Settings, item: PriorityRound, candidates: Iterable[Candidate], texts: Texts
) -> Errors:
    """What a round still needs before it is public, when the council publishes in every language:
    messages keyed by the box that takes the missing version."""
    source = settings.default_language
    found: Errors = {}
    for name, lang in missing(settings, texts.rounds, row_id(item), {"title": item.title}, source):
        found[f"round-{name}__{lang}"] = missing_message(item.title, name, lang)
    for c in candidates:
        sources = {"title": c.title, "description": c.description}
        for name, lang in missing(settings, texts.candidates, row_id(c), sources, source):
            found.setdefault(f"candidate-{c.id}-{name}__{lang}", missing_message(c.title, name, lang))
    return found


def missing_typed(
    settings: Settings, sources: Mapping[str, str], versions: Mapping[str, Mapping[str, str]], item: str
) -> Errors:
    """The same check for versions just typed into a form (language -> field -> text), keyed by box."""
    typed = Versions(
        "typed",
        [
            ContentVersion(kind="typed", item_id=0, field=name, lang=lang, text=text, updated_at=EPOCH)
            for lang, fields in versions.items()
            for name, text in fields.items()
            if text.strip()
        ],
    )
    return {
        f"{name}__{lang}": missing_message(item, name, lang)
        for name, lang in missing(settings, typed, 0, sources, settings.default_language)
    }


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Texts:
    """The versions a page needs, one query per kind of text."""

    rounds: Versions = field(default_factory=lambda: Versions(ROUND_KIND))
    candidates: Versions = field(default_factory=lambda: Versions(CANDIDATE_KIND))
    priorities: Versions = field(default_factory=lambda: Versions(PRIORITY_KIND))
    updates: Versions = field(default_factory=lambda: Versions(UPDATE_KIND))


async def load_texts(
    session: AsyncSession,
    *,
    rounds: Iterable[PriorityRound] = (),
    candidates: Iterable[Candidate] = (),
    priorities: Iterable[Priority] = (),
    updates: Iterable[PriorityUpdate] = (),
) -> Texts:
    return Texts(
        await load(session, ROUND_KIND, [row_id(r) for r in rounds]),
        await load(session, CANDIDATE_KIND, [row_id(c) for c in candidates]),
        await load(session, PRIORITY_KIND, [row_id(p) for p in priorities]),
        await load(session, UPDATE_KIND, [row_id(u) for u in updates]),
    )


class Shower:
    """Shows items in the reader's language; each keeps its type for the code that uses it."""

    def __init__(self, texts: Texts, source_lang: str, reader_lang: str) -> None:
        self.texts, self.source, self.reader = texts, source_lang, reader_lang

    def round(self, item: PriorityRound) -> PriorityRound:
        return cast(PriorityRound, self.texts.rounds.localise(item, ROUND_FIELDS, self.source, self.reader))

    def candidate(self, item: Candidate) -> Candidate:
        shown = self.texts.candidates.localise(item, CANDIDATE_FIELDS, self.source, self.reader)
        return cast(Candidate, shown)

    def candidates(self, items: Iterable[Candidate]) -> list[Candidate]:
        return [self.candidate(c) for c in items]

    def priority(self, item: Priority) -> Priority:
        shown = self.texts.priorities.localise(item, PRIORITY_FIELDS, self.source, self.reader)
        return cast(Priority, shown)

    def update(self, item: PriorityUpdate) -> PriorityUpdate:
        return cast(
            PriorityUpdate, self.texts.updates.localise(item, UPDATE_FIELDS, self.source, self.reader)
        )


async def shown_tracks(
    session: AsyncSession, tracks: list[TrackedPriority], source: str, reader: str
) -> list[TrackedPriority]:
    """Priorities and their updates in the reader's language."""
    if reader == source:
        return tracks
    texts = await load_texts(
        session, priorities=[t.priority for t in tracks], updates=[u for t in tracks for u in t.updates]
    )
    return _tracks(Shower(texts, source, reader), tracks)


def _tracks(show: Shower, tracks: list[TrackedPriority]) -> list[TrackedPriority]:
    return [TrackedPriority(show.priority(t.priority), [show.update(u) for u in t.updates]) for t in tracks]


async def shown_views(
    session: AsyncSession, views: list[NeighbourhoodView], source: str, reader: str
) -> list[NeighbourhoodView]:
    """Neighbourhoods' rounds, priorities and updates in the reader's language."""
    if reader == source:
        return views
    rounds = [r for v in views for r in [v.current_round, *v.open_rounds, *(r for r, _ in v.past)] if r]
    tracks = [t for v in views for t in [*v.current, *(t for _, ts in v.past for t in ts)]]
    texts = await load_texts(
        session,
        rounds=rounds,
        priorities=[t.priority for t in tracks],
        updates=[u for t in tracks for u in t.updates],
    )
    show = Shower(texts, source, reader)
    return [
        NeighbourhoodView(
            v.neighbourhood,
            show.round(v.current_round) if v.current_round else None,
            _tracks(show, v.current),
            [show.round(r) for r in v.open_rounds],
            [(show.round(r), _tracks(show, ts)) for r, ts in v.past],
        )
        for v in views
    ]


async def results_contexts(
    session: AsyncSession, settings: Settings, item: PriorityRound, made: list[Priority]
) -> dict[str, dict[str, Any]]:
    """The results email's context per offered language: the round, its priorities and the summary in
    each (the priorities already hold their issues' versions)."""
    from civic.core import i18n
    from civic.core.publish import shown_count
    from civic.priorities import summary
    from civic.priorities.service import candidates_of

    candidates = await candidates_of(session, row_id(item))
    texts = await load_texts(session, rounds=[item], candidates=candidates, priorities=made)
    contexts: dict[str, dict[str, Any]] = {}
    for lang in settings.languages:
        show = Shower(texts, settings.default_language, lang)
        shown = show.round(item)
        with i18n.using(lang):
            plain = summary.of_round(shown, show.candidates(candidates), shown_count)
        contexts[lang] = {"round": shown, "priorities": [show.priority(p) for p in made], "summary": plain}
    return contexts


async def status_contexts(
    session: AsyncSession, settings: Settings, priority: Priority, update: PriorityUpdate
) -> dict[str, dict[str, Any]]:
    """The status email's context per offered language: the priority and the update in each."""
    texts = await load_texts(session, priorities=[priority], updates=[update])
    contexts: dict[str, dict[str, Any]] = {}
    for lang in settings.languages:
        show = Shower(texts, settings.default_language, lang)
        contexts[lang] = {"priority": show.priority(priority), "update": show.update(update)}
    return contexts


async def copy_to_priorities(
    session: AsyncSession, made: list[Priority], langs: Iterable[str], *, now: datetime
) -> None:
    """An adopted priority starts with its candidate's versions."""
    found = await load(session, CANDIDATE_KIND, [p.candidate_id for p in made])
    for priority in made:
        for lang in langs:
            texts = found.of_item(priority.candidate_id, PRIORITY_FIELDS, lang)
            if any(texts.values()):
                await save(session, PRIORITY_KIND, row_id(priority), lang, texts, at=now)


async def forget_candidate(session: AsyncSession, candidate_id: int) -> None:
    await erase(session, CANDIDATE_KIND, [candidate_id])


def open_data(
    versions: Versions, item_id: int, fields: Mapping[str, str], langs: Iterable[str]
) -> dict[str, Any]:
    """Open data's `<key>_<lang>` columns, where `fields` maps the data's key to the item's field
    (a priority's `issue` is its `title`)."""
    extra = open_data_fields(versions, item_id, fields.values(), langs)
    return {f"{key}_{lang}": extra[f"{name}_{lang}"] for lang in langs for key, name in fields.items()}


# --- open data: the keys stay; each other offered language adds `<key>_<lang>` ----------------------

PRIORITY_DATA = {"issue": "title", "description": "description", "target": "target"}
RESULT_DATA = {"issue": "title", "description": "description"}


async def add_open_data(
    session: AsyncSession,
    langs: tuple[str, ...],
    *,
    priorities: Iterable[tuple[dict[str, Any], TrackedPriority]] = (),
    rounds: Iterable[dict[str, Any]] = (),
) -> None:
    """Add the versions to open data records in place: (priority_record, its priority) pairs and
    round_record()s."""
    pairs, rounds = list(priorities), list(rounds)
    results = [r for record in rounds for r in record.get("results", [])]
    texts = Texts(
        await load(session, ROUND_KIND, [r["id"] for r in rounds]),
        await load(session, CANDIDATE_KIND, [r["candidate_id"] for r in results]),
        await load(session, PRIORITY_KIND, [row_id(t.priority) for _r, t in pairs]),
        await load(session, UPDATE_KIND, [row_id(u) for _r, t in pairs for u in t.updates]),
    )
    for record, track in pairs:
        record |= open_data(texts.priorities, row_id(track.priority), PRIORITY_DATA, langs)
        for update, said in zip(record["updates"], track.updates, strict=True):
            update |= open_data(texts.updates, row_id(said), {"text": "text"}, langs)
    for record in rounds:
        record |= open_data(texts.rounds, record["id"], {"title": "title"}, langs)
        for result in record.get("results", []):
            result |= open_data(texts.candidates, result["candidate_id"], RESULT_DATA, langs)
