"""Petitions in the open data hub: signature counts by ward, the Atom feed, and rating aggregates of
the council's answers in the responses dataset."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.users import Role
from civic.petitions.models import SignatureState, State
from civic.responses.service import response_for
from civic.responses.service_ratings import rate
from tests.conftest import StaffFactory
from tests.petitions.conftest import PetitionMaker, publish_answer
from tests.support.web import WebClient

ATOM = "{http://www.w3.org/2005/Atom}"


async def test_the_hub_lists_the_petition_datasets_with_their_formats(web: WebClient) -> None:
    hub = (await web.get("/data")).text
    for path in (
        "/petitions.json",
        "/petitions.csv",
        "/petitions.atom",
        "/petitions/signatures-by-ward.json",
        "/petitions/signatures-by-ward.csv",
    ):
        assert f'href="{path}"' in hub, path
    assert "Petition signatures by ward" in hub and "Open Government Licence" in hub


async def test_signatures_by_ward_count_only_confirmed_honest_signatures_of_published_petitions(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    open_one = await make_petition()
    await make_petition.signatures(open_one, 3, ward="E05900001")
    await make_petition.signatures(open_one, 2, ward="E05900006")
    await make_petition.signatures(open_one, 4, ward="E05900006", suspect=True)
    await make_petition.signatures(open_one, 5, ward="E05900006", state=SignatureState.PENDING)
    waiting = await make_petition(State.MODERATION)
    await make_petition.signatures(waiting, 7, ward="E05900001")

    data = (await web.get("/petitions/signatures-by-ward.json")).json()
    assert data["licence"].startswith("Open Government Licence")
    rows = {(r["petition_id"], r["ward_code"]): r["signatures"] for r in data["data"]}
    # the small-count rule of every other public count: 1 to 4 is "fewer than 5"
    assert rows == {(open_one.id, "E05900001"): "fewer than 5", (open_one.id, "E05900006"): "fewer than 5"}
    assert {r["ward"] for r in data["data"]} == {"Abbey", "Fernbridge Central"}

    table = await web.get("/petitions/signatures-by-ward.csv")
    assert table.headers["content-type"].startswith("text/csv")
    parsed = list(csv.DictReader(io.StringIO(table.text)))
    assert [(r["ward_code"], r["signatures"]) for r in parsed] == [
        ("E05900001", "fewer than 5"),
        ("E05900006", "fewer than 5"),
    ]


async def test_the_atom_feed_lists_published_petitions_only(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    shown = await make_petition(action="Mend the = bridge & path <now>")
    await make_petition(State.MODERATION, action="Not yet public")
    feed = await web.get("/petitions.atom")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.text)  # noqa: S314 - the app's own feed, in a test
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    assert titles == ["Mend the = bridge & path <now>"]
    link = root.find(f"{ATOM}entry/{ATOM}link")
    assert link is not None and link.get("href", "").endswith(f"/petitions/{shown.id}")


async def test_the_responses_dataset_carries_rating_aggregates(
    web: WebClient,
    db: Database,
    clock: FrozenClock,
    make_petition: PetitionMaker,
    make_staff: StaffFactory,
) -> None:
    petition = await make_petition()
    councillor = await make_staff(Role.COUNCILLOR, email="r@council.example")
    async with db.transaction() as session:
        await publish_answer(
            session, petition, actor=councillor, summary="Yes.", details="Soon.", now=clock.now()
        )
        response = await response_for(session, "petition", str(petition.id))
        assert response is not None
        for rater, score in (("a", 5), ("b", 2)):
            await rate(session, response, rater=rater, score=score, comment="", now=clock.now())
    records = (await web.get("/responses.json")).json()["data"]
    mine = [r for r in records if r["target_kind"] == "petition"]
    assert [(r["rating_average"], r["ratings"]) for r in mine] == [(3.5, 2)]
    table = list(csv.DictReader(io.StringIO((await web.get("/responses.csv")).text)))
    assert [(r["rating_average"], r["ratings"]) for r in table] == [("3.5", "2")]
