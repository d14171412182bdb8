"""Who may do what to a petition, as small named predicates (see civic.core.rules)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civic.core.rules import rule
from civic.core.users import Role, StaffUser
from civic.petitions.models import (
    MODERATION_STATES,
    PUBLISHED_STATES,
    REMOVABLE_STATES,
    RESPONDABLE_STATES,
    SIGNABLE_STATES,
    VISIBLE_STATES,
    Petition,
    State,
)


def _moderator(actor: StaffUser | None) -> bool:
    return actor is not None and actor.has_role(Role.MODERATOR)


def _responder(actor: StaffUser | None) -> bool:
    """Councillors answer petitions; council officers do it with the admin role."""
    return actor is not None and actor.has_role(Role.COUNCILLOR)


@rule("petitions.view")
def can_view(actor: StaffUser | None, petition: Petition, *, now: datetime) -> bool:
    """Anyone sees open, closed and rejected petitions; moderators also see those not yet published
    and those hidden. Nobody sees a removed one."""
    if petition.state == State.REMOVED:
        return False
    return petition.state in VISIBLE_STATES or _moderator(actor)


@rule("petitions.sign")
def can_sign(actor: StaffUser | None, petition: Petition, *, now: datetime) -> bool:
    """Anyone may sign an open petition before it closes; supporters sign one still collecting."""
    if petition.state not in SIGNABLE_STATES:
        return False
    return petition.closes_at is None or now < petition.closes_at


@rule("petitions.moderate")
def can_moderate(actor: StaffUser | None, petition: Petition, *, now: datetime) -> bool:
    """Moderators decide petitions awaiting moderation, one moderator at a time."""
    if not _moderator(actor) or petition.state not in MODERATION_STATES:
        return False
    assert actor is not None
    locked = petition.moderation_lock_until is not None and petition.moderation_lock_until > now
    return not locked or petition.moderation_lock_by == actor.id


@rule("petitions.remove")
def can_remove(actor: StaffUser | None, petition: Petition, *, now: datetime) -> bool:
    """Moderators may take down a published or rejected petition (it then answers 410 Gone)."""
    return _moderator(actor) and petition.state in REMOVABLE_STATES


@rule("petitions.respond")
def can_respond(actor: StaffUser | None, petition: Petition, *, now: datetime) -> bool:
    """Councillors and officers draft and publish the council's response to a published petition."""
    return _responder(actor) and petition.state in RESPONDABLE_STATES


@rule("petitions.debate")
def can_debate(actor: StaffUser | None, petition: Petition, *, now: datetime) -> bool:
    """Councillors and officers record debates of published petitions."""
    return _responder(actor) and petition.state in PUBLISHED_STATES


@rule("petitions.audit_signatures")
def can_audit_signatures(actor: StaffUser | None, petition: Petition, *, now: datetime) -> bool:
    """Moderators search a petition's signatures and invalidate fraudulent ones, until the data is
    anonymised."""
    return _moderator(actor) and petition.state != State.REMOVED and petition.anonymised_at is None


@rule("petitions.moderation_queue")
def can_see_queue(actor: StaffUser | None, _obj: object = None, *, now: datetime) -> bool:
    """Only moderators see the moderation queue."""
    return _moderator(actor)


@rule("petitions.enter_paper")
def can_enter_paper(actor: StaffUser | None, petition: Petition, *, now: datetime) -> bool:
    """Moderators type in paper sheets for a published petition (sheets may arrive after it closes)
    and decide the doubtful matches across channels."""
    return _moderator(actor) and petition.state in PUBLISHED_STATES


@rule("petitions.sign_assisted")
def can_sign_assisted(actor: StaffUser | None, petition: Petition, *, now: datetime) -> bool:
    """Any member of staff may sign an open petition for a resident who asks them to (at a library,
    a help desk or on the phone)."""
    return actor is not None and petition.state == State.OPEN and can_sign(actor, petition, now=now)


@rule("petitions.record_paper_petition")
def can_record_paper_petition(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Moderators record a petition handed in on paper (recording it is its moderation)."""
    return _moderator(actor)


@rule("petitions.download_scan")
def can_download_scan(actor: StaffUser | None, petition: Petition, *, now: datetime) -> bool:
    """Scans of paper sheets show signers' names and addresses: only moderators download them (or
    remove one), whatever the petition's state, until they are deleted with the paper signatures."""
    return _moderator(actor)
