"""A published youth budget's map: ballots per 1,000 residents of each budget area, drawn on the
wards each area covers, on the results page and as GeoJSON open data.

Ballots record their area, not where the voter lives, so every ward of an area carries the area's
figure; areas that cover no ward (a school) are in the turnout table only. The counts go through the
same small-count rule as that table (one `shown_breakdown` over all the areas), so the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.budgets import queries, service, service_results
from civic.budgets.models import BudgetArea, BudgetProcess
from civic.core.boundaries import map_wards
from civic.core.db import reading, row_id
from civic.core.errors import NotFound
from civic.core.maps import (
    NONE,
    SMALL,
    Choropleth,
    Figure,
    MapWard,
    choropleth,
    geojson,
    hidden_words,
    numeric_scale,
    one_decimal,
)
from civic.core.publish import FEWER, HIDDEN, geojson_document, shown_breakdown

TITLE = "Youth budget ballots by area"
MEASURE = "Ballots per 1,000 residents of the area"
COLUMNS = ("Budget area", "Ballots in the area")
NOTE = (
    "Ballots record the budget area they were cast in, not where the voter lives, so each ward shows "
    "the figure for its whole area. Rates use the population of all the area's wards. Where an area "
    "has fewer than 5 ballots the number is not shown; where only one area would be hidden, the next "
    "smallest is hidden too, so that it cannot be worked out from the total."
)


@dataclass(frozen=True)
class AreaTurnout:
    area: BudgetArea
    ballots: int
    shown: str  # the count as published under the small-count rule
    population: int  # of the wards it covers


def area_figure(turnout: AreaTurnout) -> Figure:
    name = turnout.area.name
    data: dict[str, object] = {"area": name}
    if turnout.shown in (FEWER, HIDDEN):
        spoken = f"{name} area, {hidden_words(turnout.shown, 'ballots')}"
        cells = (name, turnout.shown)
        return Figure(
            None, "not shown", SMALL, cells, data | {"ballots": turnout.shown, "per_1000": None}, spoken
        )
    if turnout.population <= 0:
        data |= {"ballots": turnout.ballots, "per_1000": None}
        return Figure(
            None, "No data", NONE, (name, turnout.shown), data, f"{name} area, no population figure"
        )
    rate = round(1000 * turnout.ballots / turnout.population, 1)
    spoken = f"{name} area, {rate:,.1f} ballots per 1,000 residents ({turnout.shown} in all)"
    data |= {"ballots": turnout.ballots, "per_1000": rate}
    return Figure(rate, f"{rate:,.1f}", cells=(name, turnout.shown), data=data, spoken=spoken)


def turnout_map(wards: list[MapWard], covered: dict[str, AreaTurnout]) -> Choropleth:
    """`covered` maps a ward code to the turnout of the area it is in."""
    figures = {code: area_figure(turnout) for code, turnout in covered.items()}
    rates = [f.value for f in figures.values() if f.value is not None]
    scale = numeric_scale(rates, one_decimal)
    return choropleth(wards, figures, scale, title=TITLE, measure=MEASURE, columns=COLUMNS, note=NOTE)


async def load_map(session: AsyncSession, process: BudgetProcess) -> tuple[Choropleth, list[MapWard]] | None:
    """The map once results are published and some area covers a ward with an outline; else None."""
    if await service_results.latest_result(session, row_id(process), published=True) is None:
        return None
    links = await service.area_ward_codes(session, row_id(process))
    if not links:
        return None
    areas = await service.areas_of(session, row_id(process))
    wards = await map_wards(session, sorted({code for codes in links.values() for code in codes}))
    if not any(w.path for w in wards):
        return None
    counts = await queries.ballots_by_area(session, row_id(process))
    shown = shown_breakdown([counts.get(row_id(a), 0) for a in areas])
    population = {w.code: w.population for w in wards}
    covered: dict[str, AreaTurnout] = {}
    for area, text in zip(areas, shown, strict=True):
        codes = links.get(row_id(area), [])
        turnout = AreaTurnout(
            area, counts.get(row_id(area), 0), text, sum(population.get(c, 0) for c in codes)
        )
        covered |= dict.fromkeys(codes, turnout)
    return turnout_map(wards, covered), wards


async def turnout_geojson(request: Request) -> Response:
    """The published turnout by area as GeoJSON: ward outlines with their area's figures."""
    from civic.budgets.web import load_process  # web imports this module for the results page

    async with reading(request) as session:
        process = await load_process(session, request)
        loaded = await load_map(session, process)
    if loaded is None:
        raise NotFound("This youth budget has no turnout map.")
    chart, wards = loaded
    return geojson_document({**geojson(chart, wards), "budget": process.slug})
