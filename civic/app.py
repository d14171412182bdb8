"""The application factory: `create_app(settings)` builds one Civic app; nothing global is shared."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from civic.config import Settings
from civic.core.auth import AuthMiddleware
from civic.core.clock import Clock, SystemClock
from civic.core.csrf import CSRFMiddleware
from civic.core.db import Database
from civic.core.errors import BadInput, bad_input, http_exception, server_error
from civic.core.heap import freeze_startup_objects
from civic.core.inputs import QueryRuleMiddleware
from civic.core.outbox import Mail
from civic.core.security import BodyLimitMiddleware, SecurityHeadersMiddleware
from civic.core.templating import STATIC_DIR, make_templates
from civic.core.worker import Worker
from civic.features import FEATURES, by_position
from civic.site import routes as site

# Paths whose POSTs carry their own signed token and come from mail clients without cookies
# (RFC 8058 one-click unsubscribe). Nothing else may be listed; a test checks this.
CSRF_EXEMPT_PREFIXES: tuple[str, ...] = ("/responses/unsubscribe/",)


def build_routes() -> list[BaseRoute]:
    """One Mount per feature (civic/features.py), in navigation order. Starlette tries routes in
    order and the mounts' prefixes never overlap, so the busiest public feature goes first: browsers
    cache static files, while open petition pages poll their counts. Routes outside a feature's
    Mount, such as /petitions.json beside /petitions/, come after the mounts: no mount's
    "/prefix/..." pattern can match them, and the hot paths are inside mounts."""
    busiest, *others = [Mount(f.mount, routes=list(f.routes), name=f.name) for f in by_position()]
    static = Mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    top_level = [route for f in FEATURES for route in f.top_level]
    return [busiest, static, *others, *top_level, *site.routes]


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    templates = make_templates()
    # Outside development, templates do not change under a running process: skip the stat() of every
    # template file (and of each one it extends or imports) that Jinja makes on every render.
    templates.env.auto_reload = settings.is_development
    db = Database(settings.database_url)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        freeze_startup_objects()
        async with anyio.create_task_group() as tasks:
            if settings.mail_worker:
                tasks.start_soon(app.state.worker.run_forever)
            yield
            tasks.cancel_scope.cancel()
        await db.dispose()

    app = Starlette(
        debug=False,
        routes=build_routes(),
        middleware=[
            Middleware(SecurityHeadersMiddleware, hsts=settings.secure_cookies),
            Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
            Middleware(AuthMiddleware),
            Middleware(CSRFMiddleware, exempt_prefixes=CSRF_EXEMPT_PREFIXES),
            # The input rule for query strings; forms get it in read_form (civic/core/inputs.py).
            Middleware(QueryRuleMiddleware),
        ],
        exception_handlers={BadInput: bad_input, HTTPException: http_exception, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.templates = templates
    app.state.clock = clock or SystemClock()
    app.state.mail = Mail(templates.env, settings)
    app.state.worker = Worker(db, settings, app.state.clock, app.state.mail)
    return app
