"""A petition's map: signatures per 1,000 residents by ward, on its page and as GeoJSON open data."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core.boundaries import map_wards
from civic.core.db import reading, row_id
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.maps import Choropleth, MapWard, choropleth, geojson, numeric_scale, one_decimal, rate_figures
from civic.core.publish import geojson_document
from civic.petitions.web_common import cacheable, kept, load_visible

# Translated when the map is built, in the reader's language (the page's data is cached per language).
TITLE = _l("Signatures per 1,000 residents by ward")
NOTE = _l(
    "Rates use each ward's population. Where a ward has fewer than 5 signatures its count and rate are "
    "not shown; where only one ward would be hidden, the next smallest is hidden too, so that it cannot "
    "be worked out from the total."
)


def signatures_map(wards: list[MapWard], counts: list[tuple[str, int]]) -> Choropleth:
    by_ward = dict(counts)
    codes = {w.code for w in wards}
    others = [n for code, n in counts if code not in codes]  # people who work or study here
    figures = rate_figures(
        wards,
        by_ward,
        key="signatures",
        rate_key="per_1000_residents",
        noun=gettext("signatures"),
        others=others,
    )
    rates = [f.value for f in figures.values() if f.value is not None]
    return choropleth(
        wards,
        figures,
        numeric_scale(rates, one_decimal),
        title=str(TITLE),
        measure=gettext("Per 1,000 residents"),
        columns=(gettext("Signatures"),),
        note=str(NOTE),
    )


async def load_map(session: AsyncSession, counts: list[tuple[str, int]]) -> tuple[Choropleth, list[MapWard]]:
    wards = await map_wards(session)
    return signatures_map(wards, counts), wards


async def petition_geojson(request: Request) -> Response:
    """The petition's map as GeoJSON: ward outlines with signatures and the rate, under the licence."""
    async with reading(request) as session:
        petition = await load_visible(session, request)
        counts = await kept(request).counts.wards(session, row_id(petition))
        chart, wards = await load_map(session, counts)
    document = {**geojson(chart, wards), "petition_id": petition.id}
    return geojson_document(document, cache=cacheable(request, 10)["Cache-Control"])
