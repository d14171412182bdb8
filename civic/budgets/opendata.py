"""Open data across every youth budget: proposals, published results and delivery (JSON and CSV),
listed in the open data hub. Per-budget files (and the `.pb` ballots) are linked from each budget."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from civic.budgets import service, service_results, service_versions
from civic.budgets.models import BudgetDelivery, BudgetDeliveryUpdate, BudgetProposal, Feasibility
from civic.core.db import reading, row_id
from civic.core.i18n import lazy_gettext as _l
from civic.core.maps import GEOJSON_FIELDS
from civic.core.opendata import Dataset
from civic.core.publish import FEWER, csv_of_records, json_response

PROPOSAL_FIELDS = (
    ("budget", _l("the youth budget's short name")),
    ("number", _l("the project's number within its budget")),
    ("title", _l("the project's title")),
    ("area", _l("the area it is in, when the budget has areas")),
    ("cost", _l("its cost in whole pounds")),
    ("feasibility", _l("feasible (on the ballot) or unfeasible")),
    ("reason", _l("the public reason given for the decision")),
)
RESULT_FIELDS = (
    ("budget", _l("the youth budget's short name")),
    ("area", _l("the area (or the budget's title)")),
    ("project", _l("the project's number")),
    ("title", _l("the project's title")),
    ("cost", _l("its cost in whole pounds")),
    ("votes", _l("ballots that chose it, online and paper")),
    ("funded", _l("whether it was funded")),
    ("stage", _l("greedy, mes (equal shares), completion, not funded or excluded")),
    ("explanation", _l("why it was or was not funded")),
)
DELIVERY_FIELDS = (
    ("budget", _l("the youth budget's short name")),
    ("project", _l("the project's number")),
    ("title", _l("the project's title")),
    ("owner", _l("who is delivering it")),
    ("status", _l("planned, in_progress, done or stopped")),
    ("percent", _l("progress, 0 to 100")),
    ("latest_update", _l("the latest public update")),
    ("latest_update_at", _l("when it was posted (UTC)")),
)

_DATASETS = (
    (
        _l("Youth budget projects"),
        _l("Every checked project in every youth budget, with its cost and feasibility decision."),
        "proposals",
        (*PROPOSAL_FIELDS, ("title_cy, reason_cy", _l("the same in Welsh, where written (empty otherwise)"))),
    ),
    (
        _l("Youth budget results"),
        _l("Published results of youth budgets: votes, cost and why each project was or was not funded."),
        "results",
        (*RESULT_FIELDS, ("title_cy", _l("the project's title in Welsh, where written"))),
    ),
    (
        _l("Youth budget delivery"),
        _l("Progress on funded youth budget projects."),
        "delivery",
        (*DELIVERY_FIELDS, ("title_cy", _l("the project's title in Welsh, where written"))),
    ),
)

_FILES = tuple(
    Dataset(
        title,
        description,
        (("JSON", f"/budgets/{name}.json"), ("CSV", f"/budgets/{name}.csv")),
        fields,
        _l("Youth budgets"),
    )
    for title, description, name, fields in _DATASETS
)
TURNOUT_MAPS = Dataset(
    _l("Youth budget turnout by area maps"),
    _l(
        "Each published youth budget's ballots per 1,000 residents of each budget area, on the wards the "
        "area covers, as GeoJSON (RFC 7946), at /budgets/NAME/turnout-by-area.geojson (linked under the "
        "map on the budget's results page). Counts from 1 to 4 are given as '%(fewer)s'.",
        fewer=FEWER,
    ),
    (),
    (
        *GEOJSON_FIELDS,
        ("area", _l("the budget area the ward is in")),
        ("ballots", _l("ballots cast in that area, online and paper")),
        ("per_1000", _l("ballots per 1,000 residents of all the area's wards")),
    ),
    _l("Youth budgets"),
)
DATASETS = (*_FILES, TURNOUT_MAPS)


def proposal_record(p: BudgetProposal, areas: dict[int | None, str]) -> dict[str, Any]:
    """A checked project as every proposals file shows it (each file picks its columns)."""
    return {
        "number": p.number,
        "title": p.title,
        "summary": p.summary,
        "area": areas.get(p.area_id, ""),
        "cost": p.cost,
        "feasibility": p.feasibility.value,
        "reason": p.reason,
    }


def delivery_record(
    p: BudgetProposal, delivery: BudgetDelivery, latest: list[BudgetDeliveryUpdate]
) -> dict[str, Any]:
    """A funded project's progress as every delivery file shows it; `latest` is newest first."""
    return {
        "project": p.number,
        "title": p.title,
        "cost": p.cost,
        "owner": delivery.owner,
        "status": delivery.status.value,
        "percent": delivery.percent,
        "latest_update": latest[0].text if latest else "",
        "latest_update_at": latest[0].at.isoformat() if latest else "",
    }


def _pick(fields: tuple[tuple[str, object], ...], record: dict[str, Any]) -> dict[str, Any]:
    return {name: record[name] for name, _ in fields}


async def _proposals(request: Request) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    async with reading(request) as session:
        for process in await service.list_processes(session):
            areas = {a.id: a.name for a in await service.areas_of(session, row_id(process))}
            checked = [
                p
                for p in await service.proposals_of(session, row_id(process))
                if p.feasibility != Feasibility.PENDING
            ]
            mine = [
                _pick(PROPOSAL_FIELDS, {"budget": process.slug, **proposal_record(p, areas)}) for p in checked
            ]
            ids = [row_id(p) for p in checked]
            await service_versions.add_open_data(
                session, request, mine, ids, service_versions.DATASET_VERSIONS["proposals"]
            )
            rows += mine
    return rows


async def _results(request: Request) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    async with reading(request) as session:
        for process in await service.list_processes(session):
            result = await service_results.latest_result(session, row_id(process), published=True)
            if result is not None:
                proposals = await service.proposals_of(session, row_id(process))
                mine = [
                    {"budget": process.slug, **row} for row in service_results.result_rows(result, proposals)
                ]
                ids = service_versions.ids_of(mine, proposals)
                await service_versions.add_open_data(
                    session, request, mine, ids, service_versions.DATASET_VERSIONS["results"]
                )
                rows += mine
    return rows


async def _delivery(request: Request) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    async with reading(request) as session:
        for process in await service.list_processes(session):
            tracked = await service.deliveries_of(session, row_id(process))
            proposals = [p for p in await service.proposals_of(session, row_id(process)) if p.id in tracked]
            updates = await service.updates_of(session, [row_id(p) for p in proposals])
            mine = [
                _pick(
                    DELIVERY_FIELDS,
                    {
                        "budget": process.slug,
                        **delivery_record(p, tracked[row_id(p)], updates.get(row_id(p), [])),
                    },
                )
                for p in proposals
            ]
            ids = [row_id(p) for p in proposals]
            await service_versions.add_open_data(
                session, request, mine, ids, service_versions.DATASET_VERSIONS["delivery"]
            )
            rows += mine
    return rows


SOURCES = {
    "proposals": (_proposals, PROPOSAL_FIELDS),
    "results": (_results, RESULT_FIELDS),
    "delivery": (_delivery, DELIVERY_FIELDS),
}


async def dataset(request: Request) -> Response:
    name, fmt = request.path_params["name"], request.path_params["fmt"]
    if name not in SOURCES or fmt not in {"json", "csv"}:
        raise HTTPException(404)
    load, fields = SOURCES[name]
    rows = await load(request)
    if fmt == "json":
        return json_response(rows)
    columns = [f for f, _ in fields] + service_versions.dataset_columns(request, name)
    return csv_of_records(columns, rows, f"youth-budget-{name}.csv")
