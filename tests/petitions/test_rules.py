"""Permission matrices: every rule, every kind of actor, every state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from civic.core.rules import can
from civic.core.users import Role, StaffUser
from civic.petitions.models import Petition, State

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ACTORS = ["resident", "moderator", "councillor", "admin", "police"]


def actor(kind: str) -> StaffUser | None:
    if kind == "resident":
        return None
    return StaffUser(
        id=7, email=f"{kind}@x.example", name=kind, role=Role(kind), password_hash="x", created_at=NOW
    )


def petition(state: State) -> Petition:
    return Petition(
        id=1, action="a", background="b", creator_name="c", creator_email="c@x", creator_key="k",
        created_at=NOW, updated_at=NOW, state=state,
        closes_at=NOW + timedelta(days=10) if state in {State.OPEN, State.CLOSED} else None,
    )  # fmt: skip


S = State
# rule -> {actor: states where it is allowed}
MATRIX: dict[str, dict[str, set[State]]] = {
    "petitions.view": {
        "resident": {S.OPEN, S.CLOSED, S.REJECTED},
        "police": {S.OPEN, S.CLOSED, S.REJECTED},
        "councillor": {S.OPEN, S.CLOSED, S.REJECTED},
        "moderator": set(State) - {S.REMOVED},
        "admin": set(State) - {S.REMOVED},
    },
    "petitions.sign": {a: {S.COLLECTING, S.OPEN} for a in ACTORS},
    "petitions.moderate": {"moderator": {S.MODERATION}, "admin": {S.MODERATION}},
    "petitions.remove": {a: {S.OPEN, S.CLOSED, S.REJECTED, S.HIDDEN} for a in ("moderator", "admin")},
    "petitions.respond": {a: {S.OPEN, S.CLOSED} for a in ("councillor", "admin")},
    "petitions.debate": {a: {S.OPEN, S.CLOSED} for a in ("councillor", "admin")},
    "petitions.audit_signatures": {a: set(State) - {S.REMOVED} for a in ("moderator", "admin")},
}


@pytest.mark.parametrize("rule_name", sorted(MATRIX))
@pytest.mark.parametrize("who", ACTORS)
def test_rule_matrix(rule_name: str, who: str) -> None:
    allowed = MATRIX[rule_name].get(who, set())
    for state in State:
        expected = state in allowed
        assert can(rule_name, actor(who), petition(state), now=NOW) is expected, (rule_name, who, state)


def test_signing_stops_when_the_closing_time_passes_even_before_the_job_runs() -> None:
    open_one = petition(State.OPEN)
    assert can("petitions.sign", None, open_one, now=NOW)
    assert not can("petitions.sign", None, open_one, now=NOW + timedelta(days=11))


def test_a_moderation_lock_keeps_other_moderators_out_until_it_expires() -> None:
    waiting = petition(State.MODERATION)
    waiting.moderation_lock_by, waiting.moderation_lock_until = 99, NOW + timedelta(minutes=5)
    assert not can("petitions.moderate", actor("moderator"), waiting, now=NOW)
    assert can("petitions.moderate", actor("moderator"), waiting, now=NOW + timedelta(minutes=6))
    waiting.moderation_lock_by = 7
    assert can("petitions.moderate", actor("moderator"), waiting, now=NOW)


def test_a_disabled_moderator_can_do_nothing() -> None:
    moderator = actor("moderator")
    assert moderator is not None
    moderator.disabled = True
    assert not can("petitions.moderate", moderator, petition(State.MODERATION), now=NOW)
    assert not can("petitions.moderation_queue", moderator, None, now=NOW)
