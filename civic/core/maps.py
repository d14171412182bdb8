"""Choropleth maps by ward: the colour scale, the areas to draw and the open-data GeoJSON.

One sequential single-hue scale of five classes (a blues ramp: lightness falls steadily from the
first class to the fifth, so it reads the same to colour-blind readers and in greyscale print), plus
two states that are not on the scale: "fewer than 5" (the small-count rule of civic.core.publish),
drawn hatched, and "no data", drawn white with a dashed outline. The colours are CSS classes
(static/scss/civic.scss); the markup is the `choropleth` macro in templates/_macros/maps.html.
No IO: the handler loads the wards (civic.core.boundaries.map_wards) and the figures first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.publish import FEWER, HIDDEN, shown_breakdown, shown_text

CLASSES = 5
WARD_PAGE = "/responses/wards/{code}"  # a ward's report card: what each ward on a map links to
PADDING = 8.0  # map units around the drawn wards, so outlines are not clipped
VALUE, SMALL, NONE = "value", "small", "none"
STATE_CSS = {SMALL: "civic-map--small", NONE: "civic-map--none"}


@dataclass(frozen=True)
class MapWard:
    """What a map knows of a ward: its name, population and (when imported) its outline."""

    code: str
    name: str
    population: int
    path: str | None
    box: tuple[float, float, float, float] | None
    geometry: dict[str, Any] | None


@dataclass(frozen=True)
class Figure:
    """A ward's figure. `value` places it on the scale (state VALUE only); `text` is how the page says
    it; `cells` are the table's further columns (say, the count behind a rate); `data` is what the
    GeoJSON carries for it, already under the small-count rule."""

    value: float | None
    text: str
    state: str = VALUE
    cells: tuple[str, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    spoken: str = ""  # the accessible name's figure, when it needs more words than the table's text


@dataclass(frozen=True)
class Band:
    css: str
    label: str


@dataclass(frozen=True)
class Scale:
    bands: tuple[Band, ...]
    place: Callable[[float], int]  # a value -> its band's index

    def css_for(self, figure: Figure) -> str:
        if figure.state != VALUE or figure.value is None:
            return STATE_CSS[figure.state if figure.state in STATE_CSS else NONE]
        return self.bands[self.place(figure.value)].css


def band_css(index: int) -> str:
    return f"civic-map--c{index + 1}"


def nice_step(top: float, classes: int = CLASSES) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that spans `top` in `classes` steps."""
    if top <= 0:
        return 1.0
    raw = top / classes
    power = 10 ** math.floor(math.log10(raw))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power * classes >= top))


def numeric_scale(values: Sequence[float], fmt: Callable[[float], str], *, integer: bool = False) -> Scale:
    """Five equal classes from 0 to a round number at or above the largest value; a band holds its
    lower figure ("2 to under 4" holds 2). Counts (`integer`) get whole-number steps."""
    step = nice_step(max(values, default=0.0))
    if integer:
        step = float(max(1, math.ceil(step)))

    def label(i: int) -> str:
        low, high = fmt(step * i), fmt(step * (i + 1))
        if i == 0:
            return gettext("under %(high)s", high=high)
        if i == CLASSES - 1:
            return gettext("%(low)s or more", low=low)
        return gettext("%(low)s to under %(high)s", low=low, high=high)

    bands = tuple(Band(band_css(i), label(i)) for i in range(CLASSES))
    return Scale(bands, lambda v: max(0, min(CLASSES - 1, math.floor(v / step))))


def ordered_scale(labels: Sequence[str]) -> Scale:
    """Ranked categories (best last, darkest), one class each; a value is its label's index."""
    assert len(labels) == CLASSES, "an ordered scale has one label per class"
    bands = tuple(Band(band_css(i), label) for i, label in enumerate(labels))
    return Scale(bands, lambda v: max(0, min(CLASSES - 1, int(v))))


@dataclass(frozen=True)
class MapRow:
    code: str
    name: str
    href: str
    figure: Figure
    css: str
    label: str  # the accessible name: "Abbey: 3.2 signatures per 1,000 residents"
    path: str | None


@dataclass(frozen=True)
class Choropleth:
    title: str  # what the map shows, e.g. "Signatures per 1,000 residents by ward"
    measure: str  # the figure's column heading
    columns: tuple[str, ...]  # headings of the figure's further cells
    rows: tuple[MapRow, ...]
    bands: tuple[Band, ...]
    view_box: str
    note: str = ""

    @property
    def drawn(self) -> tuple[MapRow, ...]:
        return tuple(r for r in self.rows if r.path)

    @property
    def states(self) -> tuple[tuple[str, str], ...]:
        """The legend's entries beyond the scale, only those the map uses."""
        used = {r.figure.state for r in self.rows}
        entries = (
            (
                SMALL,
                gettext(
                    "Not shown: %(fewer)s, or hidden so a small count cannot be worked out",
                    fewer=shown_text(FEWER),
                ),
            ),
            (NONE, gettext("No data")),
        )
        return tuple((STATE_CSS[s], text) for s, text in entries if s in used)


def view_box(wards: Sequence[MapWard]) -> str:
    boxes = [w.box for w in wards if w.box is not None and w.path]
    if not boxes:
        return "0 0 0 0"
    x0, y0 = min(b[0] for b in boxes) - PADDING, min(b[1] for b in boxes) - PADDING
    x1, y1 = max(b[2] for b in boxes) + PADDING, max(b[3] for b in boxes) + PADDING
    return f"{x0:g} {y0:g} {x1 - x0:g} {y1 - y0:g}"


def choropleth(
    wards: Sequence[MapWard],
    figures: Mapping[str, Figure],
    scale: Scale,
    *,
    title: str,
    measure: str,
    columns: Sequence[str] = (),
    note: str = "",
    href: str = WARD_PAGE,
) -> Choropleth:
    """A map of `wards`: each coloured by its figure (a ward with none says "No data")."""
    empty = Figure(None, gettext("No data"), NONE, tuple("" for _ in columns))
    rows = []
    for ward in wards:
        figure = figures.get(ward.code, empty)
        label = gettext("%(ward)s: %(figure)s", ward=ward.name, figure=figure.spoken or figure.text)
        rows.append(
            MapRow(
                ward.code,
                ward.name,
                href.format(code=ward.code),
                figure,
                scale.css_for(figure),
                label,
                ward.path,
            )
        )
    return Choropleth(title, measure, tuple(columns), tuple(rows), scale.bands, view_box(wards), note)


def geojson(chart: Choropleth, wards: Sequence[MapWard]) -> dict[str, Any]:
    """The map's figures as a GeoJSON FeatureCollection: each ward's simplified outline (or null when
    none was imported) with its code, name and the published figures. No personal data."""
    geometry = {w.code: w.geometry for w in wards}
    features = [
        {
            "type": "Feature",
            "id": row.code,
            "geometry": geometry.get(row.code),
            "properties": {"ward_code": row.code, "ward": row.name, **row.figure.data},
        }
        for row in chart.rows
    ]
    return {"type": "FeatureCollection", "title": chart.title, "features": features}


GEOJSON_FIELDS = (
    ("id", _l("the ward's ONS code (also ward_code)")),
    ("geometry", _l("the ward's outline, simplified for the web, longitude/latitude (WGS84) to 5 decimals")),
    ("ward_code", _l("the ward's ONS code")),
    ("ward", _l("the ward's name")),
)


# --- figures under the small-count rule ------------------------------------------------------------


def shown_counts(codes: Sequence[str], counts: Mapping[str, int], others: Sequence[int] = ()) -> list[str]:
    """The wards' counts as published: `shown_breakdown` over them and any `others` that make up the
    same published total (people outside the wards), so a hidden count cannot be worked out."""
    return shown_breakdown([*(counts.get(code, 0) for code in codes), *others])[: len(codes)]


def count_figures(
    codes: Sequence[str], counts: Mapping[str, int], *, key: str, noun: str, others: Sequence[int] = ()
) -> dict[str, Figure]:
    """Counts by ward, coloured by the count: "12", or "fewer than 5" / "not shown" hatched."""
    figures = {}
    for code, text in zip(codes, shown_counts(codes, counts, others), strict=True):
        if text in (FEWER, HIDDEN):
            figures[code] = Figure(
                None, shown_text(text), SMALL, data={key: text}, spoken=hidden_words(text, noun)
            )
        else:
            n = counts.get(code, 0)
            spoken = gettext("%(count)s %(noun)s", count=text, noun=noun)
            figures[code] = Figure(n, text, data={key: n}, spoken=spoken)
    return figures


def rate_figures(
    wards: Sequence[MapWard],
    counts: Mapping[str, int],
    *,
    key: str,
    rate_key: str,
    noun: str,
    per: int = 1000,
    others: Sequence[int] = (),
) -> dict[str, Figure]:
    """Counts per `per` residents by ward, coloured by the rate; the count is the table's second
    column. A rate would give a hidden count back (the population is published), so it is hidden too."""
    codes = [w.code for w in wards]
    figures = {}
    for ward, text in zip(wards, shown_counts(codes, counts, others), strict=True):
        n = counts.get(ward.code, 0)
        if text in (FEWER, HIDDEN):
            spoken = hidden_words(text, noun)
            figures[ward.code] = Figure(
                None, shown_text(HIDDEN), SMALL, (shown_text(text),), {key: text, rate_key: None}, spoken
            )
        elif ward.population <= 0:
            spoken = gettext("%(count)s %(noun)s, no population figure", count=text, noun=noun)
            figures[ward.code] = Figure(
                None, gettext("No data"), NONE, (text,), {key: n, rate_key: None}, spoken
            )
        else:
            rate = round(per * n / ward.population, 1)
            spoken = gettext(
                "%(rate)s %(noun)s per %(per)s residents (%(count)s in all)",
                rate=f"{rate:,.1f}",
                noun=noun,
                per=f"{per:,}",
                count=text,
            )
            figures[ward.code] = Figure(
                rate, f"{rate:,.1f}", VALUE, (text,), {key: n, rate_key: rate}, spoken
            )
    return figures


def hidden_words(text: str, noun: str) -> str:
    """How a hidden figure is read out: "fewer than 5 signatures", or "number of signatures not
    shown" for one hidden only so that a small count elsewhere cannot be worked out."""
    if text == FEWER:
        return gettext("%(count)s %(noun)s", count=shown_text(FEWER), noun=noun)
    return gettext("number of %(noun)s not shown", noun=noun)


def one_decimal(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def whole(value: float) -> str:
    return f"{value:,.0f}"
