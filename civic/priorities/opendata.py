"""Open data: police.uk-shaped priorities, a richer JSON record and CSV files. No personal data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core.areas import Neighbourhood, list_neighbourhoods
from civic.core.clock import now
from civic.core.db import reading, row_id
from civic.core.deps import state
from civic.core.i18n import lazy_gettext as _l
from civic.core.maps import GEOJSON_FIELDS
from civic.core.opendata import Dataset
from civic.core.publish import FEWER, SMALL_COUNT_NOTE, csv_response, json_bare, json_document
from civic.priorities import service_versions
from civic.priorities.models import RoundState
from civic.priorities.queries import neighbourhood_view, priority_record, result_record, round_record
from civic.priorities.service import candidates_of, rounds_of
from civic.priorities.service_results import ranked
from civic.priorities.web import load_hood

PRIORITY_FIELDS = (
    ("neighbourhood", _l("the police neighbourhood's identifier")),
    ("id", _l("Civic's number for the priority")),
    ("round_id", _l("the round of voting it came from")),
    ("issue", _l("the issue residents chose")),
    ("category", _l("anti_social_behaviour, drug_dealing, speeding, burglary, vehicle_crime, ...")),
    ("owner", _l("who is responsible: the police or a partner")),
    ("target", _l("what the owner aims to achieve")),
    ("status", _l("adopted, in_progress, dealt_with, not_dealt_with, passed_to_partner or carried_over")),
    ("adopted", _l("when it was adopted (UTC)")),
    ("review_date", _l("the UK date it will next be reviewed (at most 90 days ahead)")),
    ("last_update", _l("when progress was last reported (UTC)")),
    ("stale", _l("true when an active priority has had no update for 90 days")),
    ("latest_action", _l("the latest progress update")),
    ("issue_cy, latest_action_cy", _l("the same in Welsh, where the team wrote it (empty otherwise)")),
)
DATASETS = (
    Dataset(
        _l("Neighbourhood police priorities"),
        _l(
            "Every neighbourhood's police priorities, who owns them, their status and progress ('You said, we did'). "
            "Each neighbourhood also has /priorities/NEIGHBOURHOOD.json in the police.uk shape "
            "(issue, issue-date, action, action-date)."
        ),
        (("JSON", "/priorities/data/priorities.json"), ("CSV", "/priorities/data/priorities.csv")),
        PRIORITY_FIELDS,
        _l("Police priorities"),
    ),
    Dataset(
        _l("Police priority votes: results"),
        _l(
            "Results of every published round: online votes from residents and from people who work there, "
            "paper ballots, votes given with a member of staff, "
            "public meeting show-of-hands counts and totals. Counts from 1 to 4 are given as '%(fewer)s'.",
            fewer=FEWER,
        ),
        (("CSV", "/priorities/data/results.csv"),),
        (
            ("neighbourhood", _l("the police neighbourhood's identifier")),
            ("round_id", _l("the round's number")),
            ("position", _l("place in the count after the published tie-break")),
            ("issue", _l("the candidate issue")),
            ("online_residents", _l("votes (ranked rounds: Borda points) from residents")),
            ("online_workers", _l("votes from people who work in the neighbourhood")),
            ("meeting", _l("show-of-hands votes at public meetings")),
            ("paper", _l("votes on paper ballots, typed in twice by two members of staff")),
            ("assisted", _l("votes a member of staff recorded for a resident who asked")),
            ("total", _l("the sum used to choose priorities")),
            ("became_priority", _l("whether it became a priority")),
            ("round_cy, issue_cy", _l("the round's title and the issue in Welsh, where written")),
        ),
        _l("Police priorities"),
    ),
    Dataset(
        _l("Police priority votes: voters by ward maps"),
        _l(
            "Each published round's map of online voters by ward as GeoJSON (RFC 7946), at "
            "/priorities/rounds/NUMBER/voters-by-ward.geojson (linked under the map on the round's page). "
            "Counts from 1 to 4 are given as '%(fewer)s'.",
            fewer=FEWER,
        ),
        (),
        (*GEOJSON_FIELDS, ("voters", _l("online voters who live in the ward"))),
        _l("Police priorities"),
    ),
)


async def police_uk(request: Request) -> Response:
    """The current priorities in police.uk's shape: a list of {issue, issue-date, action, action-date}."""
    from civic.priorities.queries import police_uk as shape

    hood = await load_hood(request)
    async with reading(request) as session:
        view = await neighbourhood_view(session, hood)
    return json_bare(shape(view))


async def full_json(request: Request) -> Response:
    hood = await load_hood(request)
    at = now(request)
    async with reading(request) as session:
        view = await neighbourhood_view(session, hood)
        rounds = [r for r in await rounds_of(session, hood.slug) if r.state != RoundState.DRAFT]
        records = [await round_record(session, r) for r in rounds]
        current = [(priority_record(t, at), t) for t in view.current]
        past = [(priority_record(t, at), t) for _r, items in view.past for t in items]
        await service_versions.add_open_data(
            session, _langs(request), priorities=[*current, *past], rounds=records
        )
    data = {
        "neighbourhood": {"slug": hood.slug, "name": hood.name},
        "small_counts": SMALL_COUNT_NOTE,
        "current_priorities": [r for r, _t in current],
        "past_priorities": [r for r, _t in past],
        "rounds": records,
    }
    return json_document(data)


def _langs(request: Request) -> tuple[str, ...]:
    """The languages open data carries versions in besides the council's own."""
    return service_versions.languages(state(request).settings)


def _priority_header(langs: tuple[str, ...]) -> list[str]:
    return PRIORITY_HEADER + [f"{key}_{lang}" for lang in langs for key in ("issue", "latest_action")]


def _result_header(langs: tuple[str, ...]) -> list[str]:
    return RESULT_HEADER + [f"{key}_{lang}" for lang in langs for key in ("round", "issue")]


PRIORITY_HEADER = [name for name, _meaning in PRIORITY_FIELDS[:-1]]
RESULT_HEADER = [
    "neighbourhood",
    "round_id",
    "round",
    "position",
    "issue",
    "category",
    "online_residents",
    "online_workers",
    "meeting",
    "paper",
    "assisted",
    "total",
    "became_priority",
]


async def _priority_rows(
    session: AsyncSession, hoods: list[Neighbourhood], at: datetime, langs: tuple[str, ...]
) -> list[list[Any]]:
    rows = []
    for hood in hoods:
        view = await neighbourhood_view(session, hood)
        tracks = view.current + [t for _r, ts in view.past for t in ts]
        pairs = [(priority_record(t, at), t) for t in tracks]
        await service_versions.add_open_data(session, langs, priorities=pairs)
        for r, t in pairs:
            latest = t.latest.text if t.latest else ""
            extra = []
            for lang in langs:
                newest = r["updates"][0].get(f"text_{lang}") if r["updates"] else None
                extra += [r[f"issue_{lang}"] or "", newest or ""]
            rows.append([hood.slug] + [r[k] for k in PRIORITY_HEADER[1:-1]] + [latest] + extra)
    return rows


async def _result_rows(
    session: AsyncSession, hoods: list[Neighbourhood], langs: tuple[str, ...]
) -> list[list[Any]]:
    rows = []
    for hood in hoods:
        for item in [r for r in await rounds_of(session, hood.slug) if r.state == RoundState.PUBLISHED]:
            results = [result_record(c) for c in ranked(await candidates_of(session, row_id(item)))]
            record = {"id": item.id, "results": results}
            await service_versions.add_open_data(session, langs, rounds=[record])
            for r in results:
                extra = [v or "" for lang in langs for v in (record[f"title_{lang}"], r[f"issue_{lang}"])]
                rows.append(
                    [
                        hood.slug,
                        item.id,
                        item.title,
                        r["position"],
                        r["issue"],
                        r["category"],
                        r["online_residents"],
                        r["online_workers"],
                        r["meeting"],
                        r["paper"],
                        r["assisted"],
                        r["total"],
                        r["became_priority"],
                        *extra,
                    ]
                )
    return rows


async def priorities_csv(request: Request) -> Response:
    hood = await load_hood(request)
    async with reading(request) as session:
        rows = await _priority_rows(session, [hood], now(request), _langs(request))
    return csv_response(_priority_header(_langs(request)), rows, f"priorities-{hood.slug}.csv")


async def results_csv(request: Request) -> Response:
    hood = await load_hood(request)
    async with reading(request) as session:
        rows = await _result_rows(session, [hood], _langs(request))
    return csv_response(_result_header(_langs(request)), rows, f"priority-results-{hood.slug}.csv")


async def all_priorities_csv(request: Request) -> Response:
    async with reading(request) as session:
        rows = await _priority_rows(
            session, await list_neighbourhoods(session), now(request), _langs(request)
        )
    return csv_response(_priority_header(_langs(request)), rows, "priorities.csv")


async def all_results_csv(request: Request) -> Response:
    async with reading(request) as session:
        rows = await _result_rows(session, await list_neighbourhoods(session), _langs(request))
    return csv_response(_result_header(_langs(request)), rows, "priority-results.csv")


async def all_priorities_json(request: Request) -> Response:
    at = now(request)
    async with reading(request) as session:
        views = [await neighbourhood_view(session, h) for h in await list_neighbourhoods(session)]
        current = [[(priority_record(t, at), t) for t in v.current] for v in views]
        past = [[(priority_record(t, at), t) for _r, ts in v.past for t in ts] for v in views]
        every = [pair for pairs in current + past for pair in pairs]
        await service_versions.add_open_data(session, _langs(request), priorities=every)
    data = {
        "neighbourhoods": [
            {
                "slug": v.neighbourhood.slug,
                "name": v.neighbourhood.name,
                "police_uk": f"/priorities/{v.neighbourhood.slug}.json",
                "current_priorities": [r for r, _t in now_],
                "past_priorities": [r for r, _t in before],
            }
            for v, now_, before in zip(views, current, past, strict=True)
        ],
    }
    return json_document(data)
