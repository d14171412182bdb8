"""The admin page showing the outbox's health, with a button that requeues failed mail (audited)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.core import audit
from civic.core.clock import now
from civic.core.db import reading, transaction
from civic.core.deps import staff
from civic.core.outbox_health import failed_messages, masked_address, outbox_health, requeue_failed
from civic.core.templating import render_page
from civic.core.users import Role


def _count(raw: str) -> int:
    return int(raw) if raw.isdigit() else 0


async def outbox_page(request: Request) -> Response:
    staff(request, Role.ADMIN)
    at = now(request)
    async with reading(request) as session:
        health = await outbox_health(session, now=at)
        failed = await failed_messages(session)
    context = {
        "health": health,
        "oldest_age": health.oldest_age(at),
        "failed": [(message, masked_address(message.to_address)) for message in failed],
        "requeued": _count(request.query_params.get("requeued", "")),
    }
    return render_page(request, "site/outbox.html", context)


async def retry_failed(request: Request) -> Response:
    actor = staff(request, Role.ADMIN)
    at = now(request)
    async with transaction(request) as session:
        count = await requeue_failed(session, now=at)
        await audit.record(
            session,
            actor=actor,
            action="mail.retry_failed",
            object_type="outbox",
            object_id="failed",
            now=at,
            reason=f"{count} messages requeued",
        )
    return RedirectResponse(f"/admin/outbox?requeued={count}", status_code=303)
