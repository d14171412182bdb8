"""A published round's map: online voters by ward beside a table, and as GeoJSON open data."""

from __future__ import annotations

import json
import re

from civic.core.db import Database, row_id
from civic.priorities.models import PriorityRound, RoundState
from tests.priorities.conftest import Rounds
from tests.support.web import WebClient


async def published_with(rounds: Rounds, db: Database, counts: dict[str, int]) -> PriorityRound:
    item, _ = await rounds.make(RoundState.PUBLISHED)
    async with db.transaction() as session:
        stored = await session.get(PriorityRound, row_id(item))
        assert stored is not None
        stored.wards_json = json.dumps(counts)  # as closing the round stores them
        session.add(stored)
    return item


async def test_a_published_round_maps_voters_by_ward_with_the_same_figures_in_a_table(
    rounds: Rounds, web: WebClient, db: Database
) -> None:
    item = await published_with(rounds, db, {"E05900001": 12, "E05900006": 30, "E05900004": 3, "work": 9})
    page = (await web.get(f"/priorities/rounds/{item.id}")).text
    assert '<svg class="civic-map__svg"' in page
    labels = dict(re.findall(r'<a class="civic-map__link" href="([^"]+)" aria-label="([^"]+)">', page))
    assert labels["/responses/wards/E05900001"] == "Abbey: 12 voters"
    assert labels["/responses/wards/E05900004"] == "Dockside: fewer than 5 voters"
    assert 0 < len(labels) < 12  # only the neighbourhood's wards of the twelve are drawn
    table = page[page.index('<table class="govuk-table">', page.index("civic-map__svg")) :]
    assert ">Abbey</a>" in table and ">12<" in table and ">fewer than 5<" in table
    assert "style=" not in page
    assert f'href="/priorities/rounds/{item.id}/voters-by-ward.geojson"' in page
    body = (await web.get(f"/priorities/rounds/{item.id}/voters-by-ward.geojson")).json()
    assert body["licence"] == "Open Government Licence v3.0" and body["type"] == "FeatureCollection"
    props = {f["properties"]["ward_code"]: f["properties"] for f in body["features"]}
    assert props["E05900001"]["voters"] == 12 and props["E05900004"]["voters"] == "fewer than 5"
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in body["features"])


async def test_an_open_round_has_no_map_yet(rounds: Rounds, web: WebClient) -> None:
    item, _ = await rounds.make(RoundState.VOTING_OPEN)
    assert "civic-map__svg" not in (await web.get(f"/priorities/rounds/{item.id}")).text
    assert (await web.get(f"/priorities/rounds/{item.id}/voters-by-ward.geojson")).status_code == 404


async def test_the_maps_are_listed_on_the_open_data_page(web: WebClient) -> None:
    page = (await web.get("/data")).text
    assert "Police priority votes: voters by ward maps" in page and "voters-by-ward.geojson" in page
    assert "Petition signatures by ward: maps" in page and "signatures-by-ward.geojson" in page
