"""Who may do what with responses. Answers belong to bodies: see civic/responses/queries_members.py."""

from __future__ import annotations

from datetime import datetime

from civic.core.rules import rule
from civic.core.users import Role, StaffUser
from civic.responses.models import Response, ResponseState
from civic.responses.queries_members import Owed, may_answer_for

RESPONDERS = (Role.COUNCILLOR, Role.POLICE, Role.YOUTH_WORKER, Role.PANEL_CLERK)


@rule("responses.answer")
def can_answer(actor: StaffUser | None, obj: object, *, now: datetime) -> bool:
    """Councillors, police officers, youth workers and panel clerks (and admins) answer asks; which
    asks each answers is the body rule below."""
    return actor is not None and actor.has_role(*RESPONDERS)


@rule("responses.draft")
def can_draft(actor: StaffUser | None, owing: Owed | None, *, now: datetime) -> bool:
    """Only members of the body that owes the answer (and admins) draft it: councillors for the
    council, an officer for their own neighbourhood's team, youth workers for the youth service, panel
    clerks for the panels. Residents and moderators draft nothing."""
    return owing is not None and may_answer_for(actor, owing.body)


@rule("responses.publish")
def can_publish(actor: StaffUser | None, owing: Owed | None, *, now: datetime) -> bool:
    """The same members publish (and republish a change), and only a complete draft."""
    if owing is None or owing.response is None or not may_answer_for(actor, owing.body):
        return False
    return bool(owing.response.draft_summary and owing.response.draft_details)


@rule("responses.rate")
def can_rate(actor: StaffUser | None, response: Response | None, *, now: datetime) -> bool:
    """Anyone holding a valid rating link may rate a published response (the link is checked separately)."""
    return response is not None and response.state == ResponseState.PUBLISHED


@rule("responses.moderate_comments")
def can_moderate(actor: StaffUser | None, obj: object, *, now: datetime) -> bool:
    """Moderators (and admins) decide which rating comments are shown."""
    return actor is not None and actor.has_role(Role.MODERATOR)


@rule("responses.link_steps")
def can_link_steps(actor: StaffUser | None, obj: object, *, now: datetime) -> bool:
    """Those who answer asks (and admins) say which step of an ask led on to which."""
    return actor is not None and actor.has_role(*RESPONDERS)
