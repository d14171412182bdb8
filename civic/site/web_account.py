"""A staff member's own account security: their factors, recent sign-ins and open sessions."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.core import audit
from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, staff, state
from civic.core.errors import NotFound
from civic.core.passkeys import passkeys_of, remove_passkey
from civic.core.sessions import hash_token
from civic.core.signins import end_other_sessions, open_sessions, recent_signins
from civic.core.templating import render_page
from civic.core.totp import has_confirmed_totp, new_recovery_codes, recovery_codes_left


async def account(request: Request) -> Response:
    user = staff(request)
    token = request.state.session_token
    async with reading(request) as session:
        context = {
            "has_app": await has_confirmed_totp(session, row_id(user)),
            "codes_left": await recovery_codes_left(session, row_id(user)),
            "signins": await recent_signins(session, row_id(user)),
            "sessions": await open_sessions(session, row_id(user)),
            "passkeys": await passkeys_of(session, row_id(user)),
        }
    context["this_session"] = hash_token(token)
    return render_page(request, "site/account.html", context)


async def end_others(request: Request) -> Response:
    user = staff(request)
    async with transaction(request) as session:
        ended = await end_other_sessions(session, row_id(user), request.state.session_token)
        await audit.record(
            session,
            actor=user,
            action="staff.end_other_sessions",
            object_type="staff_user",
            object_id=row_id(user),
            now=now(request),
            reason=f"{ended} sessions ended",
        )
    return RedirectResponse("/account?ended=1", status_code=303)


async def renew_codes(request: Request) -> Response:
    user = staff(request)
    async with transaction(request) as session:
        if not await has_confirmed_totp(session, row_id(user)):
            return RedirectResponse("/account/authenticator", status_code=303)
        codes = await new_recovery_codes(
            session, user, secret_key=state(request).settings.secret_key, now=now(request)
        )
        await audit.record(
            session,
            actor=user,
            action="staff.recovery_codes_renewed",
            object_type="staff_user",
            object_id=row_id(user),
            now=now(request),
        )
    response = render_page(request, "site/recovery_codes.html", {"codes": codes, "next_url": "/account"})
    response.headers["Cache-Control"] = "no-store"
    return response


async def remove_own_passkey(request: Request) -> Response:
    user = staff(request)
    async with transaction(request) as session:
        if not await remove_passkey(session, row_id(user), path_id(request, "passkey_id")):
            raise NotFound()
        await audit.record(
            session,
            actor=user,
            action="staff.passkey_remove",
            object_type="staff_user",
            object_id=row_id(user),
            now=now(request),
        )
    return RedirectResponse("/account?removed=1", status_code=303)
