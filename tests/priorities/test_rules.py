"""Permission matrix: every actor against every round state, for every priorities rule."""

from __future__ import annotations

from datetime import timedelta

import pytest

from civic.core.rules import can
from civic.core.users import Role, StaffUser
from civic.priorities.models import Category, Priority, PriorityRound, RoundState
from tests.conftest import START

D, S, V, C, P = (
    RoundState.DRAFT,
    RoundState.SUGGESTIONS_OPEN,
    RoundState.VOTING_OPEN,
    RoundState.CLOSED,
    RoundState.PUBLISHED,
)
ALL = {D, S, V, C, P}


def person(role: Role | None, hood: str | None = None, disabled: bool = False) -> StaffUser | None:
    if role is None:
        return None
    return StaffUser(
        id=1,
        email="x@example.com",
        name="X",
        role=role,
        password_hash="x",
        neighbourhood_slug=hood,
        disabled=disabled,
        created_at=START,
    )


ACTORS = {
    "resident": person(None),
    "team police": person(Role.POLICE, "fernbridge-central"),
    "other police": person(Role.POLICE, "fernbridge-north"),
    "disabled police": person(Role.POLICE, "fernbridge-central", disabled=True),
    "admin": person(Role.ADMIN),
    "moderator": person(Role.MODERATOR),
    "councillor": person(Role.COUNCILLOR),
}
TEAM = {"team police", "admin"}
# rule -> (actors allowed, states in which they are allowed)
MATRIX: dict[str, tuple[set[str], set[RoundState]]] = {
    "priorities.view_manage": (TEAM, ALL),
    "priorities.edit_candidates": (TEAM, {D, S}),
    "priorities.open_suggestions": (TEAM, {D}),
    "priorities.open_voting": (TEAM, {D, S}),
    "priorities.moderate": (TEAM, {S}),
    "priorities.close": (TEAM, {V}),
    "priorities.record_meeting": (TEAM, {V, C}),
    "priorities.publish": (TEAM, {C}),
    "priorities.advertise_meeting": (TEAM, {D, S, V, C}),
    "priorities.suggest": (set(ACTORS), {S}),
    "priorities.vote": (set(ACTORS), {V}),
}


def a_round(state: RoundState) -> PriorityRound:
    return PriorityRound(
        id=7,
        neighbourhood_slug="fernbridge-central",
        title="t",
        state=state,
        opens_at=START - timedelta(days=1),
        closes_at=START + timedelta(days=20),
        created_at=START,
    )


@pytest.mark.parametrize("rule_name", sorted(MATRIX))
@pytest.mark.parametrize("state", list(RoundState))
@pytest.mark.parametrize("actor", sorted(ACTORS))
def test_rule_matrix(rule_name: str, state: RoundState, actor: str) -> None:
    allowed_actors, allowed_states = MATRIX[rule_name]
    expected = actor in allowed_actors and state in allowed_states
    assert can(rule_name, ACTORS[actor], a_round(state), now=START) is expected


@pytest.mark.parametrize("state", list(RoundState))
@pytest.mark.parametrize("actor", sorted(ACTORS))
def test_drafts_are_private_to_the_team(state: RoundState, actor: str) -> None:
    expected = state != D or actor in TEAM
    assert can("priorities.view", ACTORS[actor], a_round(state), now=START) is expected


def test_voting_is_refused_before_opening_and_after_closing_even_when_open() -> None:
    item = a_round(V)
    assert can("priorities.vote", None, item, now=START)
    assert not can("priorities.vote", None, item, now=item.opens_at - timedelta(seconds=1))
    assert not can("priorities.vote", None, item, now=item.closes_at)


@pytest.mark.parametrize("actor", sorted(ACTORS))
def test_only_the_team_reports_progress_on_its_priorities(actor: str) -> None:
    priority = Priority(
        id=1,
        round_id=7,
        candidate_id=1,
        neighbourhood_slug="fernbridge-central",
        category=Category.SPEEDING,
        title="Speeding",
        review_on=START,
        adopted_at=START,
        last_update_at=START,
    )
    assert can("priorities.update_priority", ACTORS[actor], priority, now=START) is (actor in TEAM)


@pytest.mark.parametrize("actor", sorted(ACTORS))
def test_who_may_start_rounds(actor: str) -> None:
    expected = actor in TEAM
    assert can("priorities.create_round", ACTORS[actor], "fernbridge-central", now=START) is expected
    any_own = TEAM | {"other police"}  # every police user may start rounds in their own neighbourhood
    assert can("priorities.create_round", ACTORS[actor], None, now=START) is (actor in any_own)


def test_replies_are_taken_until_an_advertised_meeting_is_over_cancelled_or_tallied() -> None:
    from civic.priorities.models import Meeting

    meeting = Meeting(
        id=1, round_id=7, held_on=START + timedelta(days=3), ends_at=START + timedelta(days=3, hours=2),
        place="Library", advertised_at=START,
    )  # fmt: skip
    assert can("priorities.rsvp", None, meeting, now=START)
    assert can("priorities.rsvp", None, meeting, now=START + timedelta(days=3, hours=1))  # still on
    assert not can("priorities.rsvp", None, meeting, now=START + timedelta(days=3, hours=3))
    assert not can("priorities.rsvp", None, a_round(V), now=START)  # a meeting, not a round
    meeting.cancelled_at = START
    assert not can("priorities.rsvp", None, meeting, now=START)
    meeting.cancelled_at, meeting.recorded_at = None, START
    assert not can("priorities.rsvp", None, meeting, now=START)
    meeting.recorded_at, meeting.advertised_at = (
        None,
        None,
    )  # a tally entered afterwards is not a meeting to come to
    assert not can("priorities.rsvp", None, meeting, now=START)
