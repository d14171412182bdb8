"""The clerk moves a meeting that has not been held: a new date and time, place or online link, with
a public reason. Subscribers who were sent the agenda hear of the change. See `service_rescheduling`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core.deps import state
from civic.core.forms import check_length, read_form, text
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.panels import forms, service_rescheduling, service_subscriptions
from civic.panels.service_record import MeetingRecord
from civic.panels.staff_meeting import perform

PREFIX = "move-"  # the meeting page has several forms: these ids keep the error summary's links apart


async def reschedule_meeting(request: Request) -> Response:
    form = await read_form(request)
    values, errors = forms.meeting_form(form)
    reason, urgency = text(form, "reason"), text(form, "urgency_reason")
    check_length(errors, "reason", reason, gettext("the reason for the change"), maximum=1000)
    check_length(
        errors, "urgency_reason", urgency, gettext("the reason of urgency"), maximum=1000, required=False
    )
    shown: dict[str, Any] = {"move": {**values["raw"], "reason": reason, "urgency_reason": urgency}}

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        raw = values["raw"]
        new = service_rescheduling.NewArrangements(
            values["starts_at"], raw["place"], raw["online_url"], reason, urgency
        )
        change = await service_rescheduling.reschedule_meeting(
            session, rec.meeting, new, actor=actor, now=now
        )
        if change.agenda_published:
            shared = state(request)
            await service_subscriptions.notify_change(
                session, rec.panel, rec.meeting, change, settings=shared.settings, mail=shared.mail, now=now
            )

    return await perform(
        request,
        "panels.reschedule",
        f"{PREFIX}day",
        work,
        shown,
        {f"{PREFIX}{field}": message for field, message in errors.items()},
        refusal=gettext("Only a meeting that has not been held or cancelled can be moved."),
        prefix=PREFIX,
    )
