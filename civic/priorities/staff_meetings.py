"""Staff pages for face-to-face meetings: the team advertises a meeting for a round, sees who said
they are coming, cancels it if it must, and afterwards records the show of hands, notes and attendance."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from civic.core.db import reading, transaction
from civic.core.deps import now, path_id, staff, state
from civic.core.errors import NotFound
from civic.core.forms import Errors, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.localtime import input_value
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.users import Role, StaffUser
from civic.priorities import service, service_meetings, service_results
from civic.priorities.forms_meetings import ACCESS_PAIRS, parse_details, parse_tally
from civic.priorities.models import RoundState
from civic.priorities.queries_meetings import ListedMeeting, listed_meeting
from civic.priorities.staff import load_round


async def _new_page(request: Request, values: dict[str, Any], errors: Errors, status: int) -> Response:
    _user, item = await load_round(request)
    context = {"round": item, "access_pairs": ACCESS_PAIRS, **form_context(errors, values)}
    return render_page(request, "priorities/manage/meeting_new.html", context, status_code=status)


async def new_meeting_form(request: Request) -> Response:
    user, item = await load_round(request)
    require(
        "priorities.advertise_meeting",
        user,
        item,
        now=now(request),
        message=gettext("Meetings can no longer be advertised for this round."),
    )
    starts = (now(request) + timedelta(days=14)).replace(minute=0, second=0, microsecond=0)
    values = {
        "starts_at": input_value(starts),
        "ends_at": input_value(starts + timedelta(hours=1, minutes=30)),
    }
    return await _new_page(request, values, {}, 200)


async def create_meeting(request: Request) -> Response:
    user, item = await load_round(request)
    at = now(request)
    require(
        "priorities.advertise_meeting",
        user,
        item,
        now=at,
        message=gettext("Meetings can no longer be advertised for this round."),
    )
    form = await read_form(request)
    details, errors = parse_details(form)
    if details is not None:
        try:
            async with transaction(request) as session:
                meeting = await service_meetings.advertise_meeting(
                    session, item, actor=user, details=details, now=at
                )
        except service.PrioritiesError as exc:
            errors["starts_at"] = str(exc)
    if errors or details is None:
        values: dict[str, Any] = {k: text(form, k) for k in form}
        values["access"] = form.getlist("access")
        return await _new_page(request, values, errors, 422)
    return redirect_after_post(request, f"/priorities/manage/meetings/{meeting.id}")


async def load_meeting(request: Request) -> tuple[StaffUser, ListedMeeting]:
    user = staff(request, Role.POLICE)
    async with reading(request) as session:
        item = await listed_meeting(session, path_id(request, "meeting_id"))
    if item is None:
        raise NotFound()
    require(
        "priorities.view_manage",
        user,
        item.round,
        now=now(request),
        message=gettext("This meeting is not yours."),
    )
    return user, item


async def meeting_page(
    request: Request, errors: Errors | None = None, values: dict[str, Any] | None = None, status: int = 200
) -> Response:
    _user, item = await load_meeting(request)
    async with reading(request) as session:
        candidates = await service.candidates_of(session, item.round.id or 0)
        hands = await service_meetings.hands_of(session, path_id(request, "meeting_id"))
        replies = await service_meetings.replies_of(session, path_id(request, "meeting_id"))
    shown = values or {
        "attendance": str(item.meeting.attendance) if item.meeting.is_recorded else "",
        "note": item.meeting.notes,
        **{
            f"hands_{c.id}": str(hands.get(c.id or 0, 0)) if item.meeting.is_recorded else ""
            for c in candidates
        },
    }
    context = {
        "item": item,
        "meeting": item.meeting,
        "round": item.round,
        "candidates": candidates,
        "replies": replies,
        "coming": sum(r.party for r in replies),
        **form_context(errors, shown),
    }
    return render_page(request, "priorities/manage/meeting.html", context, status_code=status)


async def record_tally(request: Request) -> Response:
    user, item = await load_meeting(request)
    at = now(request)
    require(
        "priorities.record_meeting",
        user,
        item.round,
        now=at,
        message=gettext("Tallies can no longer be entered for this round."),
    )
    form = await read_form(request)
    async with reading(request) as session:
        candidates = await service.candidates_of(session, item.round.id or 0)
    tally, errors = parse_tally(form, candidates)
    if not errors:
        try:
            async with transaction(request) as session:
                fresh = await service_meetings.meeting_of(session, path_id(request, "meeting_id"))
                round_ = await service.get_round(session, item.round.id or 0)
                assert fresh is not None and round_ is not None  # loaded above; rows are never deleted
                await service_meetings.record_tally(
                    session, fresh, round_, actor=user, attendance=tally.attendance, hands=tally.hands,
                    notes=tally.notes, now=at,
                )  # fmt: skip
                if round_.state == RoundState.CLOSED:  # keep the counted result in step
                    await service_results.compute_results(session, round_)
        except service.PrioritiesError as exc:
            errors["attendance"] = str(exc)
    if errors:
        return await meeting_page(request, errors, {k: text(form, k) for k in form}, 422)
    return redirect_after_post(request, f"/priorities/manage/meetings/{item.meeting.id}")


async def cancel_meeting(request: Request) -> Response:
    user, item = await load_meeting(request)
    at = now(request)
    require(
        "priorities.advertise_meeting",
        user,
        item.round,
        now=at,
        message=gettext("This meeting can no longer be cancelled."),
    )
    form = await read_form(request)
    try:
        async with transaction(request) as session:
            fresh = await service_meetings.meeting_of(session, path_id(request, "meeting_id"))
            assert fresh is not None  # loaded above; rows are never deleted
            await service_meetings.cancel_meeting(
                session,
                fresh,
                item.round,
                actor=user,
                reason=text(form, "reason"),
                now=at,
                mail=state(request).mail,
            )
    except service.PrioritiesError as exc:
        return await meeting_page(request, {"reason": str(exc)}, {"reason": text(form, "reason")}, 422)
    return redirect_after_post(request, f"/priorities/manage/meetings/{item.meeting.id}")
