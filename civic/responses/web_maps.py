"""The report cards' map: each ward's grade, beside a table with its due and overdue asks, on the
report cards page and as GeoJSON open data. Grades are worked out from ratings and dates, not from
counts of people, so the small-count rule does not hide them; a ward with no grade says "No data"."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response

from civic.core.boundaries import map_wards
from civic.core.clock import now
from civic.core.db import reading
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.maps import NONE, Choropleth, Figure, MapWard, choropleth, geojson, ordered_scale
from civic.core.publish import geojson_document
from civic.core.reportcard import Scope
from civic.responses import queries_report
from civic.responses.queries_report import Card

TITLE = _l("Report card grades by ward")
LABELS = ("E or F", "D", "C", "B", "A")  # five classes, best darkest: E and F share the lightest
PLACE = {"F": 0, "E": 0, "D": 1, "C": 2, "B": 3, "A": 4}
NOTE = _l("A ward has no grade until asks from it have come due or been rated.")


def grade_figure(card: Card) -> Figure:
    cells = (str(card.timeliness.due), str(card.timeliness.overdue_open))
    data = {"grade": card.grade, "due": card.timeliness.due, "overdue_now": card.timeliness.overdue_open}
    if card.grade is None:
        return Figure(None, gettext("No data"), NONE, cells, data, gettext("no grade yet"))
    spoken = gettext("grade %(grade)s", grade=card.grade)
    return Figure(PLACE[card.grade], card.grade, cells=cells, data=data, spoken=spoken)


def grades_map(wards: Sequence[MapWard], cards: Sequence[Card]) -> Choropleth:
    figures = {card.scope.key or "": grade_figure(card) for card in cards}
    return choropleth(
        wards,
        figures,
        ordered_scale(LABELS),
        title=str(TITLE),
        measure=gettext("Grade"),
        columns=(gettext("Due"), gettext("Overdue now")),
        note=str(NOTE),
    )


async def ward_cards_geojson(request: Request) -> Response:
    """Every ward's grade as GeoJSON: ward outlines with the grade and due/overdue counts."""
    at = now(request)
    async with reading(request) as session:
        facts = await queries_report.read_facts(session, at)
        wards = await map_wards(session)
    cards = [queries_report.card_for(facts, Scope("ward", w.code, w.name), at) for w in wards]
    return geojson_document(geojson(grades_map(wards, cards), wards))
