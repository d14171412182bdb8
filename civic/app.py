"""The application factory: `create_app(settings)` builds one Civic app; nothing global is shared."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import BaseRoute, Mount

from civic.config import Settings
from civic.core.assets import static_app
from civic.core.auth import AuthMiddleware
from civic.core.clock import Clock, SystemClock
from civic.core.csrf import COOKIE as CSRF_COOKIE
from civic.core.csrf import CSRFMiddleware
from civic.core.db import Database
from civic.core.errors import BadInput, ServiceError, bad_input, http_exception, server_error, service_error
from civic.core.fastpath_serve import FastPathMiddleware
from civic.core.heap import freeze_startup_objects
from civic.core.i18n import check_languages
from civic.core.inputs import QueryRuleMiddleware
from civic.core.languages import LocaleMiddleware
from civic.core.logs import configure_logging
from civic.core.outbox import Mail
from civic.core.request_context import RequestContextMiddleware
from civic.core.security import Allowance, BodyLimitMiddleware, SecurityHeadersMiddleware, security_headers
from civic.core.sessions import cookie_name
from civic.core.state import AppState
from civic.core.templating import make_templates, static_manifest
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
    "/prefix/..." pattern can match them, and the hot paths are inside mounts. The static files are
    built (hashed names, compressed copies: civic/core/assets.py) once per process, here."""
    busiest, *others = [Mount(f.mount, routes=list(f.routes), name=f.name) for f in by_position()]
    static = Mount("/static", app=static_app(static_manifest()), name="static")
    top_level = [route for f in FEATURES for route in f.top_level]
    return [busiest, static, *others, *top_level, *site.routes]


def upload_allowances(settings: Settings) -> list[Allowance]:
    """The features' upload routes (full paths) and the largest file each setting allows."""
    return [
        (re.compile(re.escape(feature.mount) + upload.path), settings.int_value(upload.setting))
        for feature in FEATURES
        for upload in feature.uploads
    ]


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    check_languages(settings.languages)
    templates = make_templates()
    # Outside development, templates do not change under a running process: skip the stat() of every
    # template file (and of each one it extends or imports) that Jinja makes on every render.
    templates.env.auto_reload = settings.is_development
    db = Database(settings.database_url)
    clock = clock or SystemClock()
    mail = Mail(templates.env, settings)
    state = AppState(
        settings=settings,
        db=db,
        templates=templates,
        clock=clock,
        mail=mail,
        worker=Worker(db, settings, clock, mail),
    )
    for feature in FEATURES:  # each feature's per-process objects (caches, group-commit writers)
        for factory in feature.per_process:
            state.add(factory)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        freeze_startup_objects()
        async with anyio.create_task_group() as tasks:
            if settings.mail_worker:
                tasks.start_soon(state.worker.run_forever)
            yield
            tasks.cancel_scope.cancel()
        await db.dispose()

    app = Starlette(
        debug=False,
        routes=build_routes(),
        middleware=[
            # First, polls answered from bytes a feature prepared (civic/core/fastpath.py), with the
            # same headers, request id, metrics and access line as below. Then, outermost for
            # everything else: the request id and route name are in every log line, and every
            # answer (even an error page made further in) is counted and timed.
            Middleware(
                FastPathMiddleware,
                paths=state.fast_paths,
                security=security_headers(hsts=settings.secure_cookies),
                csrf_cookie=CSRF_COOKIE,
                session_cookie=cookie_name(settings),
                languages=settings.languages,
                default_language=settings.default_language,
            ),
            Middleware(RequestContextMiddleware),
            # The reader's language, before anything that can answer with a page (413, CSRF's 403).
            Middleware(LocaleMiddleware),
            Middleware(SecurityHeadersMiddleware, hsts=settings.secure_cookies),
            # Pages, fragments and downloads leave gzipped for clients that accept it (streamed
            # responses chunk by chunk); static files are sent from their pre-compressed brotli or
            # gzip copies, which carry Content-Encoding and so pass through untouched. Bodies under
            # 500 bytes, such as the count fragment, are sent as they are. Level 1: a petition page
            # compresses in well under half the time of level 6 for about a kilobyte more, and pages
            # are compressed on every request (the hot petition page halved its rate at level 6).
            Middleware(GZipMiddleware, minimum_size=500, compresslevel=1),
            Middleware(
                BodyLimitMiddleware, max_bytes=settings.max_body_bytes, allowances=upload_allowances(settings)
            ),
            Middleware(AuthMiddleware),
            Middleware(CSRFMiddleware, exempt_prefixes=CSRF_EXEMPT_PREFIXES),
            # The input rule for query strings; forms get it in read_form (civic/core/inputs.py).
            Middleware(QueryRuleMiddleware),
        ],
        exception_handlers={
            BadInput: bad_input,
            HTTPException: http_exception,
            ServiceError: service_error,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    app.state.civic = state  # read through civic.core.state (app_state / state), typed
    return app
