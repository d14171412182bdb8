"""The second step of a staff sign-in, and setting up an authenticator app.

The code page takes a code from the member's app or one of their recovery codes; failures count
against the same limits as passwords (LOGIN_MAX_FAILURES per account, LOGIN_IP_MAX_FAILURES per IP
address, in 15 minutes). The authenticator page serves both a member who must enrol before their
first session and a signed-in member adding an app from their account page.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.config import Settings
from civic.core import audit
from civic.core.auth import current_user
from civic.core.clock import now
from civic.core.cookies import read_cookie
from civic.core.db import reading, row_id, transaction
from civic.core.deps import state
from civic.core.forms import Errors, form_context, read_form, text
from civic.core.i18n import gettext
from civic.core.net import client_ip
from civic.core.passkeys import passkeys_of
from civic.core.paths import login_location
from civic.core.ratelimit import Limit, hit, limits_itself, peek
from civic.core.signins import Factor, PendingSignin, Stage, load_pending, pending_cookie_name
from civic.core.templating import render_page
from civic.core.totp import (
    check_code,
    confirm,
    format_secret,
    has_confirmed_totp,
    pending_secret,
    provisioning_uri,
    qr_svg,
    use_recovery_code,
)
from civic.core.users import StaffUser
from civic.site.web_login import FAILURE_WINDOW, LOCKED_MESSAGE, set_session, start_session


async def pending_of(request: Request, stage: Stage) -> tuple[PendingSignin, StaffUser] | None:
    token = read_cookie(request.scope, pending_cookie_name(state(request).settings))
    async with reading(request) as session:
        found = await load_pending(session, token, now=now(request))
    return found if found is not None and found[0].stage == stage else None


async def enrolling(request: Request) -> tuple[StaffUser, PendingSignin | None]:
    """Who is setting up a factor: the signed-in member, or one who must enrol before signing in."""
    user = current_user(request)
    if user is not None:
        return user, None
    found = await pending_of(request, Stage.ENROL)
    if found is None:
        path, query = request.scope["path"], request.scope.get("query_string", b"").decode("latin-1")
        raise HTTPException(status_code=303, headers={"Location": login_location(path, query)})
    return found[1], found[0]


def _limits(settings: Settings) -> tuple[Limit, Limit]:
    return Limit(settings.login_max_failures, FAILURE_WINDOW), Limit(
        settings.login_ip_max_failures, FAILURE_WINDOW
    )


async def _locked(request: Request, user_id: int) -> bool:
    window, ip_window = _limits(state(request).settings)
    at = now(request)
    async with reading(request) as session:
        return await peek(session, f"code-fail:account:{user_id}", window, now=at) >= window.count or (
            await peek(session, f"code-fail:ip:{client_ip(request)}", ip_window, now=at) >= ip_window.count
        )


async def _failed(request: Request, user: StaffUser) -> None:
    window, ip_window = _limits(state(request).settings)
    at, key = now(request), f"code-fail:account:{row_id(user)}"
    async with transaction(request) as session:
        await hit(session, key, [window], now=at)
        await hit(session, f"code-fail:ip:{client_ip(request)}", [ip_window], now=at)
        if await peek(session, key, window, now=at) == window.count:
            await audit.record(
                session,
                actor=None,
                action="staff.locked_out",
                object_type="staff_user",
                object_id=row_id(user),
                now=at,
                reason=f"{window.count} wrong second-factor codes",
            )


async def _code_page(request: Request, user: StaffUser, errors: Errors, status: int = 200) -> Response:
    async with reading(request) as session:
        has_app = await has_confirmed_totp(session, row_id(user))
        has_passkey = bool(await passkeys_of(session, row_id(user)))
    context = {**form_context(errors), "has_app": has_app, "has_passkey": has_passkey}
    return render_page(request, "site/second_factor.html", context, status_code=status)


async def code_form(request: Request) -> Response:
    found = await pending_of(request, Stage.VERIFY)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    return await _code_page(request, found[1], {})


@limits_itself("LOGIN_MAX_FAILURES", "LOGIN_IP_MAX_FAILURES")  # failures only
async def code(request: Request) -> Response:
    found = await pending_of(request, Stage.VERIFY)
    if found is None:
        return RedirectResponse("/login", status_code=303)
    pending, user = found
    form = await read_form(request)
    entered = text(form, "code")
    if not entered:
        return await _code_page(
            request, user, {"code": gettext("Enter the code from your authenticator app")}, 422
        )
    if await _locked(request, row_id(user)):
        return await _code_page(request, user, {"code": str(LOCKED_MESSAGE)}, 429)
    factor = await _check(request, user, entered)
    if factor is None:
        await _failed(request, user)
        return await _code_page(request, user, {"code": gettext("Enter a correct code")}, 422)
    return await start_session(request, user, factor, pending.next_url)


async def _check(request: Request, user: StaffUser, entered: str) -> Factor | None:
    secret_key, at = state(request).settings.secret_key, now(request)
    async with transaction(request) as session:
        if await check_code(session, row_id(user), entered, secret_key=secret_key, now=at):
            return Factor.TOTP
        if await use_recovery_code(session, row_id(user), entered, secret_key=secret_key, now=at):
            await audit.record(
                session,
                actor=user,
                action="staff.recovery_code_used",
                object_type="staff_user",
                object_id=row_id(user),
                now=at,
            )
            return Factor.RECOVERY
    return None


async def _enrol_page(
    request: Request, user: StaffUser, pending: PendingSignin | None, errors: Errors, status: int = 200
) -> Response:
    settings: Settings = state(request).settings
    async with transaction(request) as session:
        if await has_confirmed_totp(session, row_id(user)):
            secret = None
        else:
            secret = await pending_secret(session, user, secret_key=settings.secret_key, now=now(request))
    context: dict[str, Any] = {
        **form_context(errors),
        "pending": pending is not None,
        "already": secret is None,
        "secret": format_secret(secret) if secret else "",
        "qr": qr_svg(provisioning_uri(secret, user.email, settings.council_name)) if secret else "",
    }
    response = render_page(request, "site/enrol_totp.html", context, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


async def enrol_form(request: Request) -> Response:
    user, pending = await enrolling(request)
    return await _enrol_page(request, user, pending, {})


@limits_itself("LOGIN_MAX_FAILURES", "LOGIN_IP_MAX_FAILURES")  # failures only
async def enrol(request: Request) -> Response:
    user, pending = await enrolling(request)
    form = await read_form(request)
    entered = text(form, "code")
    if not entered:
        return await _enrol_page(
            request, user, pending, {"code": gettext("Enter the code your app shows")}, 422
        )
    if await _locked(request, row_id(user)):
        return await _enrol_page(request, user, pending, {"code": str(LOCKED_MESSAGE)}, 429)
    settings: Settings = state(request).settings
    async with transaction(request) as session:
        codes = await confirm(session, user, entered, secret_key=settings.secret_key, now=now(request))
        if codes is not None:
            await audit.record(
                session,
                actor=user,
                action="staff.totp_enrol",
                object_type="staff_user",
                object_id=row_id(user),
                now=now(request),
            )
    if codes is None:
        await _failed(request, user)
        return await _enrol_page(
            request, user, pending, {"code": gettext("Enter the code your app shows now")}, 422
        )
    next_url = pending.next_url if pending is not None else "/account"
    response = render_page(request, "site/recovery_codes.html", {"codes": codes, "next_url": next_url})
    response.headers["Cache-Control"] = "no-store"
    if pending is not None:
        await set_session(request, response, user, Factor.TOTP)
    return response
