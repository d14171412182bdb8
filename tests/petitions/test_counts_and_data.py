"""Counts, thresholds, public pages and open data."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.state import app_state
from civic.core.users import Role
from civic.petitions.models import PetitionDebate, State
from tests.conftest import PASSWORD, StaffFactory
from tests.petitions.conftest import PetitionMaker, publish_answer, reload
from tests.support.web import WebClient


async def run_jobs(app: Any) -> dict[str, str]:
    results: dict[str, str] = await app_state(app).worker.jobs_once(force=True)
    return results


async def test_reaching_thresholds_sets_a_due_date_and_the_debate_list_and_invalidation_undoes_it(
    app: Any,
    web: WebClient,
    db: Database,
    clock: FrozenClock,
    make_staff: StaffFactory,
    make_petition: PetitionMaker,
) -> None:
    petition = await make_petition(response_threshold=10, debate_threshold=15)
    await make_petition.signatures(petition, 12, ward="E05900001")
    await make_petition.signatures(petition, 4, ward="E05900006", ip_address="192.0.2.99")
    await run_jobs(app)
    counted = await reload(db, row_id(petition))
    assert counted.signature_count == 16
    assert counted.response_due_at == clock.now() + timedelta(days=30)
    assert counted.debate_threshold_reached_at == clock.now()
    listed = await web.get("/petitions?state=awaiting_response")
    assert counted.action in listed.text
    assert counted.action in (await web.get("/petitions?state=awaiting_debate")).text

    moderator = await make_staff(Role.MODERATOR)
    await web.login(moderator.email, PASSWORD)
    search = await web.get(f"/petitions/{petition.id}/signatures?ip=192.0.2.99")
    assert "4 matching signatures" in search.text
    stale = {"ip": "192.0.2.99", "expected": "3", "reason": "one address"}
    assert (await web.post_form(f"/petitions/{petition.id}/signatures", stale)).status_code == 409
    done = await web.post_form(f"/petitions/{petition.id}/signatures", {**stale, "expected": "4"})
    assert done.status_code == 303 and done.headers["location"].endswith("invalidated=4")
    clock.advance(timedelta(minutes=1))
    await run_jobs(app)
    after = await reload(db, row_id(petition))
    assert after.signature_count == 12
    assert after.debate_threshold_reached_at is None  # fell below, and no debate was scheduled
    assert after.response_due_at is not None  # still above 10
    assert after.action not in (await web.get("/petitions?state=awaiting_debate")).text
    page = await web.get(f"/petitions/{petition.id}")
    assert ">12</span>" in page.text


async def test_thresholds_recorded_at_opening_survive_a_policy_change(
    app: Any, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(response_threshold=5, debate_threshold=50)
    app_state(app).settings.extra["PETITION_RESPONSE_THRESHOLD"] = "1000"
    await make_petition.signatures(petition, 6)
    await run_jobs(app)
    assert (await reload(db, row_id(petition))).response_threshold_reached_at is not None


async def test_the_petition_page_shows_progress_wards_chart_timeline_and_response(
    web: WebClient, db: Database, clock: FrozenClock, make_petition: PetitionMaker, make_staff: StaffFactory
) -> None:
    petition = await make_petition()
    councillor = await make_staff(Role.COUNCILLOR, email="x@council.example")
    await make_petition.signatures(petition, 3, ward="E05900001")
    await make_petition.signatures(petition, 2, ward="E05900006")
    async with db.transaction() as session:
        await publish_answer(
            session, petition, actor=councillor, summary="Yes, we will.", details="Soon.", now=clock.now()
        )
        session.add(PetitionDebate(petition_id=row_id(petition), scheduled_for=clock.now() + timedelta(days=9),
                                   updated_at=clock.now()))  # fmt: skip
    page = await web.get(f"/petitions/{petition.id}")
    text = page.text
    assert page.status_code == 200
    assert "95 more needed for a council response" in text
    assert "<svg" in text and "<rect" in text and "Abbey" in text and "Fernbridge Central" in text
    assert text.index("Abbey") < text.index("Fernbridge Central")  # most signatures first
    assert 'hx-get="/petitions/' in text and "Yes, we will." in text
    assert "Debate scheduled" in text and "The council responded" in text
    assert "bulk0" not in text and "Bulk 0" not in text and "carla" not in text.lower()


async def test_the_count_fragment_is_small_and_cacheable(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    fragment = await web.get(f"/petitions/{petition.id}/count", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith('<div id="petition-count"')
    # The fragment is in the reader's language, chosen by cookie or Accept-Language.
    assert [v.strip() for v in fragment.headers["vary"].split(",")] == [
        "HX-Request",
        "Accept-Language",
        "Cookie",
    ]
    assert fragment.headers["cache-control"].startswith(("public, max-age=", "private, max-age="))
    whole = await web.get(f"/petitions/{petition.id}/count")
    assert "<html" in whole.text  # works without JavaScript


async def test_list_filters_and_search(web: WebClient, make_petition: PetitionMaker) -> None:
    await make_petition(action="Fix potholes on Elm Street")
    await make_petition(State.CLOSED, action="Save the bandstand")
    await make_petition(State.REJECTED, action="Ban seagulls")
    await make_petition(State.MODERATION, action="Secret moderation one")
    everything = (await web.get("/petitions/")).text
    assert all(a in everything for a in ("Fix potholes", "Save the bandstand", "Ban seagulls"))
    assert "Secret moderation one" not in everything
    assert "Save the bandstand" not in (await web.get("/petitions/?state=open")).text
    assert "Fix potholes" not in (await web.get("/petitions/?state=closed")).text
    assert "Ban seagulls" in (await web.get("/petitions/?state=rejected")).text
    found = (await web.get("/petitions/?q=POTHOLES")).text
    assert "Fix potholes" in found and "Save the bandstand" not in found
    assert (await web.get("/petitions/?q=100%25_")).status_code == 200


async def test_open_data_has_counts_and_no_personal_data(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(action="Fix potholes on Elm Street")
    await make_petition.signatures(petition, 3)
    listing = await web.get("/petitions.json")
    assert listing.status_code == 200 and "max-age" in listing.headers["cache-control"]
    body = listing.json()
    assert "Open Government Licence" in body["licence"]
    (row,) = body["petitions"]
    assert row["signature_count"] == 3 and row["response_threshold"] == 100
    one = (await web.get(f"/petitions/{petition.id}.json")).json()
    assert one["wards"] == [{"ward_code": "E05900006", "ward": "Fernbridge Central", "count": "fewer than 5"}]
    table = await web.get("/petitions.csv")
    assert table.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert rows[0]["signature_count"] == "3"
    for text in (listing.text, table.text, str(one)):
        assert "carla" not in text.lower() and "bulk" not in text.lower() and "@" not in text


async def test_signatures_by_ward_follow_the_small_count_rule(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    """Ward counts on the page, in its JSON and in open data once bypassed the rule every other public
    count follows (1 to 4 is "fewer than 5"; 0 and 5 or more are exact)."""
    petition = await make_petition()
    await make_petition.signatures(petition, 7, ward="E05900001")
    await make_petition.signatures(petition, 2, ward="E05900006")
    page = (await web.get(f"/petitions/{petition.id}")).text
    # With ward boundaries the map's table carries the figures; without them, the bar chart and its table.
    table = page[page.index('<figure class="civic-map') :]
    assert ">fewer than 5</td>" in table and ">2</td>" not in table
    wards = (await web.get(f"/petitions/{petition.id}.json")).json()["wards"]
    assert [w["count"] for w in wards] == [7, "fewer than 5"]
    data = (await web.get("/petitions/signatures-by-ward.json")).json()["data"]
    assert sorted(str(r["signatures"]) for r in data) == ["7", "fewer than 5"]
