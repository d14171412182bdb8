"""Home page, accessibility statement and health check."""

from __future__ import annotations

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from civic.core.clock import now
from civic.core.db import reading, run_sql
from civic.core.home import collect_open_items
from civic.core.templating import render_page


async def home(request: Request) -> Response:
    async with reading(request) as session:
        items = await collect_open_items(session, now(request))
    return render_page(request, "site/home.html", {"items": items})


async def accessibility(request: Request) -> Response:
    return render_page(request, "site/accessibility.html", {})


async def health(request: Request) -> Response:
    async with reading(request) as session:
        await run_sql(session, text("SELECT 1"))
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})
