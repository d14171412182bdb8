"""Public pages of face-to-face meetings: the meeting itself, saying you are coming (no account;
name and email optional) and the printable poster with a QR code to the meeting's page."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.core.auth import current_user
from civic.core.db import reading, transaction
from civic.core.deps import now, path_id, settings, settings_of
from civic.core.errors import Conflict, NotFound, TooManyRequests
from civic.core.forms import form_context, read_form, text
from civic.core.i18n import gettext
from civic.core.net import client_ip
from civic.core.qr import qr_svg
from civic.core.ratelimit import Limit, hit, limits_itself
from civic.core.rules import can, require
from civic.core.templating import render_page
from civic.priorities.forms_meetings import parse_rsvp
from civic.priorities.queries_meetings import ListedMeeting, listed_meeting
from civic.priorities.service import candidates_of
from civic.priorities.service_meetings import add_rsvp, hands_of
from civic.priorities.settings import PrioritySettings


async def load_meeting(request: Request) -> ListedMeeting:
    """An advertised meeting of a round the asker may see (drafts are the team's alone)."""
    async with reading(request) as session:
        item = await listed_meeting(session, path_id(request, "meeting_id"))
    if item is None or item.meeting.advertised_at is None:
        raise NotFound()
    require("priorities.view", current_user(request), item.round, now=now(request), otherwise=NotFound())
    return item


async def meeting_context(request: Request, item: ListedMeeting) -> dict[str, Any]:
    at = now(request)
    tally: list[tuple[str, int]] = []
    if item.meeting.is_recorded:
        async with reading(request) as session:
            hands = await hands_of(session, path_id(request, "meeting_id"))
            candidates = await candidates_of(session, item.round.id or 0)
        tally = [(c.title, hands.get(c.id or 0, 0)) for c in candidates]
    return {
        "item": item,
        "meeting": item.meeting,
        "round": item.round,
        "hood": item.hood,
        "can_reply": can("priorities.rsvp", None, item.meeting, now=at),
        "can_vote": can("priorities.vote", None, item.round, now=at),
        "tally": tally,
        "replied": request.query_params.get("replied") == "1",
    }


async def meeting_page(request: Request) -> Response:
    item = await load_meeting(request)
    return render_page(request, "priorities/meeting.html", await meeting_context(request, item))


async def rsvp_form(request: Request) -> Response:
    item = await load_meeting(request)
    refused = gettext("This meeting is not taking replies.")
    require("priorities.rsvp", None, item.meeting, now=now(request), message=refused)
    context = {**(await meeting_context(request, item)), **form_context({}, {"party": "1"})}
    return render_page(request, "priorities/rsvp.html", context)


@limits_itself("PRIORITIES_RSVPS_PER_IP_HOUR")
async def rsvp(request: Request) -> Response:
    item, at = await load_meeting(request), now(request)
    refused = gettext("This meeting is not taking replies.")
    require("priorities.rsvp", None, item.meeting, now=at, message=refused)
    form = await read_form(request)
    done = RedirectResponse(f"{item.href}?replied=1", status_code=303)
    if text(form, "website"):  # the honeypot: people never see it, bots fill it in
        return done
    reply, errors = parse_rsvp(form)
    if errors:
        values = {"name": reply.name, "email": reply.email, "party": text(form, "party")}
        context = {**(await meeting_context(request, item)), **form_context(errors, values)}
        return render_page(request, "priorities/rsvp.html", context, status_code=422)
    per_hour = settings_of(request, PrioritySettings).rsvps_per_ip_hour
    async with transaction(request) as session:
        verdict = await hit(
            session, f"priorities.rsvp.ip:{client_ip(request)}", [Limit(per_hour, 3600)], now=at
        )
        if verdict.allowed:
            await add_rsvp(
                session, item.meeting, name=reply.name, email=reply.email, party=reply.party, now=at
            )
    if not verdict.allowed:
        raise TooManyRequests(verdict.retry_after)
    return done


async def poster(request: Request) -> Response:
    item = await load_meeting(request)
    if item.meeting.is_cancelled:
        raise Conflict(gettext("This meeting is cancelled, so there is no poster to print."))
    url = settings(request).url(item.href)
    context = {
        **(await meeting_context(request, item)),
        "url": url,
        "vote_url": settings(request).url(f"/priorities/rounds/{item.round.id}"),
        "qr": qr_svg(
            url, gettext("QR code for the meeting's page, where you can also vote online: %(url)s", url=url)
        ),
    }
    return render_page(request, "priorities/poster.html", context)
