"""Changes to an agenda after it was published: late items and withdrawn items.

A published agenda is part of the notice the public was given, so it is never quietly edited: an item
added afterwards carries the reason it is urgent, and an item that will not be taken is withdrawn with
a reason and stays on the agenda, marked as withdrawn. Both reasons are public.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.errors import Conflict
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.panels import service_journal
from civic.panels.models import AgendaItem, PanelMeeting
from civic.panels.procedure import MeetingState, ProcedureError, check_reason

NOT_REMOVABLE = (
    "The agenda has been published, so its items cannot be removed. "
    "Withdraw the item instead, giving the reason: it stays on the agenda, marked as withdrawn."
)


def late_reason_for(meeting: PanelMeeting, late_reason: str) -> str:
    """The reason of urgency a new item needs: none before publication, a real one after it."""
    if meeting.state == MeetingState.SCHEDULED:
        return ""
    if meeting.state != MeetingState.AGENDA_PUBLISHED:
        raise Conflict(gettext("The meeting has been held or cancelled; its agenda can no longer change."))
    try:
        reason = check_reason(late_reason, gettext("The reason the item is urgent"))
    except ProcedureError as exc:
        raise ProcedureError(str(exc), "late_reason") from None
    if not reason:
        raise ProcedureError(
            gettext("The agenda has been published: give the reason this item is urgent enough to add now."),
            "late_reason",
        )
    return reason


async def withdraw_item(
    session: AsyncSession,
    meeting: PanelMeeting,
    item_id: int,
    *,
    actor: StaffUser | None,
    now: datetime,
    reason: str,
) -> AgendaItem:
    if meeting.state != MeetingState.AGENDA_PUBLISHED:
        raise Conflict(
            gettext("Only items on a published agenda of a meeting not yet held can be withdrawn.")
        )
    item = await session.get(AgendaItem, item_id, with_for_update=True)
    if item is None or item.meeting_id != meeting.id:
        raise ProcedureError(gettext("That item is not on this agenda."))
    if item.withdrawn:
        raise Conflict(gettext("That item has already been withdrawn."))
    reason = check_reason(reason, gettext("The reason the item is withdrawn"))
    if not reason:
        raise ProcedureError(
            gettext("Give the reason the item is withdrawn; it is published with the agenda.")
        )
    item.withdrawn_at, item.withdrawn_reason = now, reason
    session.add(item)
    await session.flush()
    title = "exempt item" if item.exempt else item.title
    await service_journal.log(session, actor, "withdraw_item", item, now=now, reason=f"{title}: {reason}")
    return item
