"""The application factory: `create_app(settings)` builds one Civic app; nothing global is shared."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from civic import models  # noqa: F401 - registers every table and every feature's rules and jobs
from civic.budgets import routes as budgets_routes
from civic.config import Settings
from civic.core.auth import AuthMiddleware
from civic.core.clock import Clock, SystemClock
from civic.core.csrf import CSRFMiddleware
from civic.core.db import Database
from civic.core.errors import BadInput, bad_input, http_exception, server_error
from civic.core.heap import freeze_startup_objects
from civic.core.inputs import QueryRuleMiddleware
from civic.core.logs import configure_logging
from civic.core.outbox import Mail
from civic.core.request_context import RequestContextMiddleware
from civic.core.security import BodyLimitMiddleware, SecurityHeadersMiddleware
from civic.core.templating import STATIC_DIR, make_templates
from civic.core.worker import Worker
from civic.panels import routes as panels_routes
from civic.petitions import routes as petitions_routes
from civic.priorities import routes as priorities_routes
from civic.responses import routes as responses_routes
from civic.site import routes as site

# One Mount per feature. A feature adds itself here and in civic/models.py. Starlette tries routes in
# order, and the mounts' prefixes never overlap, so the busiest public feature goes first.
FEATURES: list[tuple[str, str, list[BaseRoute]]] = [
    ("/petitions", "petitions", petitions_routes.routes),
    ("/budgets", "budgets", budgets_routes.routes),
    ("/responses", "responses", responses_routes.routes),
    ("/panels", "panels", panels_routes.routes),
    ("/priorities", "priorities", priorities_routes.routes),
]
# Routes outside a feature's Mount, such as /petitions.json beside /petitions/. They come after the
# mounts: no mount's "/prefix/..." pattern can match them, and the hot paths are inside mounts.
TOP_LEVEL: list[BaseRoute] = [
    *responses_routes.top_level,
    *panels_routes.top_level,
    *petitions_routes.top_level,
]

# Paths whose POSTs carry their own signed token and come from mail clients without cookies
# (RFC 8058 one-click unsubscribe). Nothing else may be listed; a test checks this.
CSRF_EXEMPT_PREFIXES: tuple[str, ...] = ("/responses/unsubscribe/",)


def build_routes() -> list[BaseRoute]:
    busiest, *others = [Mount(path, routes=r, name=name) for path, name, r in FEATURES]
    static = Mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Browsers cache static files, while open petition pages poll their counts: petitions go first.
    return [busiest, static, *others, *TOP_LEVEL, *site.routes]


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
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
            # Outermost: the request id and route name are in every log line, and every answer
            # (even an error page made further in) is counted and timed.
            Middleware(RequestContextMiddleware),
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
