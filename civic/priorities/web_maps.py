"""A published round's map: online voters by ward in the neighbourhood, on the round's page and as
GeoJSON open data. The counts are the ones stored when voting closed (`PriorityRound.ward_counts`)."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core.areas import wards_of
from civic.core.boundaries import map_wards
from civic.core.db import reading
from civic.core.errors import NotFound
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.maps import Choropleth, MapWard, choropleth, count_figures, geojson, numeric_scale, whole
from civic.core.publish import geojson_document
from civic.priorities.models import PriorityRound, RoundState

TITLE = _l("Online voters by ward")
NOTE = _l(
    "People who work in the neighbourhood but live elsewhere are counted in the total, not on the map. "
    "Where a ward has fewer than 5 voters the number is not shown; where only one number would be "
    "hidden, the next smallest is hidden too, so that it cannot be worked out from the total."
)


def voters_map(wards: list[MapWard], counts: dict[str, int]) -> Choropleth:
    codes = [w.code for w in wards]
    others = [n for code, n in counts.items() if code not in set(codes)]  # workers, not a ward
    figures = count_figures(codes, counts, key="voters", noun=gettext("voters"), others=others)
    values = [f.value for f in figures.values() if f.value is not None]
    scale = numeric_scale(values, whole, integer=True)
    return choropleth(wards, figures, scale, title=str(TITLE), measure=gettext("Voters"), note=str(NOTE))


async def load_map(session: AsyncSession, item: PriorityRound) -> tuple[Choropleth, list[MapWard]] | None:
    """The round's map once its results are published; None before (the counts are not public yet)."""
    if item.state != RoundState.PUBLISHED or not item.ward_counts:
        return None
    codes = [w.code for w in await wards_of(session, item.neighbourhood_slug)]
    wards = await map_wards(session, codes)
    if not any(w.path for w in wards):
        return None
    return voters_map(wards, item.ward_counts), wards


async def round_geojson(request: Request) -> Response:
    """The round's voters by ward as GeoJSON: ward outlines with the counts, under the licence."""
    from civic.priorities.web import load_round  # web imports this module for the round's page

    item = await load_round(request)
    async with reading(request) as session:
        loaded = await load_map(session, item)
    if loaded is None:
        raise NotFound()
    chart, wards = loaded
    return geojson_document({**geojson(chart, wards), "round_id": item.id})
