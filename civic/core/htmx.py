"""The only module that reads HX-* headers.

`render()` returns the whole page for a normal request and just the fragment for an htmx request, and
marks the response `Vary: HX-Request` so caches keep the two apart.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.core.paths import URL_SAFE
from civic.core.templating import render_page


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true" and request.headers.get("hx-boosted") != "true"


def render(
    request: Request,
    page: str,
    fragment: str | None,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    template = fragment if fragment and is_htmx(request) else page
    response: Response = render_page(request, template, context, status_code=status_code, headers=headers)
    response.headers["Vary"] = "HX-Request"
    return response


def redirect_after_post(request: Request, url: str) -> Response:
    """303 for plain forms; for htmx, HX-Redirect so the browser lands on the same page."""
    if is_htmx(request):
        # Quoted as RedirectResponse quotes Location, so a header never holds a non-ASCII character.
        location = quote(url, safe=URL_SAFE)
        return Response(status_code=204, headers={"HX-Redirect": location, "Vary": "HX-Request"})
    return RedirectResponse(url, status_code=303, headers={"Vary": "HX-Request"})
