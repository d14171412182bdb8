from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from civic.core.rules import can
from civic.core.users import Role, StaffUser
from civic.responses import stats
from civic.responses.models import Response, ResponseState

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def staff(role: Role, disabled: bool = False) -> StaffUser:
    return StaffUser(
        id=1, email="x@y", name="X", role=role, password_hash="", created_at=NOW, disabled=disabled
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


ACTORS = {
    "resident": None,
    "admin": staff(Role.ADMIN),
    "moderator": staff(Role.MODERATOR),
    "councillor": staff(Role.COUNCILLOR),
    "police": staff(Role.POLICE),
    "youth_worker": staff(Role.YOUTH_WORKER),
    "panel_clerk": staff(Role.PANEL_CLERK),
    "disabled councillor": staff(Role.COUNCILLOR, disabled=True),
}
DRAFTERS = {"admin", "councillor", "police", "youth_worker", "panel_clerk"}


@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_draft_and_publish(actor: str) -> None:
    who = ACTORS[actor]
    assert can("responses.draft", who, None, now=NOW) == (actor in DRAFTERS)
    assert can("responses.publish", who, response(), now=NOW) == (actor in DRAFTERS)
    assert not can("responses.publish", who, response(details=""), now=NOW)
    assert can("responses.moderate_comments", who, None, now=NOW) == (actor in {"admin", "moderator"})


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
