"""Staff pages for assisted votes: the form a member of staff fills in with a resident (consent
recorded, no email), the reference to print or read out, and the review list for moderators."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from civic.core.areas import Neighbourhood
from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, settings_of, staff, state
from civic.core.errors import Conflict, NotFound
from civic.core.forms import form_context, read_form
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.ratelimit import Limit
from civic.core.rules import can, require
from civic.core.templating import render_page
from civic.core.users import Role
from civic.priorities import forms, service, service_assisted
from civic.priorities.models import BallotChannel, OfflineBallot, PriorityRound
from civic.priorities.service_voting import BallotError
from civic.priorities.settings import PrioritySettings

CLOSED = _l("Votes are recorded for residents only while voting is open.")
CONSENT_PAIRS = [("yes", _l("The resident asked me to record their vote and agreed to what I entered"))]
WORKS_PAIRS = [("yes", _l("They work in this neighbourhood but live elsewhere"))]


async def _round(request: Request) -> PriorityRound:
    async with reading(request) as session:
        item = await service.get_round(session, path_id(request, "round_id"))
    if item is None:
        raise NotFound()
    return item


async def _form_page(
    request: Request, item: PriorityRound, ballot: forms.AssistedForm, status: int = 200
) -> Response:
    async with reading(request) as session:
        hood = await session.get(Neighbourhood, item.neighbourhood_slug)
        candidates = await service.candidates_of(session, row_id(item))
    context: dict[str, Any] = {
        "round": item,
        "hood": hood,
        "candidates": candidates,
        "ballot": ballot,
        "consent_pairs": CONSENT_PAIRS,
        "works_pairs": WORKS_PAIRS,
        **form_context(ballot.errors),
    }
    return render_page(request, "priorities/manage/assisted.html", context, status_code=status)


async def assisted_form(request: Request) -> Response:
    actor, item = staff(request), await _round(request)
    require("priorities.assist_vote", actor, item, now=now(request), otherwise=Conflict(str(CLOSED)))
    return await _form_page(request, item, forms.AssistedForm())


async def assisted_post(request: Request) -> Response:
    actor, item, at = staff(request), await _round(request), now(request)
    require("priorities.assist_vote", actor, item, now=at, otherwise=Conflict(str(CLOSED)))
    ballot = forms.parse_assisted(await read_form(request), item)
    if ballot.errors:
        return await _form_page(request, item, ballot, 422)
    per_hour = settings_of(request, PrioritySettings).assisted_per_staff_hour
    try:
        async with transaction(request) as session:
            row = await service_assisted.record_assisted(
                session, item, secret=state(request).settings.secret_key, name=ballot.name,
                postcode=ballot.postcode, works_here=ballot.works_here, choices=ballot.choices,
                actor=actor, limit=Limit(per_hour, 3600), now=at,
            )  # fmt: skip
    except BallotError as exc:
        ballot.errors[exc.field] = str(exc)
        return await _form_page(request, item, ballot, 422)
    return redirect_after_post(request, f"/priorities/manage/rounds/{item.id}/assisted/{row.id}")


async def receipt(request: Request) -> Response:
    """The resident's reference, printable; only whoever entered it (or a reviewer) sees it."""
    actor, item = staff(request), await _round(request)
    async with reading(request) as session:
        row = await session.get(OfflineBallot, path_id(request, "ballot_id"))
    if row is None or row.round_id != item.id or row.channel != BallotChannel.ASSISTED:
        raise NotFound()
    if row.entered_by != actor.id and not await _may_review(request, item):
        raise NotFound()
    return render_page(request, "priorities/manage/assisted_done.html", {"round": item, "row": row})


async def _may_review(request: Request, item: PriorityRound) -> bool:
    return can("priorities.review_assisted", staff(request), item, now=now(request))


async def review(request: Request) -> Response:
    actor, item = staff(request, Role.MODERATOR, Role.POLICE), await _round(request)
    require(
        "priorities.review_assisted",
        actor,
        item,
        now=now(request),
        message=gettext("This round is not yours."),
    )
    async with reading(request) as session:
        rows = await service_assisted.assisted_of(session, row_id(item))
        titles = {c.id: c.title for c in await service.candidates_of(session, row_id(item))}
    context = {"round": item, "rows": rows, "titles": titles}
    return render_page(request, "priorities/manage/assisted_review.html", context)
