"""Passkey ceremonies over JSON for static/js/passkeys.js: registering one (signed in, or while
enrolling before the first session), using one as the second step after the password, and signing
in with one alone. Each options call stores a single-use challenge (civic/core/passkeys.py)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from civic.core import audit
from civic.core.clock import now
from civic.core.db import row_id, transaction
from civic.core.deps import state
from civic.core.i18n import gettext
from civic.core.net import client_ip
from civic.core.passkeys import (
    PasskeyError,
    RelyingParty,
    authenticate,
    authentication_options,
    register,
    registration_options,
)
from civic.core.ratelimit import Limit, hit, limits_itself, peek
from civic.core.signins import Factor, Stage
from civic.core.users import StaffUser
from civic.site.web_login import FAILURE_WINDOW, LOCKED_MESSAGE, set_session
from civic.site.web_twofactor import enrolling, pending_of


def _options(body: str) -> Response:
    return Response(body, media_type="application/json", headers={"Cache-Control": "no-store"})


def _problem(message: str, status: int = 422) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


async def _credential(request: Request) -> dict[str, Any] | None:
    try:
        body = await request.json()
    except ValueError:
        return None
    found = body.get("credential") if isinstance(body, dict) else None
    return found if isinstance(found, dict) else None


async def register_options(request: Request) -> Response:
    user, _ = await enrolling(request)
    async with transaction(request) as session:
        body = await registration_options(
            session, user, RelyingParty.of(state(request).settings), now=now(request)
        )
    return _options(body)


async def register_passkey(request: Request) -> Response:
    user, pending = await enrolling(request)
    credential = await _credential(request)
    if credential is None:
        return _problem(gettext("The passkey response could not be read. Try again."))
    name = str((await request.json()).get("name", ""))
    problem = ""
    async with transaction(request) as session:  # commits even on failure: the challenge stays used
        try:
            rp = RelyingParty.of(state(request).settings)
            await register(session, user, rp, credential, name=name, now=now(request))
        except PasskeyError as exc:
            problem = str(exc)
        else:
            await audit.record(
                session,
                actor=user,
                action="staff.passkey_add",
                object_type="staff_user",
                object_id=row_id(user),
                now=now(request),
            )
    if problem:
        return _problem(problem)
    response = JSONResponse({"redirect": pending.next_url if pending else "/account"})
    if pending is not None:
        await set_session(request, response, user, Factor.PASSKEY)
    return response


def _ip_limit(request: Request) -> tuple[str, Limit]:
    return f"login-fail:ip:{client_ip(request)}", Limit(
        state(request).settings.login_ip_max_failures, FAILURE_WINDOW
    )


@limits_itself("LOGIN_IP_MAX_FAILURES")  # refused while the address is locked out
async def signin_options(request: Request) -> Response:
    """Passwordless when no password was given yet; the member's own passkeys after it."""
    key, limit = _ip_limit(request)
    found = await pending_of(request, Stage.VERIFY)
    async with transaction(request) as session:
        if await peek(session, key, limit, now=now(request)) >= limit.count:
            return _problem(str(LOCKED_MESSAGE), 429)
        user = None if found is None else found[1]
        body = await authentication_options(
            session, RelyingParty.of(state(request).settings), user, now=now(request)
        )
    return _options(body)


@limits_itself("LOGIN_IP_MAX_FAILURES")  # failures only
async def signin(request: Request) -> Response:
    key, limit = _ip_limit(request)
    credential = await _credential(request)
    found = await pending_of(request, Stage.VERIFY)
    if credential is None:
        return _problem(gettext("The passkey response could not be read. Try again."))
    user: StaffUser | None = None
    problem = ""
    async with transaction(request) as session:  # commits even on failure: the challenge stays used
        if await peek(session, key, limit, now=now(request)) >= limit.count:
            return _problem(str(LOCKED_MESSAGE), 429)
        rp = RelyingParty.of(state(request).settings)
        try:
            passkey = await authenticate(
                session, rp, credential, None if found is None else found[1], now=now(request)
            )
        except PasskeyError as exc:
            problem = str(exc)
            await hit(session, key, [limit], now=now(request))
        else:
            user = await session.get(StaffUser, passkey.user_id)
    if problem:
        return _problem(problem)
    if user is None or user.disabled:
        return _problem(gettext("That passkey is not registered here."))
    response = JSONResponse({"redirect": found[0].next_url if found else "/staff"})
    await set_session(request, response, user, Factor.PASSKEY)
    return response
