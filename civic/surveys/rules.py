"""Who may do what to a survey. Council admins run surveys (choose the questions, open, close, make
codes and type in paper forms); residents answer only while a survey is open."""

from __future__ import annotations

from datetime import datetime

from civic.core.rules import rule
from civic.core.users import Role, StaffUser
from civic.surveys.models import Survey, SurveyState


@rule("surveys.manage")
def can_manage(actor: StaffUser | None, obj: object = None, *, now: datetime) -> bool:
    """Admins set surveys up and run them."""
    return actor is not None and actor.has_role(Role.ADMIN)


@rule("surveys.open")
def can_open(actor: StaffUser | None, survey: Survey, *, now: datetime) -> bool:
    """A draft is opened once; its questions are then fixed."""
    return can_manage(actor, now=now) and survey.state == SurveyState.DRAFT


@rule("surveys.close")
def can_close(actor: StaffUser | None, survey: Survey, *, now: datetime) -> bool:
    """Closing publishes the results."""
    return can_manage(actor, now=now) and survey.state == SurveyState.OPEN


@rule("surveys.make_codes")
def can_make_codes(actor: StaffUser | None, survey: Survey, *, now: datetime) -> bool:
    """Codes go out before and while a survey is open, never after it closes."""
    return can_manage(actor, now=now) and survey.state != SurveyState.CLOSED


@rule("surveys.enter_paper")
def can_enter_paper(actor: StaffUser | None, survey: Survey, *, now: datetime) -> bool:
    """Paper forms are typed in once the survey is open, and after it closes (late post)."""
    return can_manage(actor, now=now) and survey.state != SurveyState.DRAFT
