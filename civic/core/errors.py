"""Error pages in the site layout. No stack trace ever reaches a user; 500s are logged instead."""

from __future__ import annotations

import logging
from http import HTTPStatus

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Scope

from civic.core.htmx import is_htmx
from civic.core.i18n import LazyString
from civic.core.i18n import lazy_gettext as _l
from civic.core.state import state
from civic.core.templating import render_page

log = logging.getLogger("civic.errors")

TITLES: dict[int, LazyString] = {
    400: _l("There is a problem with your request"),
    403: _l("You cannot do that"),
    404: _l("Page not found"),
    405: _l("Page not found"),
    409: _l("That cannot be done now"),
    410: _l("This page has been removed"),
    413: _l("What you sent is too large"),
    422: _l("There is a problem"),
    429: _l("Too many requests"),
    500: _l("Sorry, there is a problem with the service"),
}
DEFAULT_MESSAGES: dict[int, LazyString] = {
    404: _l(
        "If you typed the web address, check it is correct. If you pasted it, check you copied all of it."
    ),
    405: _l("If you typed the web address, check it is correct."),
    413: _l("Send a smaller file or shorter text."),
    429: _l("You have made too many requests in a short time. Wait a few minutes and try again."),
    500: _l("Try again later. Nothing you sent has been lost if you saw a confirmation page."),
}


class ServiceError(Exception):
    """What a service refuses, in its own terms: services never import the web framework. The one
    handler `service_error` (registered in app.py) turns each kind into the status page it names."""

    status_code = 500

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(ServiceError):
    """The object named does not exist, or the asker may not know that it does (404)."""

    status_code = 404


class Conflict(ServiceError):
    """The action is not allowed from the object's current state (409); the detail explains why."""

    status_code = 409


class Gone(ServiceError):
    """The object existed and was removed (410)."""

    status_code = 410

    def __init__(self, detail: str = "This has been removed.") -> None:
        super().__init__(detail)


class Refused(ServiceError):
    """What was sent cannot be stored or acted on, whatever the state (422); the detail says why."""

    status_code = 422


class TooManyRequests(HTTPException):
    def __init__(self, retry_after: int) -> None:
        super().__init__(status_code=429, headers={"Retry-After": str(retry_after)})


class BadInput(HTTPException):
    """Input that breaks the input rule (see civic/core/inputs.py): 422 for a form, 400 for a query
    string. `problems` pairs each field with the message that names it."""

    def __init__(self, problems: list[tuple[str, str]], *, status_code: int) -> None:
        super().__init__(status_code=status_code, detail=" ".join(message for _, message in problems))
        self.problems = problems


def error_response(scope: Scope, status: int, message: str | None = None) -> ASGIApp:
    """An error page as an ASGI app, usable from middleware outside Starlette's exception handling."""
    request = Request(scope)
    return _render(request, status, message)


def _render(
    request: Request, status: int, message: str | None, headers: dict[str, str] | None = None
) -> Response:
    title = str(TITLES.get(status) or HTTPStatus(status).phrase)
    context = {
        "title": title,
        "message": message or str(DEFAULT_MESSAGES.get(status, "")),
        "status": status,
    }
    try:
        return render_page(request, "errors/error.html", context, status_code=status, headers=headers)
    except Exception:  # the error page itself must never fail into a stack trace
        log.exception("error page failed to render")
        return Response(f"{status} {title}", status_code=status, media_type="text/plain", headers=headers)


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code in {301, 302, 303, 307, 308}:
        return Response(status_code=exc.status_code, headers=exc.headers)
    detail = exc.detail if exc.detail != HTTPStatus(exc.status_code).phrase else None
    return _render(request, exc.status_code, detail, dict(exc.headers or {}))


async def service_error(request: Request, exc: Exception) -> Response:
    """A service's own error as the same page an HTTPException with that status would give."""
    assert isinstance(exc, ServiceError)
    return _render(request, exc.status_code, exc.detail or None)


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _render(request, 500, None)


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.endswith(".json") or ("json" in accept and "html" not in accept)


def _back_link(request: Request) -> str:
    """Where the form or link came from, when that was this site; else the page itself."""
    referer = request.headers.get("referer", "")
    origin = f"{request.url.scheme}://{request.url.netloc}"
    allowed = {origin, state(request).settings.base_origin}
    for prefix in allowed:
        rest = referer.removeprefix(prefix)
        if rest != referer and rest.startswith("/") and not rest.startswith("//"):
            return rest.split("#", 1)[0]
    return request.url.path


def bad_input_response(request: Request, exc: BadInput) -> Response:
    """The GOV.UK error summary naming each field, with a link back (the fragment alone for htmx);
    JSON clients get the same status and messages as JSON."""
    if _wants_json(request):
        errors = [{"field": field, "message": message} for field, message in exc.problems]
        return JSONResponse({"errors": errors}, status_code=exc.status_code)
    back = _back_link(request)
    form = exc.status_code == 422
    context = {
        "title": TITLES[exc.status_code],
        "problems": [
            {"text": message, "href": f"{back}#{field}" if form else back} for field, message in exc.problems
        ],
        "back": back,
        "form": form,
    }
    template = "errors/_bad_input.html" if is_htmx(request) else "errors/bad_input.html"
    try:
        response = render_page(request, template, context, status_code=exc.status_code)
    except Exception:  # like _render: an error page never fails into a stack trace
        log.exception("bad input page failed to render")
        return Response(exc.detail, status_code=exc.status_code, media_type="text/plain")
    response.headers["Vary"] = "HX-Request"
    return response


async def bad_input(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BadInput)
    return bad_input_response(request, exc)
