"""Who may do what to a priorities round, by the round's state.

Staff rules take the round as `obj`; a police user acts only for their own neighbourhood, admins for all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civic.core.rules import rule
from civic.core.users import Role, StaffUser
from civic.priorities.models import (
    ADVERTISE_STATES,
    CANDIDATE_EDIT_STATES,
    MEETING_STATES,
    PUBLIC_STATES,
    Meeting,
    Priority,
    PriorityRound,
    RoundState,
)


def is_team(actor: StaffUser | None, neighbourhood_slug: str | None) -> bool:
    """The neighbourhood's policing team (a police user posted there) or an admin."""
    if actor is None or actor.disabled:
        return False
    if actor.role == Role.ADMIN:
        return True
    return actor.role == Role.POLICE and actor.neighbourhood_slug == neighbourhood_slug


def _team_in(actor: StaffUser | None, obj: Any, states: frozenset[RoundState]) -> bool:
    return isinstance(obj, PriorityRound) and is_team(actor, obj.neighbourhood_slug) and obj.state in states


@rule("priorities.create_round")
def can_create_round(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Police users and admins start rounds (obj: a neighbourhood slug, or None for 'any of mine')."""
    if obj is None:
        return actor is not None and actor.has_role(Role.POLICE)
    return is_team(actor, str(obj))


@rule("priorities.any_neighbourhood")
def can_act_anywhere(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Admins act for every neighbourhood (and choose one when starting a round); a police user acts
    only for the neighbourhood they are posted to."""
    return actor is not None and actor.role == Role.ADMIN


@rule("priorities.view_manage")
def can_view_manage(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """The team sees its rounds' staff page in every state, with exact counts."""
    return _team_in(actor, obj, frozenset(RoundState))


@rule("priorities.edit_candidates")
def can_edit_candidates(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Candidates change only before voting opens, so every ballot sees the same list."""
    return _team_in(actor, obj, CANDIDATE_EDIT_STATES)


@rule("priorities.open_suggestions")
def can_open_suggestions(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """The optional suggestion window opens from a draft."""
    return _team_in(actor, obj, frozenset({RoundState.DRAFT}))


@rule("priorities.open_voting")
def can_open_voting(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Voting opens from a draft or after suggestions."""
    return _team_in(actor, obj, CANDIDATE_EDIT_STATES)


@rule("priorities.moderate")
def can_moderate(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Suggestions are merged or declined while the suggestion window is open."""
    return _team_in(actor, obj, frozenset({RoundState.SUGGESTIONS_OPEN}))


@rule("priorities.close")
def can_close(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """The team may close voting (the scheduled job also closes it at the closing time)."""
    return _team_in(actor, obj, frozenset({RoundState.VOTING_OPEN}))


@rule("priorities.record_meeting")
def can_record_meeting(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Meeting tallies are entered while voting is open or before the results are published."""
    return _team_in(actor, obj, MEETING_STATES)


@rule("priorities.advertise_meeting")
def can_advertise_meeting(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """The team advertises (and cancels) face-to-face meetings until the results are published."""
    return _team_in(actor, obj, ADVERTISE_STATES)


@rule("priorities.rsvp")
def can_rsvp(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Anyone may say they are coming to a meeting (obj: the meeting) until it is over, cancelled or
    tallied; its round must be public, which the page checks first."""
    return isinstance(obj, Meeting) and obj.advertised_at is not None and obj.is_upcoming(now)


@rule("priorities.publish")
def can_publish(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Results are published once voting has closed."""
    return _team_in(actor, obj, frozenset({RoundState.CLOSED}))


@rule("priorities.update_priority")
def can_update_priority(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """The neighbourhood's team reports progress on its own priorities."""
    return isinstance(obj, Priority) and is_team(actor, obj.neighbourhood_slug)


@rule("priorities.suggest")
def can_suggest(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Anyone may suggest an issue while the suggestion window is open."""
    return isinstance(obj, PriorityRound) and obj.state == RoundState.SUGGESTIONS_OPEN


@rule("priorities.vote")
def can_vote(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Anyone may vote while voting is open and before the closing time (eligibility is by postcode)."""
    return isinstance(obj, PriorityRound) and obj.voting_is_open(now)


@rule("priorities.view")
def can_view(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Drafts are private to the team; every other state is public."""
    if not isinstance(obj, PriorityRound):
        return False
    return obj.state in PUBLIC_STATES or is_team(actor, obj.neighbourhood_slug)


@rule("priorities.print_ballot")
def can_print_ballot(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Anyone may print the paper ballot of a round whose voting is open (a library, a community
    group); the team may print it from a draft too, to check it. Candidates no longer change once
    voting opens, so the numbers on printed ballots stay right."""
    if not isinstance(obj, PriorityRound):
        return False
    return obj.state == RoundState.VOTING_OPEN or _team_in(actor, obj, CANDIDATE_EDIT_STATES)


@rule("priorities.enter_paper")
def can_enter_paper(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """The team types in paper ballots while voting is open and until results are published
    (ballot boxes are emptied after the close)."""
    return _team_in(actor, obj, MEETING_STATES)


@rule("priorities.assist_vote")
def can_assist_vote(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Any member of staff (a library or help desk worker, a youth worker, an officer) may record a
    vote for a resident who asks, while voting is open."""
    return (
        actor is not None
        and not actor.disabled
        and isinstance(obj, PriorityRound)
        and obj.voting_is_open(now)
    )


@rule("priorities.review_assisted")
def can_review_assisted(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Moderators and the round's team review the votes staff recorded for residents."""
    if not isinstance(obj, PriorityRound) or actor is None:
        return False
    return actor.has_role(Role.MODERATOR) or is_team(actor, obj.neighbourhood_slug)
