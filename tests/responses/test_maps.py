"""The report cards' map: grades by ward beside a table with the same figures, and as GeoJSON."""

from __future__ import annotations

import re

from tests.support.web import WebClient


async def test_the_report_cards_map_every_ward_and_say_which_have_no_grade(
    web: WebClient, areas: None
) -> None:
    page = (await web.get("/responses/report-cards")).text
    assert '<svg class="civic-map__svg"' in page
    labels = dict(re.findall(r'<a class="civic-map__link" href="([^"]+)" aria-label="([^"]+)">', page))
    assert len(labels) == 12
    assert labels["/responses/wards/E05900001"] == "Abbey: no grade yet"  # nothing asked yet
    assert "Key: grade" in page and "E or F" in page and "No data" in page
    table = page[page.index('<table class="govuk-table">', page.index("civic-map__svg")) :]
    assert ">Abbey</a>" in table and "Overdue now" in table
    assert "style=" not in page
    body = (await web.get("/responses/report-cards/wards.geojson")).json()
    assert body["licence"] == "Open Government Licence v3.0" and len(body["features"]) == 12
    abbey = next(f for f in body["features"] if f["id"] == "E05900001")
    assert abbey["properties"] == {
        "ward_code": "E05900001",
        "ward": "Abbey",
        "grade": None,
        "due": 0,
        "overdue_now": 0,
    }
    assert abbey["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert "/responses/report-cards/wards.geojson" in (await web.get("/data")).text
