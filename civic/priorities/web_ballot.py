"""The printable paper ballot of a round: its question, the issues numbered as staff type them in,
boxes for the postcode and the "I work here" tick, and a QR code to vote online instead."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from civic.core.areas import Neighbourhood
from civic.core.auth import current_user
from civic.core.clock import now
from civic.core.db import reading, row_id
from civic.core.deps import settings
from civic.core.errors import Conflict
from civic.core.i18n import gettext
from civic.core.qr import qr_svg
from civic.core.rules import require
from civic.core.templating import render_page
from civic.priorities.service import candidates_of
from civic.priorities.web import load_round


async def paper_ballot(request: Request) -> Response:
    item = await load_round(request)
    require(
        "priorities.print_ballot",
        current_user(request),
        item,
        now=now(request),
        otherwise=Conflict(gettext("Paper ballots are printed only while voting is open.")),
    )
    async with reading(request) as session:
        hood = await session.get(Neighbourhood, item.neighbourhood_slug)
        candidates = await candidates_of(session, row_id(item))
    url = settings(request).url(f"/priorities/rounds/{item.id}/vote")
    context = {
        "round": item,
        "hood": hood,
        "candidates": candidates,
        "url": url,
        "qr": qr_svg(url, gettext("QR code for voting online, %(url)s", url=url)),
    }
    return render_page(request, "priorities/ballot_paper.html", context)
