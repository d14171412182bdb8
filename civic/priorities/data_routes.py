"""Open data: police.uk-shaped priorities, a richer JSON record and CSV files. No personal data."""

from __future__ import annotations

import csv
import io
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from civic.core.clock import now
from civic.core.db import reading
from civic.priorities.models import RoundState
from civic.priorities.public import neighbourhood_view, priority_record, result_record, round_record
from civic.priorities.public_routes import load_hood
from civic.priorities.results import ranked
from civic.priorities.service import candidates_of, rounds_of

LICENCE = (
    "Open Government Licence v3.0: https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)
CACHE = {"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"}


def _json(data: Any) -> Response:
    return JSONResponse(data, headers=CACHE)


def _csv(name: str, header: list[str], rows: list[list[Any]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    headers = {**CACHE, "Content-Disposition": f'attachment; filename="{name}"', "X-Licence": LICENCE}
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


async def police_uk(request: Request) -> Response:
    """The current priorities in police.uk's shape: a list of {issue, issue-date, action, action-date}."""
    from civic.priorities.public import police_uk as shape

    hood = await load_hood(request)
    async with reading(request) as session:
        view = await neighbourhood_view(session, hood)
    return _json(shape(view))


async def full_json(request: Request) -> Response:
    hood = await load_hood(request)
    at = now(request)
    async with reading(request) as session:
        view = await neighbourhood_view(session, hood)
        rounds = [r for r in await rounds_of(session, hood.slug) if r.state != RoundState.DRAFT]
        records = [await round_record(session, r) for r in rounds]
    data = {
        "neighbourhood": {"slug": hood.slug, "name": hood.name},
        "licence": LICENCE,
        "small_counts": "counts under 5 are given as the text 'fewer than 5'",
        "current_priorities": [priority_record(t, at) for t in view.current],
        "past_priorities": [priority_record(t, at) for _r, items in view.past for t in items],
        "rounds": records,
    }
    return _json(data)


async def priorities_csv(request: Request) -> Response:
    hood = await load_hood(request)
    at = now(request)
    async with reading(request) as session:
        view = await neighbourhood_view(session, hood)
    items = view.current + [t for _r, ts in view.past for t in ts]
    header = [
        "id",
        "round_id",
        "issue",
        "category",
        "owner",
        "target",
        "status",
        "adopted",
        "review_date",
        "last_update",
        "stale",
        "latest_action",
    ]
    rows = []
    for t in items:
        r = priority_record(t, at)
        latest = t.latest.text if t.latest else ""
        rows.append(
            [
                r["id"],
                r["round_id"],
                r["issue"],
                r["category"],
                r["owner"],
                r["target"],
                r["status"],
                r["adopted"],
                r["review_date"],
                r["last_update"],
                r["stale"],
                latest,
            ]
        )
    return _csv(f"priorities-{hood.slug}.csv", header, rows)


async def results_csv(request: Request) -> Response:
    hood = await load_hood(request)
    async with reading(request) as session:
        rounds = [r for r in await rounds_of(session, hood.slug) if r.state == RoundState.PUBLISHED]
        rows = []
        for item in rounds:
            for c in ranked(await candidates_of(session, item.id or 0)):
                r = result_record(c)
                rows.append(
                    [
                        item.id,
                        item.title,
                        r["position"],
                        r["issue"],
                        r["category"],
                        r["online_residents"],
                        r["online_workers"],
                        r["meeting"],
                        r["total"],
                        r["became_priority"],
                    ]
                )
    header = [
        "round_id",
        "round",
        "position",
        "issue",
        "category",
        "online_residents",
        "online_workers",
        "meeting",
        "total",
        "became_priority",
    ]
    return _csv(f"priority-results-{hood.slug}.csv", header, rows)
