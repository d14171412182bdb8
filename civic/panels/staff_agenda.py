"""The clerk's handlers for a meeting's agenda: items added before or (when urgent) after
publication, items removed from a draft agenda or withdrawn from a published one, and publication.
Late items and withdrawals are emailed to the subscribers who had the agenda.
See `staff` for the order of checks every POST makes."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core.deps import path_id, state
from civic.core.forms import read_form, text
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.panels import forms, service, service_agenda, service_subscriptions
from civic.panels.links import MINUTES_KIND
from civic.panels.models import AgendaItem
from civic.panels.service_record import MeetingRecord
from civic.panels.staff_meeting import notify, perform


async def add_item(request: Request) -> Response:
    form = await read_form(request)
    values, errors = forms.item_form(form)
    if text(form, "approves"):
        values["links"].append((MINUTES_KIND, text(form, "approves"), "Minutes of the previous meeting"))

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        raw = values["raw"]
        item = await service.add_item(
            session,
            rec.meeting,
            actor=actor,
            now=now,
            title=raw["title"],
            body=raw["body"],
            exempt=values["exempt"],
            exempt_reason=raw["exempt_reason"],
            links=values["links"],
            late_reason=raw["late_reason"],
        )
        if item.late_reason:  # the agenda was already out: those who had it hear of the new item
            await tell_agenda_change(request, session, rec, item, now)

    return await perform(request, "panels.add_item", "title", work, {"item": values["raw"]}, errors)


async def remove_item(request: Request) -> Response:
    item_id = path_id(request, "item_id")

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        await service.remove_item(session, rec.meeting, item_id, actor=actor, now=now)

    return await perform(request, "panels.edit_agenda", "title", work, refusal=service_agenda.NOT_REMOVABLE)


async def withdraw_item(request: Request) -> Response:
    item_id = path_id(request, "item_id")
    reason = text(await read_form(request), "withdrawn_reason")
    field = f"withdraw-{item_id}"

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        item = await service_agenda.withdraw_item(
            session, rec.meeting, item_id, actor=actor, now=now, reason=reason
        )
        await tell_agenda_change(request, session, rec, item, now)

    return await perform(
        request,
        "panels.withdraw_item",
        field,
        work,
        {field: reason},
        refusal=gettext("Only items on a published agenda of a meeting not yet held can be withdrawn."),
    )


async def tell_agenda_change(
    request: Request, session: AsyncSession, rec: MeetingRecord, item: AgendaItem, now: datetime
) -> None:
    shared = state(request)
    await service_subscriptions.notify_agenda_change(
        session, rec.panel, rec.meeting, item, settings=shared.settings, mail=shared.mail, now=now
    )


async def publish_agenda(request: Request) -> Response:
    reason = text(await read_form(request), "urgency_reason")

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        await service.publish_agenda(session, rec.meeting, actor=actor, now=now, urgency_reason=reason)
        await notify(request, session, rec, "agenda", now)

    return await perform(request, "panels.publish_agenda", "urgency_reason", work, {"urgency_reason": reason})
