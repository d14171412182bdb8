"""Who answers for which body: the one rule behind drafting, publishing and the response queue.

Membership is derived from data the council already keeps, so there is no separate list to maintain
or forget: a councillor's role, a police officer's neighbourhood, a youth worker's role, a panel
clerk's role. Every body that owes an answer is one of the kinds below (the features register their
asks with one of these bodies), so the derivation covers them all. A body an admin adds by hand with
no natural members is answered by admins only.

Panel clerks are not tied to one panel anywhere in the data (the panels feature lets any clerk run
any panel's record), so each clerk answers for every panel body, and for no other body.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.i18n import gettext
from civic.core.users import Role, StaffUser
from civic.responses.models import BodyKind, Response, ResponsibleBody

COUNCIL_BODY = "council"  # the council as a whole: petitions (and the demo) use this slug


def police_body(neighbourhood_slug: str) -> str:
    """The neighbourhood policing team's body; priorities rounds are owed by it."""
    return f"police-{neighbourhood_slug}"


def panel_body(panel_id: int) -> str:
    """A community panel's body (by id: panel slugs can be longer than a body's); the panel's
    decisions that ask for action are owed by it."""
    return f"panel-{panel_id}"


def is_natural_member(user: StaffUser, body: ResponsibleBody) -> bool:
    """Councillors answer for the council; a police officer only for their own neighbourhood's
    policing team; youth workers for the youth service; panel clerks for the panels."""
    if user.role == Role.COUNCILLOR:
        return body.slug == COUNCIL_BODY
    if user.role == Role.POLICE:
        return user.neighbourhood_slug is not None and body.slug == police_body(user.neighbourhood_slug)
    if user.role == Role.YOUTH_WORKER:
        return body.kind == BodyKind.YOUTH
    if user.role == Role.PANEL_CLERK:
        return body.kind == BodyKind.PANEL
    return False


def answered_by(body: ResponsibleBody) -> str:
    """Who answers for `body`, in words, for the admin page: the same rule as `is_natural_member`."""
    if body.slug == COUNCIL_BODY:
        return gettext("Councillors")
    if body.kind == BodyKind.POLICE and body.slug.startswith("police-"):
        return gettext(
            "Police officers of the %(neighbourhood)s neighbourhood",
            neighbourhood=body.slug.removeprefix("police-"),
        )
    if body.kind == BodyKind.YOUTH:
        return gettext("Youth workers")
    if body.kind == BodyKind.PANEL:
        return gettext("Panel clerks")
    return gettext("Admins only")


def may_answer_for(user: StaffUser | None, body: ResponsibleBody | None) -> bool:
    """Only members of the body that owes an answer draft and publish it (see the module docstring for
    who the members are); admins may answer for any body, and each time they do it is audit-logged.
    A disabled account answers for nobody, and an ask whose body is not set up cannot be answered."""
    if user is None or user.disabled or body is None:
        return False
    return user.is_admin or is_natural_member(user, body)


def acts_as_admin(user: StaffUser, body: ResponsibleBody) -> bool:
    """An admin answering for a body they are not a member of: audited as such."""
    return user.is_admin and not is_natural_member(user, body)


@dataclass(frozen=True)
class Owed:
    """An ask owed by `body`, and its response if one is started: the object the rules are asked about."""

    body: ResponsibleBody | None
    response: Response | None = None
    body_slug: str = ""

    @property
    def body_name(self) -> str:
        return self.body.name if self.body else self.body_slug


async def owed(session: AsyncSession, body_slug: str, response: Response | None = None) -> Owed:
    body = await session.get(ResponsibleBody, body_slug)
    return Owed(body=body, response=response, body_slug=body_slug)


async def bodies_of(session: AsyncSession, user: StaffUser) -> list[ResponsibleBody]:
    """Every body `user` may answer for (every body, for an admin)."""
    rows = await session.exec(select(ResponsibleBody).order_by(col(ResponsibleBody.name)))
    return [body for body in rows.all() if may_answer_for(user, body)]


def refusal(owing: Owed) -> str:
    """The 403 message for someone who is not a member of the body that owes the answer."""
    return gettext(
        "This answer is owed by %(body)s. Only its members (and admins) can write or publish it, and you do "
        "not answer for it.",
        body=owing.body_name,
    )
