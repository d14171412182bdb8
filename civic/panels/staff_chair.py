"""The chair signs approved minutes as a correct record, which publishes them and emails subscribers."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from civic.core.clock import now as clock_now
from civic.core.db import row_id, transaction
from civic.core.deps import path_id, staff, state
from civic.core.errors import Conflict
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.rules import can, require
from civic.panels import service, service_membership, service_minutes, service_record
from civic.panels import service_versions as content
from civic.panels.procedure import MeetingState, ProcedureError, london_date
from civic.panels.rules import SignOff
from civic.panels.staff_meeting import notify


async def sign_minutes(request: Request) -> Response:
    actor = staff(request)
    meeting_id = path_id(request, "meeting_id")
    now = clock_now(request)
    async with transaction(request) as session:
        meeting, panel = await service.get_meeting(session, meeting_id, for_update=True)
        signoff = SignOff(
            meeting, await service_membership.chair_account(session, row_id(panel), london_date(now))
        )
        if meeting.state != MeetingState.MINUTES_APPROVED and not can(
            "panels.sign_minutes", actor, signoff, now=now
        ):
            raise Conflict(
                gettext("Only minutes the panel has approved, and not yet published, can be signed.")
            )
        require(
            "panels.sign_minutes",
            actor,
            signoff,
            now=now,
            message=gettext("Only the panel's chair can sign the minutes."),
        )
        rec = await service_record.load(session, meeting, panel)
        try:  # publishing the minutes announces the decisions: in every language, where required
            settings = state(request).settings
            await content.require_all(session, settings, rec.decisions, on_box=False)
            await content.require_minutes(
                session, settings, (await service_minutes.versions_of(session, meeting))[-1]
            )
        except ProcedureError as exc:
            raise Conflict(str(exc)) from None
        await service_minutes.publish_minutes(session, meeting, actor=actor, now=now)
        await notify(request, session, rec, "decisions", now)
    return redirect_after_post(request, f"/panels/meetings/{meeting_id}#minutes")
