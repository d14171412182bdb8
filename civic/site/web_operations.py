"""Endpoints for the people who run Civic: liveness, readiness and Prometheus metrics.

None of them renders a page or touches a session; monitoring calls them every few seconds."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from civic.core import telemetry
from civic.core.db import database, reading
from civic.core.deps import now, settings
from civic.core.jobs import REGISTRY
from civic.core.readiness import readiness

NO_STORE = {"Cache-Control": "no-store"}


async def health(request: Request) -> Response:
    """The process is up and answering. It asks nothing of the database, so a load balancer does not
    take every instance out at once when the database has a bad minute."""
    return JSONResponse({"status": "ok"}, headers=NO_STORE)


async def ready(request: Request) -> Response:
    limit = timedelta(minutes=settings(request).ready_outbox_max_age_minutes)
    checks = await readiness(database(request), now=now(request), outbox_max_age=limit)
    ok = all(check.ok for check in checks)
    body = {
        "status": "ready" if ok else "not ready",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    return JSONResponse(body, status_code=200 if ok else 503, headers=NO_STORE)


async def metrics(request: Request) -> Response:
    token = settings(request).metrics_token
    if not token:
        return Response("Not Found", status_code=404, media_type="text/plain")
    if not telemetry.authorised(request.headers.get("authorization", ""), token):
        return Response("A bearer token is required", status_code=401, headers={"WWW-Authenticate": "Bearer"})
    async with reading(request) as session:
        figures = await telemetry.deployment_metrics(
            session, now=now(request), jobs=list(REGISTRY.values()), stored=telemetry.STORED
        )
    return Response(telemetry.exposition(figures), media_type=telemetry.CONTENT_TYPE, headers=NO_STORE)
