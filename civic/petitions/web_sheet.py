"""The printable blank petition sheet: the petition's text and reference, the declaration, columns
to sign in, and a QR code to the petition's page for anyone who would rather sign online."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from civic.core.db import reading
from civic.core.deps import settings
from civic.core.errors import Conflict
from civic.core.i18n import gettext
from civic.core.languages import lang_of
from civic.core.qr import qr_svg
from civic.core.templating import render_page
from civic.petitions import versions
from civic.petitions.models import State
from civic.petitions.web_common import load_visible

ROWS = 12  # signature lines on one printed sheet (an A4 page in portrait)


async def blank_sheet(request: Request) -> Response:
    async with reading(request) as session:
        petition = await load_visible(session, request)
        shown = await versions.localise_one(session, petition, lang_of(request.scope))
    if petition.state != State.OPEN:
        raise Conflict("Sheets are printed only for open petitions.")
    url = settings(request).url(f"/petitions/{petition.id}")
    context = {
        "petition": shown,
        "url": url,
        "qr": qr_svg(url, gettext("QR code for the petition's page, %(url)s", url=url)),
        "rows": range(1, ROWS + 1),
    }
    return render_page(request, "petitions/sheet.html", context)
