"""Who is asking: loads the staff user for each request from the server-side session cookie."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from civic.core.cookies import read_cookie
from civic.core.i18n import gettext
from civic.core.paths import login_location
from civic.core.sessions import (
    TOUCH_EVERY,
    cookie_name,
    hash_token,
    is_expired,
    load_session,
    touch_session,
)
from civic.core.signins import session_meets_rule
from civic.core.state import app_state
from civic.core.users import Role, StaffUser


class AuthMiddleware:
    """Puts `user` (a StaffUser or None) and `session_token` into the request state.

    Residents have no staff cookie, so their requests never open a database session here."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            state = scope.setdefault("state", {})
            state["user"] = None
            state["session_token"] = None
            if not scope["path"].startswith("/static/"):
                await self._load(scope, state)
        await self.app(scope, receive, send)

    async def _load(self, scope: Scope, state: dict[str, object]) -> None:
        shared = app_state(scope["app"])
        token = read_cookie(scope, cookie_name(shared.settings))
        if not token:
            return
        db, now = shared.db, shared.clock.now()
        async with db.reading() as session:
            found = await load_session(session, token)
            if found is None:
                return
            row, user = found
            if user.disabled or is_expired(row, shared.settings, now):
                return
            if not await session_meets_rule(session, shared.settings, user, token):
                return
        if now - row.last_seen_at > TOUCH_EVERY:
            async with db.transaction() as session:
                await touch_session(session, hash_token(token), now)
        state["user"] = user
        state["session_token"] = token


def current_user(conn: HTTPConnection) -> StaffUser | None:
    user: StaffUser | None = conn.state.user
    return user


def require_user(conn: HTTPConnection) -> StaffUser:
    """The signed-in staff user; anyone else is sent to the login page."""
    user = current_user(conn)
    if user is None:
        # From the scope, not conn.url: URL parsing drops tabs and newlines that the path may hold.
        path, query = conn.scope["path"], conn.scope.get("query_string", b"").decode("latin-1")
        raise HTTPException(status_code=303, headers={"Location": login_location(path, query)})
    return user


def require_role(conn: HTTPConnection, *roles: Role) -> StaffUser:
    user = require_user(conn)
    if not user.has_role(*roles):
        raise HTTPException(status_code=403, detail=gettext("Your role does not allow this."))
    return user
