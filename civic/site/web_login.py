"""Staff sign-in and sign-out, throttled per account and per IP address.

The password is the first step. A member who has a second factor, or whose role must have one
(STAFF_2FA_REQUIRED), goes on to a pending sign-in (civic/core/signins.py) and gets no session until
the second step is done (civic/site/web_twofactor.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.config import Settings
from civic.core import audit
from civic.core.auth import current_user
from civic.core.clock import now
from civic.core.db import row_id, transaction
from civic.core.deps import staff, state
from civic.core.forms import Errors, form_context, read_form, safe_next, text
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.net import client_ip
from civic.core.passwords import verify_password
from civic.core.ratelimit import Limit, hit, limits_itself, peek
from civic.core.sessions import cookie_name, sign_out
from civic.core.signins import (
    PENDING_MINUTES,
    Factor,
    Stage,
    complete,
    must_have_second_factor,
    pending_cookie_name,
    start_pending,
)
from civic.core.templating import render_page
from civic.core.twofactor import has_second_factor
from civic.core.users import StaffUser, get_user_by_email

FAILURE_WINDOW = 15 * 60
LOCKED_MESSAGE = _l("Too many failed attempts. Wait 15 minutes before trying again.")


def _page(request: Request, errors: Errors, email: str = "", status: int = 200) -> Response:
    context = {
        **form_context(errors),
        "email": email,
        "next": request.query_params.get("next", ""),
    }
    return render_page(request, "site/login.html", context, status_code=status)


async def login_form(request: Request) -> Response:
    if current_user(request) is not None:
        return RedirectResponse("/staff", status_code=303)
    return _page(request, {})


@limits_itself("LOGIN_MAX_FAILURES", "LOGIN_IP_MAX_FAILURES")  # failures only
async def login(request: Request) -> Response:
    form = await read_form(request)
    email, password = text(form, "email").lower(), str(form.get("password", ""))
    errors: Errors = {}
    if not email:
        errors["email"] = gettext("Enter your email address")
    if not password:
        errors["password"] = gettext("Enter your password")
    if errors:
        return _page(request, errors, email, 422)
    user = await _authenticate(request, email, password)
    if isinstance(user, str):
        return _page(request, {"email": user}, email, 429 if user == str(LOCKED_MESSAGE) else 422)
    return await _start(request, user, safe_next(text(form, "next")))


async def _authenticate(request: Request, email: str, password: str) -> StaffUser | str:
    settings: Settings = state(request).settings
    at, ip = now(request), client_ip(request)
    account_key, ip_key = f"login-fail:account:{email}", f"login-fail:ip:{ip}"
    window = Limit(settings.login_max_failures, FAILURE_WINDOW)
    ip_window = Limit(settings.login_ip_max_failures, FAILURE_WINDOW)
    async with transaction(request) as session:
        if await peek(session, account_key, window, now=at) >= window.count or (
            await peek(session, ip_key, ip_window, now=at) >= ip_window.count
        ):
            return str(LOCKED_MESSAGE)
        user = await get_user_by_email(session, email)
    ok = await verify_password(password, user.password_hash if user else None, settings.password_hash_cost)
    if user is not None and ok and not user.disabled:
        return user
    async with transaction(request) as session:
        await hit(session, account_key, [window], now=at)
        await hit(session, ip_key, [ip_window], now=at)
        if user is not None and await peek(session, account_key, window, now=at) == window.count:
            await audit.record(
                session,
                actor=None,
                action="staff.locked_out",
                object_type="staff_user",
                object_id=user.id,
                now=at,
                reason=f"{window.count} failed sign-ins from {ip}",
                names_person=True,  # the IP address
            )
    return gettext("Enter a correct email address and password")


async def _start(request: Request, user: StaffUser, target: str) -> Response:
    """After the password: the second step when one is due, else the session itself."""
    settings: Settings = state(request).settings
    at = now(request)
    async with transaction(request) as session:
        if await has_second_factor(session, row_id(user)):
            stage: Stage | None = Stage.VERIFY
        else:
            stage = Stage.ENROL if must_have_second_factor(settings, user) else None
        if stage is not None:
            pending = await start_pending(session, user, stage, next_url=target, now=at)
    if stage is None:
        return await start_session(request, user, Factor.PASSWORD, target)
    where = "/login/code" if stage == Stage.VERIFY else "/account/authenticator"
    response = RedirectResponse(where, status_code=303)
    response.set_cookie(
        pending_cookie_name(settings),
        pending,
        max_age=PENDING_MINUTES * 60,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
    )
    return response


async def start_session(request: Request, user: StaffUser, factor: Factor, target: str) -> Response:
    """The staff session: started, recorded with the factor used, and its cookie set."""
    response = RedirectResponse(target, status_code=303)
    await set_session(request, response, user, factor)
    return response


async def set_session(request: Request, response: Response, user: StaffUser, factor: Factor) -> None:
    settings: Settings = state(request).settings
    async with transaction(request) as session:
        token = await complete(
            session,
            user,
            factor,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""),
            now=now(request),
        )
    response.set_cookie(
        cookie_name(settings),
        token,
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
    )
    response.delete_cookie(pending_cookie_name(settings), path="/")


async def logout(request: Request) -> Response:
    user = staff(request)
    token = request.state.session_token
    async with transaction(request) as session:
        await sign_out(session, user, token, now=now(request))
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(cookie_name(state(request).settings), path="/")
    return response
