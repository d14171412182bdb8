"""Who may do what with responses."""

from __future__ import annotations

from datetime import datetime

from civic.core.rules import rule
from civic.core.users import Role, StaffUser
from civic.responses.models import Response, ResponseState

RESPONDERS = (Role.COUNCILLOR, Role.POLICE, Role.YOUTH_WORKER, Role.PANEL_CLERK)


@rule("responses.draft")
def can_draft(actor: StaffUser | None, response: Response | None, *, now: datetime) -> bool:
    """Councillors and officers (police, youth workers, panel clerks) and admins draft responses;
    residents and moderators do not."""
    return actor is not None and actor.has_role(*RESPONDERS)


@rule("responses.publish")
def can_publish(actor: StaffUser | None, response: Response | None, *, now: datetime) -> bool:
    """The same people publish; a response with no draft text cannot be published."""
    if actor is None or response is None or not actor.has_role(*RESPONDERS):
        return False
    return bool(response.draft_summary and response.draft_details)


@rule("responses.rate")
def can_rate(actor: StaffUser | None, response: Response | None, *, now: datetime) -> bool:
    """Anyone holding a valid rating link may rate a published response (the link is checked separately)."""
    return response is not None and response.state == ResponseState.PUBLISHED


@rule("responses.moderate_comments")
def can_moderate(actor: StaffUser | None, obj: object, *, now: datetime) -> bool:
    """Moderators (and admins) decide which rating comments are shown."""
    return actor is not None and actor.has_role(Role.MODERATOR)
