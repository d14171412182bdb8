"""Staff sign-in and sign-out, throttled per account and per IP address."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.config import Settings
from civic.core import audit
from civic.core.auth import current_user
from civic.core.clock import now
from civic.core.db import transaction
from civic.core.deps import staff, state
from civic.core.forms import Errors, form_context, read_form, safe_next, text
from civic.core.net import client_ip
from civic.core.passwords import verify_password
from civic.core.ratelimit import Limit, hit, limits_itself, peek
from civic.core.sessions import cookie_name, sign_in, sign_out
from civic.core.templating import render_page
from civic.core.users import StaffUser, get_user_by_email

FAILURE_WINDOW = 15 * 60
LOCKED_MESSAGE = "Too many failed attempts. Wait 15 minutes before trying again."


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
        errors["email"] = "Enter your email address"
    if not password:
        errors["password"] = "Enter your password"  # noqa: S105 - a message
    if errors:
        return _page(request, errors, email, 422)
    user = await _authenticate(request, email, password)
    if isinstance(user, str):
        return _page(request, {"email": user}, email, 429 if user == LOCKED_MESSAGE else 422)
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
            return LOCKED_MESSAGE
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
    return "Enter a correct email address and password"


async def _start(request: Request, user: StaffUser, target: str) -> Response:
    settings: Settings = state(request).settings
    at = now(request)
    async with transaction(request) as session:
        token = await sign_in(session, user, now=at)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        cookie_name(settings),
        token,
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
        path="/",
    )
    return response


async def logout(request: Request) -> Response:
    user = staff(request)
    token = request.state.session_token
    async with transaction(request) as session:
        await sign_out(session, user, token, now=now(request))
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    response.delete_cookie(cookie_name(state(request).settings), path="/")
    return response
