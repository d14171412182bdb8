"""Home page and accessibility statement."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from civic.core.clock import now
from civic.core.db import reading
from civic.core.home import collect_open_items
from civic.core.templating import render_page


async def home(request: Request) -> Response:
    async with reading(request) as session:
        items = await collect_open_items(session, now(request))
    return render_page(request, "site/home.html", {"items": items})


async def accessibility(request: Request) -> Response:
    return render_page(request, "site/accessibility.html", {})
