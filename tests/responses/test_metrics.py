"""Report-card rows the features supply: real rows in the database, read through the registered metrics."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import select

from civic.config import Settings
from civic.core.areas import OUTSIDE_WARDS, Ward
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.outbox import Mail
from civic.core.reportcard import MetricRow, Scope
from civic.core.templating import make_templates
from civic.panels import service_membership
from civic.panels.models import AgendaItem, AreaKind, Decision, PanelAction, PanelMeeting
from civic.panels.procedure import ActionStatus, london_date
from civic.petitions.models import Petition, State
from civic.priorities import service_results
from civic.priorities.models import Priority, PriorityRound, PriorityStatus, RoundState
from civic.responses.queries_report import extra_metrics
from tests.petitions.conftest import PetitionMaker
from tests.priorities.conftest import Rounds
from tests.support.web import WebClient

CENTRAL_WARD, OTHER_CENTRAL_WARD, NORTH_WARD = "E05900006", "E05900001", "E05900002"
EMPTY_WARD = "E05900003"  # given no residents below
PRIORITIES = "Current police priorities with a public update in the last 90 days"
OVERDUE_COUNT = "Open panel actions past their due date"
OVERDUE_SHARE = "Share of open panel actions past their due date"
PETITIONS = "Published petitions started by residents"
SIGNATURES = "Petition signatures"


async def rows_for(db: Database, clock: FrozenClock, kind: str, key: str) -> dict[str, MetricRow]:
    async with db.reading() as session:
        found = await extra_metrics(session, Scope(kind, key, key), clock.now())
    return {row.label: row for row in found}


async def figures(db: Database, clock: FrozenClock, kind: str, key: str) -> dict[str, tuple[object, object]]:
    return {label: (row.value, row.council) for label, row in (await rows_for(db, clock, kind, key)).items()}


# --- police priorities ---------------------------------------------------------------------------


async def _update(
    db: Database, settings: Settings, priority_id: int, status: PriorityStatus, at: datetime
) -> None:
    async with db.transaction() as session:
        priority = await session.get(Priority, priority_id)
        assert priority is not None
        await service_results.update_priority(
            session, priority, actor=None, now=at, mail=Mail(make_templates().env, settings),
            text="Patrols at the times residents named.", status=status, owner=priority.owner,
            target=priority.target, review_on=at + timedelta(days=30),
        )  # fmt: skip


async def _priorities_of(db: Database, item: PriorityRound) -> list[int]:
    async with db.reading() as session:
        return [row_id(p) for p in await service_results.priorities_of_round(session, row_id(item))]


@pytest.fixture
async def priorities(db: Database, clock: FrozenClock, settings: Settings, areas: None) -> None:
    """Central: three adopted 100 days ago; one updated today, one dealt with, one never updated.
    North: three adopted today."""
    rounds = Rounds(db, clock)
    central, _ = await rounds.make(RoundState.PUBLISHED)
    kept_up, _never_updated, finished = await _priorities_of(db, central)
    clock.advance(timedelta(days=100))
    await _update(db, settings, kept_up, PriorityStatus.IN_PROGRESS, clock.now())
    await _update(db, settings, finished, PriorityStatus.DEALT_WITH, clock.now())
    north, _ = await rounds.make(RoundState.PUBLISHED, slug="fernbridge-north")
    assert len(await _priorities_of(db, north)) == 3


@pytest.mark.usefixtures("priorities")
async def test_a_priority_last_updated_100_days_ago_does_not_count_as_kept_up(
    db: Database, clock: FrozenClock
) -> None:
    # Current: central's kept-up and never-updated ones, north's three; dealt-with ones are not current.
    council = 80  # 4 of 5
    assert (await figures(db, clock, "body", "police-fernbridge-central"))[PRIORITIES] == (50, council)
    assert (await figures(db, clock, "body", "police-fernbridge-north"))[PRIORITIES] == (100, council)
    assert (await figures(db, clock, "ward", CENTRAL_WARD))[PRIORITIES] == (50, council)
    assert (await figures(db, clock, "ward", NORTH_WARD))[PRIORITIES] == (100, council)
    clock.advance(timedelta(days=91))  # now nothing has been updated for over 90 days
    assert (await figures(db, clock, "ward", NORTH_WARD))[PRIORITIES] == (0, 0)


@pytest.mark.usefixtures("priorities")
async def test_priorities_rows_only_on_police_and_ward_cards(db: Database, clock: FrozenClock) -> None:
    for body in ("council", "youth-service", "police-nowhere"):
        assert PRIORITIES not in await rows_for(db, clock, "body", body), body


async def test_a_neighbourhood_without_current_priorities_has_no_figure(
    db: Database, clock: FrozenClock, areas: None
) -> None:
    assert (await figures(db, clock, "body", "police-fernbridge-central"))[PRIORITIES] == (None, None)


@pytest.mark.usefixtures("bodies")
async def test_a_card_without_figures_says_no_data(web: WebClient, areas: None) -> None:
    police = (await web.get("/responses/bodies/police-fernbridge-central")).text
    assert PRIORITIES in police and "No data" in police and "No comparison" in police


# --- panel actions -------------------------------------------------------------------------------


async def _panel_with_actions(
    db: Database,
    clock: FrozenClock,
    name: str,
    area: dict[str, object],
    actions: list[tuple[ActionStatus, date | None]],
) -> None:
    now = clock.now()
    async with db.transaction() as session:
        panel = await service_membership.create_panel(
            session, actor=None, now=now, name=name, area_name=name, purpose="Follow up promises.",
            meeting_frequency="Monthly", quorum_rule="3", **area,
        )  # fmt: skip
        meeting = PanelMeeting(panel_id=row_id(panel), starts_at=now, place="Library", created_at=now)
        session.add(meeting)
        await session.flush()
        item = AgendaItem(meeting_id=row_id(meeting), position=1, title="Crossing")
        session.add(item)
        await session.flush()
        decision = Decision(
            panel_id=row_id(panel), meeting_id=row_id(meeting), item_id=row_id(item),
            text="Ask for a crossing", reasons="Near misses", decided_at=now,
        )  # fmt: skip
        session.add(decision)
        await session.flush()
        for status, due_on in actions:
            session.add(PanelAction(
                decision_id=row_id(decision), panel_id=row_id(panel), description="Do it", owner="Highways",
                due_on=due_on, status=status, created_at=now,
            ))  # fmt: skip


@pytest.fixture
async def panels(db: Database, clock: FrozenClock, areas: None) -> None:
    today = london_date(clock.now())
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    await _panel_with_actions(db, clock, "Central ward panel", {"area_kind": AreaKind.WARD, "ward_code": CENTRAL_WARD}, [
        (ActionStatus.OPEN, yesterday),  # overdue
        (ActionStatus.IN_PROGRESS, tomorrow),
        (ActionStatus.OPEN, None),  # no due date: never overdue
        (ActionStatus.DONE, yesterday),  # finished: not open
        (ActionStatus.DROPPED, yesterday),
    ])  # fmt: skip
    await _panel_with_actions(
        db, clock, "North panel", {"area_kind": AreaKind.NEIGHBOURHOOD, "neighbourhood_slug": "fernbridge-north"},
        [(ActionStatus.IN_PROGRESS, today - timedelta(days=10))],
    )  # fmt: skip
    await _panel_with_actions(
        db, clock, "Whole council panel", {"area_kind": AreaKind.COUNCIL}, [(ActionStatus.OPEN, tomorrow)]
    )


@pytest.mark.usefixtures("panels")
async def test_open_actions_past_their_due_date_count_by_panel_area(db: Database, clock: FrozenClock) -> None:
    # Open everywhere: 3 + 1 + 1 = 5, of which 2 are overdue.
    central = await figures(db, clock, "ward", CENTRAL_WARD)
    assert central[OVERDUE_COUNT] == (1, 2) and central[OVERDUE_SHARE] == (33, 40)
    north = await figures(db, clock, "ward", NORTH_WARD)  # covered by the neighbourhood's panel
    assert north[OVERDUE_COUNT] == (1, 2) and north[OVERDUE_SHARE] == (100, 40)
    council = await figures(db, clock, "body", "council")  # the council answers for every panel
    assert council[OVERDUE_COUNT] == (2, 2) and council[OVERDUE_SHARE] == (40, 40)
    clock.advance(timedelta(days=2))  # tomorrow's two become overdue too
    assert (await figures(db, clock, "body", "council"))[OVERDUE_COUNT] == (4, 4)


@pytest.mark.usefixtures("panels")
async def test_cards_no_panel_covers_have_no_panel_rows(db: Database, clock: FrozenClock) -> None:
    assert OVERDUE_COUNT not in await rows_for(db, clock, "ward", OTHER_CENTRAL_WARD)
    assert OVERDUE_SHARE not in await rows_for(db, clock, "body", "police-fernbridge-central")


# --- petitions per 1,000 residents ----------------------------------------------------------------

POPULATIONS = {CENTRAL_WARD: 2000, OTHER_CENTRAL_WARD: 5000, EMPTY_WARD: 0, "E05900012": 3000}  # others 1,000


@pytest.fixture
async def petitions(db: Database, clock: FrozenClock, settings: Settings, areas: None) -> None:
    async with db.transaction() as session:
        for ward in (await session.exec(select(Ward))).all():
            ward.population = POPULATIONS.get(ward.code, 1000)  # 18,000 in all
            session.add(ward)
    make = PetitionMaker(db, clock, settings)
    # Belongs to its creator's ward, though most of its signers live elsewhere.
    first = await make(State.OPEN)
    await make.signatures(first, 1, ward=CENTRAL_WARD, is_creator=True)
    await make.signatures(first, 9, ward=OTHER_CENTRAL_WARD)
    await make.signatures(first, 3, ward=OUTSIDE_WARDS)  # not residents
    await make.signatures(first, 2, ward=CENTRAL_WARD, suspect=True)  # never counted
    await make.signatures(first, 2, ward=CENTRAL_WARD, state="pending")  # not confirmed
    # The creator only works here: it belongs to the ward most signers live in.
    second = await make(State.CLOSED)
    await make.signatures(second, 1, ward=OUTSIDE_WARDS, is_creator=True)
    await make.signatures(second, 5, ward=OTHER_CENTRAL_WARD)
    await make.signatures(second, 3, ward=CENTRAL_WARD)
    # Still in moderation: not public, so neither it nor its supporters count.
    waiting = await make(State.MODERATION)
    await make.signatures(waiting, 4, ward=CENTRAL_WARD, is_creator=True)


@pytest.mark.usefixtures("petitions")
async def test_petitions_and_signatures_per_thousand_residents_of_each_ward(
    db: Database, clock: FrozenClock
) -> None:
    # Council: 2 petitions and 18 resident signatures for 18,000 residents.
    central = await figures(db, clock, "ward", CENTRAL_WARD)
    assert central[PETITIONS] == (0.5, 0.11)  # 1 for 2,000
    assert central[SIGNATURES] == (2.0, 1.0)  # 4 for 2,000
    other = await figures(db, clock, "ward", OTHER_CENTRAL_WARD)
    assert other[PETITIONS] == (0.2, 0.11)  # 1 for 5,000
    assert other[SIGNATURES] == (2.8, 1.0)  # 14 for 5,000
    assert (await figures(db, clock, "ward", NORTH_WARD))[SIGNATURES] == (0.0, 1.0)


@pytest.mark.usefixtures("petitions")
async def test_a_ward_with_no_residents_gets_no_figure(db: Database, clock: FrozenClock) -> None:
    empty = await figures(db, clock, "ward", EMPTY_WARD)
    assert empty[PETITIONS] == (None, 0.11) and empty[SIGNATURES] == (None, 1.0)
    assert PETITIONS not in await rows_for(db, clock, "body", "council")


async def test_no_residents_anywhere_gives_no_figures(db: Database, clock: FrozenClock, areas: None) -> None:
    async with db.transaction() as session:
        for ward in (await session.exec(select(Ward))).all():
            ward.population = 0
            session.add(ward)
        assert (await session.exec(select(Petition))).first() is None
    assert (await figures(db, clock, "ward", CENTRAL_WARD))[SIGNATURES] == (None, None)


# --- the report card pages -------------------------------------------------------------------------


@pytest.mark.usefixtures("bodies", "petitions", "panels", "priorities")
async def test_report_card_pages_show_the_rows_against_the_council(web: WebClient) -> None:
    ward = (await web.get(f"/responses/wards/{CENTRAL_WARD}")).text
    for expected in (PRIORITIES, OVERDUE_COUNT, OVERDUE_SHARE, PETITIONS, SIGNATURES, "per 1,000 residents"):
        assert expected in ward, expected
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2.8</td>' not in ward  # another ward's
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2.0</td>' in ward
    assert "Higher" in ward and "Lower" in ward  # signatures above the council's; priorities (50%) below
    police = (await web.get("/responses/bodies/police-fernbridge-central")).text
    assert PRIORITIES in police and SIGNATURES not in police and OVERDUE_COUNT not in police
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">50%</td>' in police
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">80%</td>' in police
    council = (await web.get("/responses/bodies/council")).text
    assert OVERDUE_SHARE in council and PRIORITIES not in council


# --- the demo ------------------------------------------------------------------------------------


async def test_the_demo_gives_bodies_different_grades_and_figures(
    settings: Settings, web: WebClient, clock: FrozenClock
) -> None:
    from civic.core.clock import SystemClock
    from civic.demo import load_demo

    clock.set(SystemClock().now())  # the demo is dated from the real time
    await load_demo(settings)
    cards = (await web.get("/responses/report-cards")).text
    grades = {grade for grade in "ABCDEF" if f'<td class="govuk-table__cell">{grade}</td>' in cards}
    assert len(grades) >= 3, grades
    central = (await web.get("/responses/bodies/police-fernbridge-central")).text
    north = (await web.get("/responses/bodies/police-fernbridge-north")).text
    assert PRIORITIES in central and "50%" in central and "Lower" in central
    assert PRIORITIES in north and "100%" in north and "Higher" in north
    ward = (await web.get(f"/responses/wards/{CENTRAL_WARD}")).text
    assert SIGNATURES in ward and OVERDUE_SHARE in ward
