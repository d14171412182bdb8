"""Commitments on published answers, on a real database: only a published answer can commit, once;
bad input is named by field; updates are dated, public and audited; closing is final; the lists per
body and per ward hold exactly their commitments; lateness follows the promised date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import col, select

from civic.core.audit import AuditEntry
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.errors import Conflict
from civic.core.users import Role
from civic.responses import service, service_commitments
from civic.responses.models import Commitment, CommitmentState, Response
from civic.responses.service import ResponseError
from tests.conftest import PASSWORD, StaffFactory
from tests.responses.conftest import Asks, due_in
from tests.support.web import WebClient


async def answered(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory, target_id: str, **kw: str
) -> Response:
    info = asks.add(target_id, due_at=due_in(clock, 10), asked_at=clock.now(), askers=[], **kw)
    admin = await make_staff(Role.ADMIN)
    async with db.transaction() as session:
        response = await service.start_response(session, info, actor=admin, now=clock.now())
        await service.save_draft(
            session,
            response,
            actor=admin,
            summary="We will fix it",
            details="Soon.",
            reason="",
            now=clock.now(),
        )
        await service.publish(session, response, actor=admin, now=clock.now())
        return response


@pytest.mark.usefixtures("bodies")
async def test_a_published_answer_commits_once_and_bad_input_is_named(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory
) -> None:
    response = await answered(db, asks, clock, make_staff, "1")
    admin = await make_staff(Role.ADMIN)
    today = clock.now().date()
    async with db.transaction() as session:
        with pytest.raises(ResponseError) as bad:
            await service_commitments.commit(
                session,
                response,
                what="",
                due_on=today - timedelta(days=1),
                ward_codes=(),
                actor=admin,
                now=clock.now(),
            )
        assert set(bad.value.errors) == {"what", "due_on"}
        item = await service_commitments.commit(
            session,
            response,
            what="Repair 12 streetlights",
            due_on=today + timedelta(days=30),
            ward_codes=("E05900006",),
            actor=admin,
            now=clock.now(),
        )
        with pytest.raises(Conflict):
            await service_commitments.commit(
                session, response, what="Again", due_on=today, ward_codes=(), actor=admin, now=clock.now()
            )
    async with db.reading() as session:
        stored = await service_commitments.commitment_for(session, row_id(response))
        assert stored is not None and stored.id == item.id and stored.state == CommitmentState.OPEN
        actions = (await session.exec(select(AuditEntry.action).where(col(AuditEntry.public)))).all()
        assert "responses.commit" in actions


@pytest.mark.usefixtures("bodies")
async def test_a_draft_cannot_commit(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory
) -> None:
    info = asks.add("2", due_at=due_in(clock, 10), asked_at=clock.now(), askers=[])
    admin = await make_staff(Role.ADMIN)
    async with db.transaction() as session:
        response = await service.start_response(session, info, actor=admin, now=clock.now())
        with pytest.raises(Conflict):
            await service_commitments.commit(
                session,
                response,
                what="Fix",
                due_on=clock.now().date(),
                ward_codes=(),
                actor=admin,
                now=clock.now(),
            )


@pytest.mark.usefixtures("bodies")
async def test_updates_are_dated_and_closing_is_final(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory
) -> None:
    response = await answered(db, asks, clock, make_staff, "3")
    admin = await make_staff(Role.ADMIN)
    today = clock.now().date()
    async with db.transaction() as session:
        item = await service_commitments.commit(
            session,
            response,
            what="Resurface the path",
            due_on=today + timedelta(days=5),
            ward_codes=(),
            actor=admin,
            now=clock.now(),
        )
        with pytest.raises(ResponseError):
            await service_commitments.post_update(
                session, item, state=CommitmentState.OPEN, note="  ", actor=admin, now=clock.now()
            )
        await service_commitments.post_update(
            session, item, state=CommitmentState.OPEN, note="Contractor booked", actor=admin, now=clock.now()
        )
    clock.advance(timedelta(days=7))
    async with db.transaction() as session:
        item = await session.get(Commitment, row_id(item))
        assert item is not None
        assert service_commitments.is_late(item, clock.now().date())
        await service_commitments.post_update(
            session, item, state=CommitmentState.DONE, note="Path resurfaced", actor=admin, now=clock.now()
        )
        with pytest.raises(Conflict):
            await service_commitments.post_update(
                session, item, state=CommitmentState.OPEN, note="More", actor=admin, now=clock.now()
            )
    async with db.reading() as session:
        item = await session.get(Commitment, row_id(item))
        assert item is not None and item.state == CommitmentState.DONE
        assert service_commitments.is_late(item, clock.now().date())  # done, but after its date
        notes = [u.note for u in await service_commitments.updates_of(session, row_id(item))]
        assert notes == ["Contractor booked", "Path resurfaced"]


@pytest.mark.usefixtures("bodies")
async def test_lists_per_body_and_per_ward(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory
) -> None:
    council = await answered(db, asks, clock, make_staff, "4", ward="E05900006")
    police = await answered(
        db, asks, clock, make_staff, "5", ward="E05900016", body="police-fernbridge-central"
    )
    admin = await make_staff(Role.ADMIN)
    due = clock.now().date() + timedelta(days=3)
    async with db.transaction() as session:
        for response, ward in ((council, "E05900006"), (police, "E05900016")):
            await service_commitments.commit(
                session,
                response,
                what=f"Act on {response.target_id}",
                due_on=due,
                ward_codes=(ward,),
                actor=admin,
                now=clock.now(),
            )
    async with db.reading() as session:
        by_body = await service_commitments.for_body(session, "police-fernbridge-central")
        assert [c.response_id for c in by_body] == [row_id(police)]
        by_ward = await service_commitments.for_ward(session, "E05900006")
        assert [c.response_id for c in by_ward] == [row_id(council)]
        assert await service_commitments.for_ward(session, "E0590000") == []  # whole codes only


def test_an_open_commitment_is_late_only_after_its_date() -> None:
    item = Commitment(
        response_id=1,
        body_slug="council",
        what="x",
        due_on=date(2026, 1, 10),
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert not service_commitments.is_late(item, date(2026, 1, 10))
    assert service_commitments.is_late(item, date(2026, 1, 11))


@pytest.mark.usefixtures("bodies")
async def test_staff_record_a_commitment_over_http_and_it_shows_on_the_answer(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory, web: WebClient
) -> None:
    response = await answered(db, asks, clock, make_staff, "6")
    url = f"/responses/{response.id}/commit"
    assert (await web.get(url)).status_code in {302, 303, 401, 403}  # not signed in: no form
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    assert (await web.get(url)).status_code == 200
    bad = await web.post_form(
        url, {"what": "", "due_on-day": "31", "due_on-month": "2", "due_on-year": "2027"}
    )
    assert bad.status_code == 422
    assert "Enter what the answer commits to doing" in bad.text and "must be a real date" in bad.text
    due = clock.now().date() + timedelta(days=40)
    good = await web.post_form(
        url,
        {
            "what": "Repair the lights",
            "due_on-day": str(due.day),
            "due_on-month": str(due.month),
            "due_on-year": str(due.year),
        },
    )
    assert good.status_code == 303
    page = await web.get(f"/responses/{response.id}")
    assert "What this answer commits to" in page.text and "Repair the lights" in page.text
    assert (
        await web.post_form(
            url,
            {
                "what": "Again",
                "due_on-day": str(due.day),
                "due_on-month": str(due.month),
                "due_on-year": str(due.year),
            },
        )
    ).status_code == 409


@pytest.mark.usefixtures("bodies")
async def test_staff_post_updates_over_http_and_the_lists_show_status(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory, web: WebClient
) -> None:
    response = await answered(db, asks, clock, make_staff, "7", ward="E05900006")
    admin = await make_staff(Role.ADMIN)
    async with db.transaction() as session:
        await service_commitments.commit(
            session,
            response,
            what="Paint the crossing",
            due_on=clock.now().date() + timedelta(days=2),
            ward_codes=("E05900006",),
            actor=admin,
            now=clock.now(),
        )
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    url = f"/responses/{response.id}/commitment"
    assert (await web.get(url)).status_code == 200
    assert (await web.post_form(url, {"state": "finished", "note": "x"})).status_code == 422
    empty = await web.post_form(url, {"state": "open", "note": ""})
    assert empty.status_code == 422 and "Enter what has happened" in empty.text
    assert (await web.post_form(url, {"state": "open", "note": "Paint ordered"})).status_code == 303
    clock.advance(timedelta(days=5))
    body_list = await web.get("/responses/bodies/council/commitments")
    assert (
        body_list.status_code == 200
        and "Paint the crossing" in body_list.text
        and "open (late)" in body_list.text
    )
    await web.login(councillor.email, PASSWORD)  # the staff session has timed out over five days
    assert (await web.post_form(url, {"state": "done", "note": "Crossing painted"})).status_code == 303
    page = await web.get(f"/responses/{response.id}")
    assert "Paint ordered" in page.text and "Crossing painted" in page.text
    ward_list = await web.get("/responses/wards/E05900006/commitments")
    assert "done (late)" in ward_list.text
    assert (await web.get("/responses/bodies/police-fernbridge-north/commitments")).text.count("Paint") == 0
    assert (await web.get("/responses/bodies/nobody/commitments")).status_code == 404


@pytest.mark.usefixtures("bodies")
async def test_signed_in_staff_find_the_commitment_pages_from_the_answer(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory, web: WebClient
) -> None:
    response = await answered(db, asks, clock, make_staff, "8")
    assert (
        "commits to" not in (await web.get(f"/responses/{response.id}")).text
    )  # residents see no staff link
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    assert f'href="/responses/{response.id}/commit"' in (await web.get(f"/responses/{response.id}")).text


@pytest.mark.usefixtures("bodies")
async def test_staff_of_another_body_may_not_commit_or_update_it(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory, web: WebClient
) -> None:
    response = await answered(db, asks, clock, make_staff, "9")  # owed by the council
    youth = await make_staff(Role.YOUTH_WORKER)
    await web.login(youth.email, PASSWORD)
    assert (await web.get(f"/responses/{response.id}/commit")).status_code == 403
    refused = await web.post_form(f"/responses/{response.id}/commit", {"what": "Something"})
    assert refused.status_code == 403
    async with db.reading() as session:
        assert await service_commitments.commitment_for(session, row_id(response)) is None
