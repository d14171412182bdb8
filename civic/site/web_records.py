"""The public audit log page and the development-only mailbox."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from civic.core.audit import public_entries
from civic.core.db import reading
from civic.core.outbox import recent_messages
from civic.core.templating import render_page

PAGE_SIZE = 50


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        raise HTTPException(400, "The page number must be a whole number from 1.")
    return int(raw)


async def audit_log(request: Request) -> Response:
    page = _page_number(request)
    async with reading(request) as session:
        entries = await public_entries(session, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    context = {"entries": entries[:PAGE_SIZE], "page": page, "has_next": len(entries) > PAGE_SIZE}
    return render_page(request, "site/audit.html", context)


async def mailbox(request: Request) -> Response:
    """Shows queued mail when no SMTP server is configured, so `make run` needs no mail server."""
    if not request.app.state.settings.is_development:
        raise HTTPException(404)
    async with reading(request) as session:
        messages = await recent_messages(session, limit=50)
    return render_page(request, "site/mailbox.html", {"messages": messages})
