from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from civic.core.rules import can
from civic.core.users import Role, StaffUser
from civic.responses import stats
from civic.responses.models import BodyKind, Response, ResponseState, ResponsibleBody
from civic.responses.queries_members import Owed

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def staff(role: Role, disabled: bool = False, neighbourhood: str | None = None) -> StaffUser:
    return StaffUser(
        id=1,
        email="x@y",
        name="X",
        role=role,
        password_hash="",
        created_at=NOW,
        disabled=disabled,
        neighbourhood_slug=neighbourhood,
    )


def response(state: ResponseState = ResponseState.DRAFT, summary: str = "S", details: str = "D") -> Response:
    return Response(
        id=1,
        target_kind="ask",
        target_id="1",
        target_title="T",
        body_slug="council",
        author_name="A",
        created_at=NOW,
        state=state,
        draft_summary=summary,
        draft_details=details,
    )


BODIES = {
    "council": ResponsibleBody(slug="council", name="Council", kind=BodyKind.DEPARTMENT),
    "highways": ResponsibleBody(slug="highways", name="Highways", kind=BodyKind.DEPARTMENT),
    "police-north": ResponsibleBody(slug="police-north", name="North team", kind=BodyKind.POLICE),
    "police-south": ResponsibleBody(slug="police-south", name="South team", kind=BodyKind.POLICE),
    "youth-service": ResponsibleBody(slug="youth-service", name="Youth Service", kind=BodyKind.YOUTH),
    "panel-1": ResponsibleBody(slug="panel-1", name="Panel", kind=BodyKind.PANEL),
}
ACTORS = {
    "resident": None,
    "admin": staff(Role.ADMIN),
    "moderator": staff(Role.MODERATOR),
    "councillor": staff(Role.COUNCILLOR),
    "north officer": staff(Role.POLICE, neighbourhood="north"),
    "youth_worker": staff(Role.YOUTH_WORKER),
    "panel_clerk": staff(Role.PANEL_CLERK),
    "disabled councillor": staff(Role.COUNCILLOR, disabled=True),
}
MEMBERS = {
    "council": {"councillor"},
    "highways": set(),  # added by an admin with no natural members: admins only
    "police-north": {"north officer"},
    "police-south": set(),
    "youth-service": {"youth_worker"},
    "panel-1": {"panel_clerk"},
}


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("actor", ACTORS)
def test_only_members_of_the_owing_body_and_admins_draft_and_publish(actor: str, body: str) -> None:
    who, allowed = ACTORS[actor], actor == "admin" or actor in MEMBERS[body]
    assert can("responses.draft", who, Owed(BODIES[body]), now=NOW) == allowed
    assert can("responses.publish", who, Owed(BODIES[body], response()), now=NOW) == allowed
    assert not can("responses.publish", who, Owed(BODIES[body], response(details="")), now=NOW)
    assert not can("responses.publish", who, Owed(BODIES[body]), now=NOW)  # nothing drafted yet
    assert not can("responses.draft", who, None, now=NOW)
    assert not can("responses.draft", who, Owed(None, body_slug=body), now=NOW)  # body not set up


@pytest.mark.parametrize("actor", ACTORS)
def test_only_moderators_and_admins_moderate_comments(actor: str) -> None:
    allowed = actor in {"admin", "moderator"}
    assert can("responses.moderate_comments", ACTORS[actor], None, now=NOW) == allowed


@pytest.mark.parametrize(
    ("state", "allowed"), [(ResponseState.DRAFT, False), (ResponseState.PUBLISHED, True)]
)
def test_only_published_responses_can_be_rated(state: ResponseState, allowed: bool) -> None:
    assert can("responses.rate", None, response(state), now=NOW) == allowed


def test_timeliness_counts_due_and_late() -> None:
    day = timedelta(days=1)
    items = [
        stats.Due(NOW - 10 * day, NOW - 12 * day),  # early
        stats.Due(NOW - 10 * day, NOW - 10 * day),  # exactly on the day
        stats.Due(NOW - 10 * day, NOW - 6 * day),  # 4 days late
        stats.Due(NOW - 2 * day, None),  # overdue, still open: 2 days late so far
        stats.Due(NOW + 5 * day, None),  # not due yet: not counted
    ]
    result = stats.timeliness(items, NOW)
    assert (result.due, result.on_time, result.overdue_open) == (4, 2, 1)
    assert result.share_on_time == 0.5
    assert result.median_days_late == 3.0


def test_grade_formula_and_bands() -> None:
    assert stats.grade_score(None, 4.0) is None
    assert stats.grade_score(1.0, None) == 100.0
    assert stats.grade_score(1.0, 5.0) == 100.0
    assert stats.grade_score(0.5, 3.0) == 50.0
    assert [stats.letter(s) for s in (100, 85, 84.9, 70, 55, 40, 25, 24.9)] == [
        "A",
        "A",
        "B",
        "B",
        "C",
        "D",
        "E",
        "F",
    ]
    assert stats.letter(None) is None
    assert stats.per_thousand(30, 12_000) == 2.5
    assert stats.per_thousand(3, 0) is None
