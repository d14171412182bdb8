"""A petition's page as anonymous visitors see it, rendered once per cache period per process.

Rendering the page (GOV.UK macros, timeline, ward chart) costs far more than reading what it shows, and
every anonymous visitor sees the same page but for their CSRF token (in the htmx headers and any form).
So the page is rendered with a random stand-in for the token, kept as long as the data it shows
(PETITION_COUNT_CACHE_SECONDS), and each response swaps in the visitor's own token.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from civic.core.csrf_tokens import page_token
from civic.core.deps import state
from civic.core.languages import lang_of
from civic.core.templating import render_shared
from civic.petitions.web_common import kept

# Random per process, so no petition text can contain it and have a token written in its place.
TOKEN_STAND_IN = "csrf" + secrets.token_hex(16)


def anonymous_page(request: Request, petition_id: int, template: str, context: dict[str, Any]) -> Response:
    cache = kept(request).rendered_pages
    key = (petition_id, lang_of(request.scope))  # one copy per language
    html = cache.get(key)
    if html is None:
        html = cache.put(key, render_shared(request, template, context, token_stand_in=TOKEN_STAND_IN))
    token = page_token(request.scope.setdefault("state", {}), state(request).settings.secret_key)
    return HTMLResponse(html.replace(TOKEN_STAND_IN, token))
