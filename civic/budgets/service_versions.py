"""Youth workers' words in more than one language (civic/core/content_languages.py): a process's title
and description and the projects young people vote on (title, summary and the public reason).

The rows hold what youth workers wrote in the council's DEFAULT_LANGUAGE; the versions in the other
offered languages are kept per item and field. When the council publishes in every language, a process
cannot be set to open voting until it and every project on its ballot have each version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, cast

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request

from civic.budgets.models import BudgetProcess, BudgetProposal, Feasibility
from civic.config import Settings
from civic.core import audit
from civic.core.content_languages import (
    ContentVersion,
    Versions,
    load,
    missing,
    open_data_fields,
    other_languages,
    save,
    version_form_values,
)
from civic.core.db import row_id
from civic.core.deps import state
from civic.core.forms import Errors, check_length
from civic.core.i18n import LazyString, gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.languages import lang_of
from civic.core.users import StaffUser

PROCESS_KIND, PROCESS_FIELDS = "budget_process", ("title", "description")
PROPOSAL_KIND, PROPOSAL_FIELDS = "budget_proposal", ("title", "summary", "reason")
# The same limits as the youth workers' own text in each field.
MAXIMUM = {"title": 160, "description": 10_000, "summary": 2000, "reason": 2000}
PROPOSAL_MAXIMUM = {**MAXIMUM, "title": 120}

# What a refusal says when the council publishes in every language, per field and language (Welsh
# mutates a language's name, so each is a whole sentence).
MISSING: dict[tuple[str, str], LazyString] = {
    ("title", "cy"): _l("Add the Welsh version of the title of “%(item)s” before voting opens"),
    ("description", "cy"): _l("Add the Welsh version of the description of “%(item)s” before voting opens"),
    ("summary", "cy"): _l("Add the Welsh version of the summary of “%(item)s” before voting opens"),
    ("reason", "cy"): _l("Add the Welsh version of the reason given for “%(item)s” before voting opens"),
}
MISSING_OTHER = _l("Add the version in %(language)s of “%(item)s” before voting opens")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def languages(settings: Settings) -> tuple[str, ...]:
    """The languages youth workers' words can have versions in."""
    return other_languages(settings, settings.default_language)


def read_versions(
    settings: Settings,
    form: Mapping[str, Any],
    fields: Iterable[str],
    errors: Errors,
    maximum: Mapping[str, int],
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
            action="budgets.versions_saved",
            object_type=kind,
            object_id=item_id,
            now=now,
            reason=", ".join(sorted(texts)),
            public=True,
        )
    return changed


def missing_message(item: str, name: str, lang: str) -> str:
    message = MISSING.get((name, lang))
    if message is None:
        return MISSING_OTHER % {"language": lang, "item": item}
    return message % {"item": item}


async def missing_for_voting(
    session: AsyncSession, settings: Settings, process: BudgetProcess, proposals: Iterable[BudgetProposal]
) -> list[str]:
    """What the process and the projects on its ballot still need in every language before voting
    opens (nothing, unless the council publishes in every language)."""
    if not settings.publish_in_all_languages:
        return []
    ballot = [p for p in proposals if p.feasibility == Feasibility.FEASIBLE]
    mine = await load(session, PROCESS_KIND, [row_id(process)])
    theirs = await load(session, PROPOSAL_KIND, [row_id(p) for p in ballot])
    source = settings.default_language
    sources = {name: getattr(process, name) for name in PROCESS_FIELDS}
    found = [
        missing_message(process.title, n, lang)
        for n, lang in missing(settings, mine, row_id(process), sources, source)
    ]
    for p in ballot:
        sources = {name: getattr(p, name) for name in PROPOSAL_FIELDS}
        found += [
            missing_message(p.title, n, lang)
            for n, lang in missing(settings, theirs, row_id(p), sources, source)
        ]
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


def stored(
    versions: Versions, item_id: int, fields: Iterable[str], langs: Iterable[str]
) -> dict[str, dict[str, str]]:
    """What a staff form shows in its version boxes: language -> field -> text."""
    return {lang: versions.of_item(item_id, fields, lang) for lang in langs}


class Shower:
    """Shows processes and projects in the reader's language; each keeps its type for the code that
    uses it."""

    def __init__(self, processes: Versions, proposals: Versions, source: str, reader: str) -> None:
        self.processes, self.proposals, self.source, self.reader = processes, proposals, source, reader

    def process(self, item: BudgetProcess) -> BudgetProcess:
        shown = self.processes.localise(item, PROCESS_FIELDS, self.source, self.reader)
        return cast(BudgetProcess, shown)

    def proposal(self, item: BudgetProposal) -> BudgetProposal:
        shown = self.proposals.localise(item, PROPOSAL_FIELDS, self.source, self.reader)
        return cast(BudgetProposal, shown)


def reading_languages(request: Request) -> tuple[str, str]:
    """The language youth workers write in and the reader's."""
    return state(request).settings.default_language, lang_of(request.scope)


async def shower(
    session: AsyncSession,
    request: Request,
    processes: Iterable[BudgetProcess] = (),
    proposals: Iterable[BudgetProposal] = (),
) -> Shower:
    source, reader = reading_languages(request)
    if reader == source:
        return Shower(Versions(PROCESS_KIND), Versions(PROPOSAL_KIND), source, reader)
    return Shower(
        await load(session, PROCESS_KIND, [row_id(p) for p in processes]),
        await load(session, PROPOSAL_KIND, [row_id(p) for p in proposals]),
        source,
        reader,
    )


async def shown(
    session: AsyncSession, request: Request, process: BudgetProcess, proposals: list[BudgetProposal]
) -> tuple[BudgetProcess, list[BudgetProposal]]:
    """A process and its projects in the reader's language."""
    show = await shower(session, request, [process], proposals)
    return show.process(process), [show.proposal(p) for p in proposals]


def notice(*items: Any) -> Any:
    """The first shown item whose words exist only in another language (the page says so once)."""
    return next((i for i in items if getattr(i, "only_in", None)), items[0] if items else None)


async def add_open_data(
    session: AsyncSession, request: Request, rows: list[dict[str, Any]], ids: list[int], fields: Iterable[str]
) -> list[str]:
    """Add `<field>_<lang>` to each open data row about a project (ids: the projects' row ids, in the
    rows' order); returns the added column names."""
    langs = languages(state(request).settings)
    versions = await load(session, PROPOSAL_KIND, ids)
    fields = tuple(fields)
    for row, item_id in zip(rows, ids, strict=True):
        row |= open_data_fields(versions, item_id, fields, langs)
    return [f"{field}_{lang}" for lang in langs for field in fields]


def ids_of(rows: list[dict[str, Any]], proposals: Iterable[BudgetProposal]) -> list[int]:
    """The row ids of the projects results rows name by number (`project`)."""
    by_number = {p.number: row_id(p) for p in proposals}
    return [by_number.get(int(r["project"]), 0) for r in rows]


# The youth budget datasets' `<field>_<lang>` columns, after their own (civic/budgets/opendata.py).
DATASET_VERSIONS = {"proposals": ("title", "reason"), "results": ("title",), "delivery": ("title",)}


def dataset_columns(request: Request, name: str) -> list[str]:
    langs = languages(state(request).settings)
    return [f"{field}_{lang}" for lang in langs for field in DATASET_VERSIONS[name]]
