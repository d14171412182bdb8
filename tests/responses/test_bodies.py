"""Answers belong to bodies, over HTTP and with the features' real asks: each staff identity writes,
previews, publishes and republishes exactly the answers owed by the bodies it answers for (admins any,
audited as admin), gets a clear 403 for the rest, and its queue lists only what it may answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from civic.budgets.models import BallotType, BudgetProcess, BudgetResult, TallyRule
from civic.config import Settings
from civic.core.audit import AuditEntry
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.users import Role, StaffUser
from civic.panels import service_membership
from civic.panels.models import AgendaItem, AreaKind, Decision, PanelAction, PanelMeeting
from civic.petitions.models import Petition, State
from civic.priorities.models import PriorityRound, RoundState
from civic.responses import service
from civic.responses.models import BodyKind, Response, ResponsibleBody
from civic.responses.queries_members import may_answer_for
from civic.responses.queries_targets import load_target
from tests.conftest import PASSWORD, StaffFactory
from tests.support.web import WebClient

ACTORS: dict[str, tuple[Role, dict[str, Any]]] = {
    "admin": (Role.ADMIN, {}),
    "councillor": (Role.COUNCILLOR, {}),
    "officer of Central": (Role.POLICE, {"neighbourhood": "fernbridge-central"}),
    "officer of North": (Role.POLICE, {"neighbourhood": "fernbridge-north"}),
    "youth worker": (Role.YOUTH_WORKER, {}),
    "panel clerk": (Role.PANEL_CLERK, {}),
    "moderator": (Role.MODERATOR, {}),
}
EMPTY_OUTCOME = '{"areas": [], "tie_break": "Ties go to the cheaper project."}'  # a count of no ballots
MEMBERS = {  # ask -> who answers for the body that owes it, besides admins
    "petition": "councillor",  # the council
    "central round": "officer of Central",  # Central's policing team
    "north round": "officer of North",  # North's policing team
    "budget": "youth worker",  # the youth service
    "panel decision": "panel clerk",  # the panel
}
TITLES = {
    "petition": "Reopen the Castle Street toilets",
    "central round": "Police priorities: Fernbridge Central and Docks",
    "north round": "Police priorities: Fernbridge North and Villages",
    "budget": "Youth fund 2026",
    "panel decision": "Riverside Panel: Ask Highways to assess the crossing",
}


@dataclass(frozen=True)
class Ask:
    kind: str
    id: str
    body: str


async def _panel_decision(session: Any, at: Any) -> Decision:
    panel = await service_membership.create_panel(
        session, actor=None, now=at, name="Riverside Panel", area_kind=AreaKind.WARD, ward_code="E05900006",
        area_name="Riverside", purpose="Residents meet monthly.", meeting_frequency="Monthly", quorum_rule="3",
    )  # fmt: skip
    meeting = PanelMeeting(panel_id=row_id(panel), starts_at=at, place="Hall", created_at=at)
    session.add(meeting)
    await session.flush()
    item = AgendaItem(meeting_id=row_id(meeting), position=1, title="Crossing")
    session.add(item)
    await session.flush()
    decision = Decision(
        panel_id=row_id(panel), meeting_id=row_id(meeting), item_id=row_id(item),
        text="Ask Highways to assess the crossing", reasons="Near misses.", decided_at=at,
    )  # fmt: skip
    session.add(decision)
    await session.flush()
    session.add(PanelAction(decision_id=row_id(decision), panel_id=row_id(panel), description="Send it",
                            owner="Panel clerk", created_at=at))  # fmt: skip
    return decision


async def _budget(session: Any, at: Any) -> BudgetProcess:
    process = BudgetProcess(
        slug="youth-fund", title="Youth fund 2026", total=10_000, ballot_type=BallotType.APPROVAL, age_as_of=at,
        ideas_open_at=at, review_at=at, voting_opens_at=at, voting_closes_at=at, delivery_at=at, created_at=at,
    )  # fmt: skip
    session.add(process)
    await session.flush()
    session.add(BudgetResult(process_id=row_id(process), rule=TallyRule.GREEDY, outcome_json=EMPTY_OUTCOME,
                             computed_at=at, published_at=at))  # fmt: skip
    return process


def _round(neighbourhood: str, at: Any) -> PriorityRound:
    return PriorityRound(
        neighbourhood_slug=neighbourhood, title="Police priorities", state=RoundState.CLOSED,
        opens_at=at - timedelta(days=21), closes_at=at, closed_at=at, created_at=at - timedelta(days=30),
    )  # fmt: skip


@pytest.fixture
async def asks(db: Database, clock: FrozenClock, areas: None) -> dict[str, Ask]:
    at = clock.now() - timedelta(days=2)
    async with db.transaction() as session:
        await service.ensure_body(session, "council", "Fernbridge Borough Council", BodyKind.DEPARTMENT)
        await service.ensure_body(session, "youth-service", "Youth Service", BodyKind.YOUTH)
        for hood in ("fernbridge-central", "fernbridge-north"):
            await service.ensure_body(session, f"police-{hood}", f"{hood} team", BodyKind.POLICE)
        petition = Petition(
            action=TITLES["petition"], background="They closed.", state=State.OPEN, creator_name="C",
            creator_email="c@example.org", creator_key="k", created_at=at, updated_at=at, opened_at=at,
            response_threshold_reached_at=at, response_due_at=at + timedelta(days=30),
        )  # fmt: skip
        central, north = _round("fernbridge-central", at), _round("fernbridge-north", at)
        session.add_all([petition, central, north])
        await session.flush()
        targets = {
            "petition": ("petition", petition.id),
            "central round": ("priorities_round", central.id),
            "north round": ("priorities_round", north.id),
            "budget": ("youth_budget", (await _budget(session, at)).id),
            "panel decision": ("panel_decision", (await _panel_decision(session, at)).id),
        }
        found = {}
        for name, (kind, target_id) in targets.items():
            info = await load_target(session, kind, str(target_id))
            assert info is not None and info.title == TITLES[name], name
            found[name] = Ask(kind, str(target_id), info.body_slug)
    return found


async def _as_admin_entries(db: Database) -> list[AuditEntry]:
    async with db.reading() as session:
        rows = await session.exec(
            select(AuditEntry).where(AuditEntry.action == "responses.as_admin").order_by(col(AuditEntry.id))
        )
        return list(rows.all())


async def _draft_by_member(
    db: Database, clock: FrozenClock, make_staff: StaffFactory, ask: Ask, ask_name: str
) -> tuple[Response, StaffUser]:
    role, extra = ACTORS[MEMBERS[ask_name]]
    member = await make_staff(role, **extra)
    async with db.transaction() as session:
        target = await load_target(session, ask.kind, ask.id)
        assert target is not None
        response = await service.start_response(session, target, actor=member, now=clock.now())
        await service.save_draft(
            session,
            response,
            actor=member,
            summary="Member's draft.",
            details="Text.",
            reason="",
            now=clock.now(),
        )
    return response, member


@pytest.mark.parametrize("ask_name", MEMBERS)
@pytest.mark.parametrize("actor", ACTORS)
async def test_only_members_and_admins_draft_and_publish_each_body_s_answer(
    web: WebClient,
    db: Database,
    clock: FrozenClock,
    make_staff: StaffFactory,
    asks: dict[str, Ask],
    actor: str,
    ask_name: str,
) -> None:
    ask = asks[ask_name]
    role, extra = ACTORS[actor]
    user = await make_staff(role, **extra)
    await web.login(user.email, PASSWORD)
    write = f"/responses/write/{ask.kind}/{ask.id}"
    if actor == "admin" or MEMBERS[ask_name] == actor:
        assert (await web.get(write)).status_code == 200
        saved = await web.post_form(write, {"summary": "Our answer.", "details": "What we will do."})
        assert saved.status_code == 303, saved.text[:500]
        preview = await web.get(saved.headers["location"])
        assert preview.status_code == 200 and "Publish response" in preview.text
        response_id = saved.headers["location"].split("/")[2]
        assert (await web.post_form(f"/responses/{response_id}/publish")).status_code == 303
        changed = {
            "summary": "Our answer, corrected.",
            "details": "What we did.",
            "reason": "A date was wrong.",
        }
        assert (await web.post_form(write, changed)).status_code == 303
        assert (await web.post_form(f"/responses/{response_id}/publish")).status_code == 303
        async with db.reading() as session:
            response = await service.get_response(session, int(response_id))
            assert response is not None and response.version == 2 and response.body_slug == ask.body
        entries = await _as_admin_entries(db)
        if actor == "admin":
            assert [e.reason.split(" as admin for body ")[0] for e in entries] == [
                "drafted", "published version 1", "drafted", "published version 2"
            ]  # fmt: skip
            assert all(
                f"as admin for body {ask.body} " in e.reason and e.actor_id == user.id for e in entries
            )
        else:
            assert entries == []
        return
    refused = await web.get(write)
    assert refused.status_code == 403
    assert "Only its members" in refused.text or actor == "moderator"
    assert (await web.post_form(write, {"summary": "x", "details": "y"})).status_code == 403
    draft, member = await _draft_by_member(db, clock, make_staff, ask, ask_name)
    assert (await web.get(f"/responses/{draft.id}/preview")).status_code == 403
    assert (await web.post_form(f"/responses/{draft.id}/publish")).status_code == 403
    async with db.transaction() as session:
        fresh = await service.get_response(session, row_id(draft))
        assert fresh is not None and fresh.version == 0  # still unpublished
        await service.publish(session, fresh, actor=member, now=clock.now())
    change = {"summary": "x", "details": "y", "reason": "z"}
    assert (await web.post_form(write, change)).status_code == 403  # nor change a published one
    assert (await web.post_form(f"/responses/{draft.id}/publish")).status_code == 403


@pytest.mark.parametrize("actor", ACTORS)
async def test_the_queue_lists_only_what_each_responder_may_answer(
    web: WebClient, make_staff: StaffFactory, asks: dict[str, Ask], actor: str
) -> None:
    role, extra = ACTORS[actor]
    user = await make_staff(role, **extra)
    await web.login(user.email, PASSWORD)
    queue = await web.get("/responses/queue?ward=")
    if actor == "moderator":
        assert queue.status_code == 403
        return
    shown = {name for name, title in TITLES.items() if title in queue.text}
    expected = set(MEMBERS) if actor == "admin" else {n for n, member in MEMBERS.items() if member == actor}
    assert shown == expected
    assert "Owed by" in queue.text
    if actor == "officer of North":
        assert "fernbridge-north team" in queue.text and "fernbridge-central team" not in queue.text


async def test_every_demo_answer_is_published_by_a_member_of_its_body(
    settings: Settings, db: Database, clock: FrozenClock
) -> None:
    from civic.core.clock import SystemClock
    from civic.demo import load_demo

    clock.set(SystemClock().now())
    await load_demo(settings)
    async with db.reading() as session:
        responses = list((await session.exec(select(Response))).all())
        publications = (
            await session.exec(
                select(AuditEntry.object_id, AuditEntry.actor_id).where(
                    col(AuditEntry.action).in_(["responses.publish", "responses.republish"])
                )
            )
        ).all()
        publishers = {int(object_id): actor_id for object_id, actor_id in publications}
        kinds = set()
        for response in responses:
            body = await session.get(ResponsibleBody, response.body_slug)
            publisher = await session.get(StaffUser, publishers[row_id(response)])
            author = await session.get(StaffUser, response.author_id or 0)
            for who in (publisher, author):
                assert who is not None and not who.is_admin and may_answer_for(who, body), (
                    response.target_title,
                    who and who.name,
                )
            kinds.add(response.target_kind)
    assert kinds == {"petition", "priorities_round", "youth_budget", "panel_decision"}
    assert len(responses) == len(publishers) == 7


async def test_a_councillors_queue_opens_on_everything_they_may_answer_and_filters_by_ward_name(
    web: WebClient, make_staff: StaffFactory, asks: dict[str, Ask]
) -> None:
    """It once opened filtered to the councillor's first ward code (here Abbey, where nothing waits),
    showing nothing while the council's petition waited."""
    councillor = await make_staff(Role.COUNCILLOR, wards=["E05900001"])
    await web.login(councillor.email, PASSWORD)
    queue = (await web.get("/responses/queue")).text
    assert TITLES["petition"] in queue and "1 waiting for a response" in queue
    assert '<option value="E05900001">Abbey</option>' in queue  # chosen by name
    assert '<option value="" selected>All wards</option>' in queue
    assert "Ward code" not in queue
    assert TITLES["petition"] not in (await web.get("/responses/queue?ward=E05900001")).text
    assert TITLES["petition"] in (await web.get("/responses/queue?ward=not-a-ward")).text


async def test_every_ask_kind_can_be_followed_from_its_page(
    web: WebClient, db: Database, asks: dict[str, Ask]
) -> None:
    """A closed police priorities round (and a youth budget's results) once had no "email me when
    answered" link while petitions and panel decisions did."""
    from civic.responses.queries_targets import KINDS

    assert {ask.kind for ask in asks.values()} == set(KINDS)  # a new kind must be added here too
    for name, ask in asks.items():
        async with db.reading() as session:
            info = await load_target(session, ask.kind, ask.id)
        assert info is not None
        page = await web.get(info.href)
        assert page.status_code == 200, name
        follow = f'href="/responses/follow/{ask.kind}/{ask.id}"'
        assert follow in page.text, name
        assert (await web.get(f"/responses/follow/{ask.kind}/{ask.id}")).status_code == 200, name
