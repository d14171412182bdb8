"""The map module's pure parts: reading ONS boundary files, simplifying, projecting, SVG paths,
the colour scale and the figures under the small-count rule."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import shape

from civic.core import geometry, maps
from civic.core.geometry import BoundaryError, Frame, prepare, read_boundaries, svg_path
from civic.core.maps import (
    Figure,
    MapWard,
    choropleth,
    count_figures,
    numeric_scale,
    ordered_scale,
    rate_figures,
)

FIXTURE = Path(__file__).parent / "data" / "ons_wards_2024_bgc.geojson"
DEMO = Path(__file__).parents[2] / "civic" / "demo" / "fernbridge_wards.geojson"


def collection(*features: dict[str, Any], **extra: Any) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features), **extra})


def square(code: str = "E05000001", key: str = "WD24CD", size: float = 0.01) -> dict[str, Any]:
    ring = [[-1.0, 52.0], [-1.0 + size, 52.0], [-1.0 + size, 52.0 + size], [-1.0, 52.0 + size], [-1.0, 52.0]]
    name = key[:-2] + ("NM" if key.isupper() else "nm")
    return {
        "type": "Feature",
        "properties": {key: code, name: "Square"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_an_ons_file_is_read_with_its_ward_codes_names_and_both_geometry_types() -> None:
    wards = read_boundaries(FIXTURE.read_text())
    assert [(w.code, w.name) for w in wards] == [
        ("E05900001", "Abbey"), ("E05900008", "Harbour"), ("E05099999", "Somewhere Else"),
    ]  # fmt: skip
    assert [w.geometry.geom_type for w in wards] == ["Polygon", "MultiPolygon", "Polygon"]


@pytest.mark.parametrize("key", ["WD23CD", "WD22CD", "wd25cd"])
def test_the_ward_code_key_of_any_year_is_found(key: str) -> None:
    (ward,) = read_boundaries(collection(square("e05000009", key=key)))
    assert ward.code == "E05000009" and ward.name == "Square"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON"),
        (json.dumps({"type": "Feature"}), "not a GeoJSON FeatureCollection"),
        (json.dumps([1, 2]), "not a GeoJSON FeatureCollection"),
        (collection(), "has no features"),
        (collection({"type": "Feature", "properties": {"LAD24CD": "E06000001"}, "geometry": None}), "no ward code"),
        (collection({**square(), "geometry": {"type": "Point", "coordinates": [0, 0]}}), "no Polygon"),
        (collection({**square(), "geometry": {"type": "Polygon", "coordinates": "x"}}), "cannot be read"),
        (collection({**square(), "properties": {"WD24CD": ""}}), "feature 1 has no WD24CD"),
        (collection(square(), crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}), "British National Grid"),
        (collection({**square(), "geometry": {"type": "Polygon", "coordinates": [[[409000, 342000], [409100, 342000], [409100, 342100], [409000, 342000]]]}}), "outside longitude/latitude"),
    ],
)  # fmt: skip
def test_a_bad_file_gets_a_message_naming_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(BoundaryError, match=message):
        read_boundaries(text)


def test_the_projection_scales_longitude_by_the_cosine_of_the_latitude() -> None:
    at_60 = shape(
        {"type": "Polygon", "coordinates": [[[0, 59.5], [1, 59.5], [1, 60.5], [0, 60.5], [0, 59.5]]]}
    )
    frame = Frame.around([at_60])
    assert frame.cos_lat == pytest.approx(0.5)
    x0, y0 = frame.point(0, 60.5)
    x1, y1 = frame.point(1, 59.5)
    assert (x0, y0) == (0, 0) and x1 == geometry.MAP_WIDTH
    assert y1 == pytest.approx(2 * x1)  # a degree of latitude is twice a degree of longitude at 60°N


def test_svg_paths_have_a_subpath_per_ring_holes_and_islands_included() -> None:
    with_hole = shape({"type": "Polygon", "coordinates": [
        [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]], [[1, 1], [2, 1], [2, 2], [1, 2], [1, 1]],
    ]})  # fmt: skip
    frame = Frame.around([with_hole])
    path = svg_path(frame, with_hole)
    # SVG's y axis points down: the ring starts at the south-west corner, drawn bottom left
    bottom = frame.point(0, 0)[1]
    assert bottom == max(frame.point(0, 4)[1], bottom) and bottom > 0
    assert path.count("M") == 2 and path.count("Z") == 2 and path.startswith(f"M0,{bottom:g}L")
    harbour = read_boundaries(FIXTURE.read_text())[1].geometry
    assert svg_path(Frame.around([harbour]), harbour).count("M") == 2


def test_simplifying_keeps_shared_borders_shared_and_makes_the_outlines_smaller() -> None:
    raw = read_boundaries(DEMO.read_text())
    before = sum(
        len(shape_.geometry.exterior.coords) for shape_ in raw if shape_.geometry.geom_type == "Polygon"
    )
    simplified = geometry.simplify([w.geometry for w in raw])
    after = sum(len(g.exterior.coords) for g in simplified if g.geom_type == "Polygon")
    # the demo outlines are already generalised like an ONS "BGC" file, so a tolerance of about a
    # pixel at the drawn size removes fewer points than on a full-resolution file
    assert after < before * 0.9
    for i, a in enumerate(simplified):
        for b in simplified[i + 1 :]:
            assert a.intersection(b).area < 1e-12  # no overlaps: borders moved together
    total_before = sum(w.geometry.area for w in raw)
    assert sum(g.area for g in simplified) == pytest.approx(total_before, rel=0.01)


def test_prepared_wards_carry_rounded_geojson_a_path_and_a_box_in_one_frame() -> None:
    shapes = prepare(read_boundaries(FIXTURE.read_text()))
    abbey, harbour, _ = shapes
    lon, lat = abbey.geojson["coordinates"][0][0]
    assert lon == round(lon, 5) and lat == round(lat, 5)
    assert harbour.geojson["type"] == "MultiPolygon"
    # the frame's origin is the north-west corner of all the wards; their shared border zigzags, so
    # Abbey being west of Harbour is told by the boxes' middles, not by their edges
    assert abbey.box[0] == 0 and abbey.box[1] == 0
    assert abbey.box[0] + abbey.box[2] < harbour.box[0] + harbour.box[2]
    assert all(s.path.startswith("M") for s in shapes)


def test_the_scale_has_five_round_classes_from_zero() -> None:
    scale = numeric_scale([0.0, 3.1, 9.7], maps.one_decimal)
    assert [b.label for b in scale.bands] == [
        "under 2",
        "2 to under 4",
        "4 to under 6",
        "6 to under 8",
        "8 or more",
    ]
    assert [scale.place(v) for v in (0, 1.99, 2, 9.7, 10)] == [0, 0, 1, 4, 4]
    assert maps.nice_step(0) == 1 and maps.nice_step(12) == 2.5 and maps.nice_step(1000) == 200
    counts = numeric_scale([0, 12], maps.whole, integer=True)
    assert counts.bands[1].label == "3 to under 6"
    grades = ordered_scale(["E or F", "D", "C", "B", "A"])
    assert grades.css_for(Figure(4, "A")) == "civic-map--c5"
    assert grades.css_for(Figure(None, "fewer than 5", maps.SMALL)) == "civic-map--small"
    assert grades.css_for(Figure(None, "No data", maps.NONE)) == "civic-map--none"


def ward(code: str, name: str, population: int = 1000, drawn: bool = True) -> MapWard:
    box = (0.0, 0.0, 10.0, 20.0) if code.endswith("1") else (10.0, 5.0, 30.0, 25.0)
    return MapWard(code, name, population, "M0,0L1,0L1,1Z" if drawn else None, box if drawn else None, None)


def test_counts_follow_the_small_count_rule_for_a_breakdown() -> None:
    codes = ["W1", "W2", "W3"]
    figures = count_figures(codes, {"W1": 3, "W2": 7, "W3": 20}, key="votes", noun="votes")
    assert [figures[c].text for c in codes] == ["fewer than 5", "not shown", "20"]
    assert [figures[c].state for c in codes] == [maps.SMALL, maps.SMALL, maps.VALUE]
    assert figures["W1"].data == {"votes": "fewer than 5"} and figures["W3"].data == {"votes": 20}
    zero = count_figures(["W1"], {}, key="votes", noun="votes")["W1"]
    assert zero.text == "0" and zero.value == 0  # nobody: shown, it identifies no one


def test_rates_hide_what_the_counts_hide_and_need_a_population() -> None:
    wards = [ward("W1", "One", 2000), ward("W2", "Two", 0), ward("W3", "Three", 500)]
    figures = rate_figures(wards, {"W1": 10, "W2": 8, "W3": 2}, key="n", rate_key="rate", noun="signatures")
    assert figures["W1"].text == "5.0" and figures["W1"].cells == ("10",)
    assert figures["W1"].spoken == "5.0 signatures per 1,000 residents (10 in all)"
    assert figures["W2"].state == maps.SMALL  # hidden so W3's small count cannot be worked out
    assert figures["W3"].data == {"n": "fewer than 5", "rate": None}
    no_population = rate_figures([ward("W2", "Two", 0)], {"W2": 8}, key="n", rate_key="rate", noun="x")["W2"]
    assert no_population.state == maps.NONE and no_population.text == "No data"


def test_a_choropleth_names_each_ward_and_frames_the_drawn_ones() -> None:
    wards = [ward("W1", "One"), ward("W2", "Two"), ward("W3", "Three", drawn=False)]
    figures = {
        "W1": Figure(2.0, "2.0", spoken="2.0 per 1,000"),
        "W2": Figure(None, "fewer than 5", maps.SMALL),
    }
    chart = choropleth(wards, figures, numeric_scale([2.0], maps.one_decimal), title="T", measure="Rate")
    assert [r.label for r in chart.rows] == ["One: 2.0 per 1,000", "Two: fewer than 5", "Three: No data"]
    assert [r.href for r in chart.drawn] == ["/responses/wards/W1", "/responses/wards/W2"]
    assert chart.view_box == "-8 -8 46 41"
    assert chart.states[0][1].startswith("Not shown") and len(chart.states) == 2
    data = maps.geojson(chart, wards)
    assert data["type"] == "FeatureCollection" and [f["id"] for f in data["features"]] == ["W1", "W2", "W3"]
    assert math.isfinite(len(data["features"]))
