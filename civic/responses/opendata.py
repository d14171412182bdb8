"""Open data: responses as JSON, CSV and Atom, and the hub page that lists every dataset."""

from __future__ import annotations

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response as HttpResponse

from civic.config import Settings
from civic.core import opendata as catalogue
from civic.core.content_languages import Versions, open_data_fields
from civic.core.content_languages import load as load_versions
from civic.core.db import reading, row_id
from civic.core.deps import state
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.maps import GEOJSON_FIELDS
from civic.core.opendata import Dataset
from civic.core.publish import FeedEntry, atom_response, csv_of_records, json_response
from civic.core.templating import render_page
from civic.responses import service
from civic.responses import service_versions as content
from civic.responses.models import Rating, Response, ResponseVersion

FIELDS = (
    ("id", _l("Civic's number for the response")),
    (
        "target_kind",
        _l("what was answered: petition, police priority round, youth budget, panel decision ..."),
    ),
    ("target_id", _l("the answered item's number within its kind")),
    ("target_title", _l("the answered item's title")),
    ("body", _l("the responsible body's identifier")),
    ("author", _l("name of the person who published it")),
    ("author_role", _l("their role, e.g. Councillor")),
    ("version", _l("number of the current published version (changes are new versions)")),
    ("summary", _l("the current version's summary")),
    ("summary_cy", _l("the current version's summary in Welsh, if it has a Welsh version")),
    ("details_cy", _l("the current version's full text in Welsh, if it has a Welsh version")),
    ("due_at", _l("when the response was due (UTC), if it had a deadline")),
    ("first_published_at", _l("when the first version was published (UTC)")),
    ("url", _l("the response's page")),
    ("rating_average", _l("average satisfaction rating from the people who asked (1 to 5), if any rated it")),
    ("ratings", _l("how many people rated the response")),
)
DATASETS = (
    Dataset(
        _l("Responses"),
        _l(
            "Every published response, whoever gave it and whatever it answered, with its due date and publication date."
        ),
        (("JSON", "/responses.json"), ("CSV", "/responses.csv"), ("Atom", "/responses.atom")),
        FIELDS,
        _l("Responses"),
    ),
    Dataset(
        _l("Report card grades by ward: map"),
        _l(
            "Each ward's report card grade (how well its asks are answered on time and to the satisfaction of "
            "the people who asked) with the ward outlines, as GeoJSON (RFC 7946)."
        ),
        (("GeoJSON", "/responses/report-cards/wards.geojson"),),
        (
            *GEOJSON_FIELDS,
            ("grade", _l("A to F, or null while the ward has no asks due or rated")),
            ("due", _l("asks from the ward that have come due")),
            ("overdue_now", _l("asks from the ward past their due date with no published response")),
        ),
        _l("Responses"),
    ),
)


Row = tuple[Response, ResponseVersion | None, tuple[float | None, int]]


async def _rows(request: Request) -> tuple[list[Row], Versions]:
    async with reading(request) as session:
        items = await service.published_responses(session, limit=10_000)
        current = await service.current_versions(session, [row_id(i) for i in items])
        texts = await load_versions(session, content.KIND, [row_id(v) for v in current.values()])
        scores = await _rating_aggregates(session)
    rows = [(i, current.get(row_id(i)), scores.get(row_id(i), (None, 0))) for i in items]
    return rows, texts


def _languages(settings: Settings) -> list[str]:
    """The offered languages besides the default: each gives the versions' columns (`summary_cy`)."""
    return [lang for lang in settings.languages if lang != settings.default_language]


def _columns(settings: Settings) -> list[str]:
    extra = [f"{field}_{lang}" for lang in _languages(settings) for field in content.FIELDS]
    return [name for name, _ in FIELDS if not _is_version_column(name)] + extra


def _is_version_column(name: str) -> bool:
    return any(name.startswith(f"{field}_") for field in content.FIELDS)


async def _rating_aggregates(session: AsyncSession) -> dict[int, tuple[float | None, int]]:
    rows = await session.exec(
        select(Rating.response_id, func.avg(Rating.score), func.count()).group_by(col(Rating.response_id))
    )
    return {int(rid): (round(float(avg), 2), int(n)) for rid, avg, n in rows.all()}


def _record(request: Request, row: Row, texts: Versions) -> dict[str, object]:
    item, version, rating = row
    settings = state(request).settings
    summary = version.summary if version else ""
    versions = (
        open_data_fields(texts, row_id(version), content.FIELDS, _languages(settings))
        if version
        else {f"{field}_{lang}": None for lang in _languages(settings) for field in content.FIELDS}
    )
    return {
        "id": item.id,
        "target_kind": item.target_kind,
        "target_id": item.target_id,
        "target_title": item.target_title,
        "body": item.body_slug,
        "author": item.author_name,
        "author_role": item.author_role,
        "version": item.version,
        "summary": summary,
        "due_at": item.due_at.isoformat() if item.due_at else None,
        "first_published_at": item.first_published_at.isoformat() if item.first_published_at else None,
        "url": state(request).settings.url(f"/responses/{item.id}"),
        "rating_average": rating[0],
        "ratings": rating[1],
        **versions,
    }


async def as_json(request: Request) -> HttpResponse:
    rows, texts = await _rows(request)
    return json_response([_record(request, row, texts) for row in rows])


async def as_csv(request: Request) -> HttpResponse:
    rows, texts = await _rows(request)
    records = [_record(request, row, texts) for row in rows]
    return csv_of_records(_columns(state(request).settings), records, "responses.csv")


async def as_atom(request: Request) -> HttpResponse:
    entries = [
        FeedEntry(
            f"/responses/{item.id}",
            gettext("Response: %(title)s", title=item.target_title),
            item.first_published_at,
            version.summary if version else "",
            item.author_name,
        )
        for item, version, _ in (await _rows(request))[0]
        if item.first_published_at is not None
    ]
    return atom_response(
        state(request).settings, path="/responses.atom", title=gettext("responses"), entries=entries
    )


async def hub(request: Request) -> HttpResponse:
    datasets = sorted(catalogue.DATASETS, key=lambda d: (str(d.feature), str(d.title)))
    return render_page(request, "responses/data_hub.html", {"datasets": datasets})
