"""Open data: the police.uk shape, the richer JSON and the CSV files; no personal data anywhere."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlmodel import col, select

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.users import StaffUser
from civic.priorities import service_results
from civic.priorities.models import Ballot, Priority, PriorityStatus, RoundState
from tests.priorities.conftest import Rounds, confirm_path, outbox
from tests.support.web import WebClient

POLICE_UK_KEYS = {"issue", "issue-date", "action", "action-date"}


async def published_with_progress(
    rounds: Rounds, web: WebClient, db: Database, clock: FrozenClock, police: StaffUser
) -> list[Priority]:
    item, issues = await rounds.make(RoundState.VOTING_OPEN, top_n=2)
    for n, email in enumerate(["p1@example.com", "p2@example.com"]):
        await web.post_form(
            f"/priorities/rounds/{item.id}/vote",
            {"email": email, "postcode": "FB6 1UU", "choices": [issues[n].id], "opt_in": "yes"},
        )
        await web.post_form(confirm_path((await outbox(db, email))[-1].body_text))
    async with db.transaction() as session:
        fresh = await session.get(type(item), item.id)
        assert fresh is not None
        await service_results.close_round(session, fresh, actor=police, now=clock.now())
        await service_results.publish_results(
            session,
            fresh,
            actor=police,
            chosen_ids=None,
            reason="",
            now=clock.now(),
            mail=web.http._transport.app.state.mail,
            retention_days=120,  # type: ignore[attr-defined]
        )
        priorities = list((await session.exec(select(Priority).order_by(col(Priority.id)))).all())
    clock.advance(timedelta(days=3))
    async with db.transaction() as session:
        first = await session.get(Priority, priorities[0].id)
        assert first is not None
        await service_results.update_priority(
            session,
            first,
            actor=police,
            now=clock.now(),
            mail=web.http._transport.app.state.mail,  # type: ignore[attr-defined]
            text="Patrols twice a week at the station.",
            status=PriorityStatus.IN_PROGRESS,
            owner="Police",
            target="Weekly patrols",
            review_on=clock.now() + timedelta(days=60),
        )
    return priorities


async def test_police_uk_shape(
    rounds: Rounds, web: WebClient, db: Database, clock: FrozenClock, police: StaffUser
) -> None:
    await published_with_progress(rounds, web, db, clock, police)
    response = await web.get("/priorities/fernbridge-central.json")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/json")
    assert "max-age" in response.headers["cache-control"]
    data = response.json()
    assert isinstance(data, list) and len(data) == 2
    assert all(set(entry) == POLICE_UK_KEYS for entry in data)
    first, second = data
    assert first["issue"].startswith("Drug dealing near the station")
    assert first["issue-date"] == "2026-11-22T10:00:00"
    assert first["action"] == "Patrols twice a week at the station."
    assert first["action-date"] == "2026-11-25T10:00:00"
    assert second["action"] is None and second["action-date"] is None
    empty = await web.get("/priorities/fernbridge-north.json")
    assert empty.json() == []
    assert (await web.get("/priorities/nowhere.json")).status_code == 404


async def test_richer_json_and_csv_have_results_and_no_personal_data(
    rounds: Rounds, web: WebClient, db: Database, clock: FrozenClock, police: StaffUser
) -> None:
    await published_with_progress(rounds, web, db, clock, police)
    data = (await web.get("/priorities/fernbridge-central/data.json")).json()
    assert "Open Government Licence" in data["licence"]
    [record] = data["rounds"]
    assert record["turnout"]["online_residents"] == "fewer than 5"
    assert record["voters_by_ward"] == {"E05900006": "fewer than 5"}
    assert [r["became_priority"] for r in record["results"]][:2] == [True, True]
    assert data["current_priorities"][0]["updates"][0]["status"] == "in_progress"
    text = str(data)
    for secret in ("p1@example.com", "p2@example.com", "email", "hash"):
        assert secret not in text

    priorities_csv = await web.get("/priorities/fernbridge-central/priorities.csv")
    assert priorities_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(priorities_csv.text)))
    assert [r["issue"] for r in rows] == ["Drug dealing near the station", "Speeding on Castle Road"]
    assert rows[0]["latest_action"] == "Patrols twice a week at the station."
    results_csv = list(
        csv.DictReader(io.StringIO((await web.get("/priorities/fernbridge-central/results.csv")).text))
    )
    assert len(results_csv) == 5 and results_csv[0]["online_residents"] == "fewer than 5"
    assert "@" not in priorities_csv.text + str(results_csv)


async def test_contact_details_are_deleted_after_the_retention_period(
    rounds: Rounds, web: WebClient, db: Database, clock: FrozenClock, police: StaffUser, app: object
) -> None:
    from civic.core.jobs import JobContext
    from civic.priorities.jobs import purge_personal_data
    from civic.priorities.service_voting import count_contacts

    await published_with_progress(rounds, web, db, clock, police)
    settings = app.state.settings  # type: ignore[attr-defined]
    ctx = JobContext(db=db, settings=settings, now=clock.now(), mail=None)
    await purge_personal_data(ctx)
    async with db.reading() as session:
        assert await count_contacts(session, 1) == 2
    clock.advance(timedelta(days=121))
    ctx = JobContext(db=db, settings=settings, now=clock.now(), mail=None)
    assert "deleted 2 contact(s)" in await purge_personal_data(ctx)
    async with db.reading() as session:
        assert await count_contacts(session, 1) == 0
        hashes = (await session.exec(select(Ballot.email_hash).order_by(col(Ballot.id)))).all()
    assert list(hashes) == ["removed-1", "removed-2"]


async def test_council_wide_datasets_are_in_the_open_data_catalogue(
    rounds: Rounds, web: WebClient, db: Database, clock: FrozenClock, police: StaffUser
) -> None:
    await published_with_progress(rounds, web, db, clock, police)
    hub = await web.get("/data")
    assert hub.status_code == 200 and "Neighbourhood police priorities" in hub.text
    assert "/priorities/data/priorities.csv" in hub.text
    everything = (await web.get("/priorities/data/priorities.json")).json()
    central = next(n for n in everything["neighbourhoods"] if n["slug"] == "fernbridge-central")
    assert [p["issue"] for p in central["current_priorities"]] == [
        "Drug dealing near the station",
        "Speeding on Castle Road",
    ]
    rows = list(csv.DictReader(io.StringIO((await web.get("/priorities/data/priorities.csv")).text)))
    assert {r["neighbourhood"] for r in rows} == {"fernbridge-central"} and len(rows) == 2
    results_rows = list(csv.DictReader(io.StringIO((await web.get("/priorities/data/results.csv")).text)))
    assert len(results_rows) == 5 and results_rows[0]["neighbourhood"] == "fernbridge-central"
