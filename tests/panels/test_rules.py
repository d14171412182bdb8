"""Permission matrix: every actor x every meeting state x every rule, before and after the start."""

from __future__ import annotations

from datetime import timedelta

import pytest

from civic.core.rules import can
from civic.core.users import Role, StaffUser
from civic.panels.models import PanelAction, PanelMeeting
from civic.panels.procedure import ActionStatus, MeetingState
from tests.conftest import START

S = MeetingState
ALLOWED = {
    "panels.edit_agenda": {S.SCHEDULED},
    "panels.add_item": {S.SCHEDULED, S.AGENDA_PUBLISHED},  # after publication only with a reason
    "panels.withdraw_item": {S.AGENDA_PUBLISHED},
    "panels.reschedule": {S.SCHEDULED, S.AGENDA_PUBLISHED},
    "panels.publish_agenda": {S.SCHEDULED},
    "panels.cancel": {S.SCHEDULED, S.AGENDA_PUBLISHED},
    "panels.hold": {S.AGENDA_PUBLISHED},
    "panels.record": {S.HELD},
    "panels.draft_minutes": {S.HELD},
    "panels.edit_minutes": {S.MINUTES_DRAFT},
    "panels.publish_minutes": {S.MINUTES_APPROVED},
    "panels.correct_minutes": {S.PUBLISHED},
}
ONLY_BEFORE_START = {"panels.publish_agenda"}
ONLY_AFTER_START = {"panels.hold"}


def staff(role: Role, disabled: bool = False) -> StaffUser:
    return StaffUser(
        id=1,
        email="x@council.example",
        name="X",
        role=role,
        password_hash="-",
        created_at=START,
        disabled=disabled,
    )


ACTORS = {
    "resident": None,
    "councillor": staff(Role.COUNCILLOR),
    "police": staff(Role.POLICE),
    "moderator": staff(Role.MODERATOR),
    "youth worker": staff(Role.YOUTH_WORKER),
    "panel clerk": staff(Role.PANEL_CLERK),
    "admin": staff(Role.ADMIN),
    "disabled clerk": staff(Role.PANEL_CLERK, disabled=True),
}
RUNS_PANELS = {"panel clerk", "admin"}


@pytest.mark.parametrize("rule_name", sorted(ALLOWED))
@pytest.mark.parametrize("actor_name", list(ACTORS))
def test_rule_matrix(rule_name: str, actor_name: str) -> None:
    starts = START + timedelta(days=7)
    for state in MeetingState:
        meeting = PanelMeeting(
            id=1, panel_id=1, starts_at=starts, place="Hall", state=state, created_at=START
        )
        for now, started in ((starts - timedelta(hours=1), False), (starts + timedelta(minutes=1), True)):
            expected = (
                actor_name in RUNS_PANELS
                and state in ALLOWED[rule_name]
                and not (rule_name in ONLY_BEFORE_START and started)
                and not (rule_name in ONLY_AFTER_START and not started)
            )
            assert can(rule_name, ACTORS[actor_name], meeting, now=now) is expected, (state, started)


@pytest.mark.parametrize("actor_name", list(ACTORS))
def test_manage_and_action_update_rules(actor_name: str) -> None:
    actor = ACTORS[actor_name]
    assert can("panels.manage", actor, None, now=START) is (actor_name in RUNS_PANELS)
    for status in ActionStatus:
        action = PanelAction(
            id=1, decision_id=1, panel_id=1, description="d", owner="o", status=status, created_at=START
        )
        expected = actor_name in RUNS_PANELS and status in {ActionStatus.OPEN, ActionStatus.IN_PROGRESS}
        assert can("panels.update_action", actor, action, now=START) is expected


@pytest.mark.parametrize("actor_name", [*ACTORS, "the chair"])
def test_only_the_chairs_own_account_signs_approved_minutes(actor_name: str) -> None:
    from civic.panels.rules import SignOff

    chair = staff(Role.COUNCILLOR).model_copy(update={"id": 42})
    actor = chair if actor_name == "the chair" else ACTORS[actor_name]
    for state in MeetingState:
        meeting = PanelMeeting(id=1, panel_id=1, starts_at=START, place="Hall", state=state, created_at=START)
        expected = actor_name == "the chair" and state == MeetingState.MINUTES_APPROVED
        assert can("panels.sign_minutes", actor, SignOff(meeting, 42), now=START) is expected
        assert can("panels.sign_minutes", actor, SignOff(meeting, None), now=START) is False
