"""A petition's map: signatures per 1,000 residents by ward, beside a table, and as GeoJSON."""

from __future__ import annotations

import re

from tests.petitions.conftest import PetitionMaker
from tests.support.web import WebClient


async def test_the_petition_page_shows_a_ward_map_with_the_same_figures_in_a_table(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    await make_petition.signatures(petition, 24, ward="E05900001")  # Abbey, 11,652 residents
    await make_petition.signatures(petition, 6, ward="E05900003")  # Castle, 12,234
    await make_petition.signatures(petition, 2, ward="E05900006")  # small: not shown
    page = (await web.get(f"/petitions/{petition.id}")).text
    assert '<svg class="civic-map__svg"' in page
    links = re.findall(r'<a class="civic-map__link" href="([^"]+)" aria-label="([^"]+)">', page)
    assert len(links) == 12  # every demo ward has a boundary
    labels = dict(links)
    assert labels["/responses/wards/E05900001"] == "Abbey: 2.1 signatures per 1,000 residents (24 in all)"
    assert labels["/responses/wards/E05900006"] == "Fernbridge Central: fewer than 5 signatures"
    # the only other small count would give the hidden one back from the total: Castle is hidden too
    assert labels["/responses/wards/E05900003"] == "Castle: number of signatures not shown"
    assert "civic-map--small" in page and "civic-map--c" in page
    assert "Key: per 1,000 residents" in page
    table = page[page.index('<table class="govuk-table">', page.index("civic-map__svg")) :]
    assert ">Abbey</a>" in table and ">2.1<" in table and ">24<" in table
    assert "Millbrook" in table  # a ward nobody signed from is listed with 0
    assert "style=" not in page and "<script>" not in page  # the strict CSP holds
    assert f'href="/petitions/{petition.id}/signatures-by-ward.geojson"' in page


async def test_the_petition_map_is_geojson_open_data_without_personal_data(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(action="Fix potholes on Elm Street")
    await make_petition.signatures(petition, 12, ward="E05900001")
    await make_petition.signatures(petition, 7, ward="E05900008")
    response = await web.get(f"/petitions/{petition.id}/signatures-by-ward.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["licence"] == "Open Government Licence v3.0" and body["type"] == "FeatureCollection"
    assert body["petition_id"] == petition.id
    features = {f["properties"]["ward_code"]: f for f in body["features"]}
    assert len(features) == 12
    abbey = features["E05900001"]
    assert abbey["properties"] == {
        "ward_code": "E05900001", "ward": "Abbey", "signatures": 12, "per_1000_residents": 1.0,
    }  # fmt: skip
    assert abbey["geometry"]["type"] == "Polygon"
    assert features["E05900008"]["geometry"]["type"] == "MultiPolygon"  # Harbour has an island
    lon, lat = abbey["geometry"]["coordinates"][0][0]
    assert -2.1 < lon < -1.8 and 52.8 < lat < 53.1 and len(str(lon).split(".")[1]) <= 5
    assert "bulk" not in response.text.lower() and "@" not in response.text


async def test_a_petition_in_moderation_has_no_map_data(web: WebClient, make_petition: PetitionMaker) -> None:
    from civic.petitions.models import State

    petition = await make_petition(State.MODERATION)
    assert (await web.get(f"/petitions/{petition.id}/signatures-by-ward.geojson")).status_code == 404
