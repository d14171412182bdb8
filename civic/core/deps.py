"""What a handler asks of its request, typed: who is asking, which object the path names, the
feature's settings and the process's shared objects.

Handlers read these here and nowhere else (no `request.app.state`, no per-feature helpers for the
same thing), so every handler reads an id, checks a role or finds the mailer in one way:

    user = staff(request, Role.MODERATOR)           # signed in with that role, or login / 403
    petition_id = path_id(request, "petition_id")   # the `{petition_id:id}` the route matched, or 404
    limits = settings_of(request, BudgetSettings)   # the feature's typed settings (its settings.py)
    signer = part(request, PetitionState).signer     # a per-process object built at startup
    require("petitions.moderate", user, petition, now=now(request))  # civic.core.rules: named rules

The app's shared objects themselves (db, settings, templates, clock, mail, worker) are `state(request)`,
an `AppState` built in `create_app`; services never see the request, and raise the errors in
`civic.core.errors` (NotFound, Conflict, Gone, Refused), which one handler turns into pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from starlette.requests import HTTPConnection

from civic.config import FeatureSettings, Settings
from civic.core.auth import current_user, require_role, require_user
from civic.core.paths import path_id
from civic.core.state import AppState, state
from civic.core.users import Role, StaffUser

S = TypeVar("S", bound=FeatureSettings)
T = TypeVar("T")

__all__ = [
    "AppState",
    "current_user",
    "now",
    "part",
    "path_id",
    "settings",
    "settings_of",
    "staff",
    "state",
]


def staff(conn: HTTPConnection, *roles: Role) -> StaffUser:
    """The signed-in staff member; with roles, one who holds one of them (403 otherwise). Anyone not
    signed in is sent to the login page and back."""
    return require_role(conn, *roles) if roles else require_user(conn)


def settings(conn: HTTPConnection) -> Settings:
    """The app's settings (the shared ones; a feature's own come from `settings_of`)."""
    return state(conn).settings


def settings_of(conn: HTTPConnection, kind: type[S]) -> S:
    """A feature's typed settings, read from the app's settings once per process."""
    return kind.of(state(conn).settings)


def part(conn: HTTPConnection, kind: type[T]) -> T:
    """A feature's per-process object (caches, group-commit writers), built at startup."""
    return state(conn).part(kind)


def now(conn: HTTPConnection) -> datetime:
    """The app clock's time: tests move it; nothing reads the system time directly."""
    return state(conn).clock.now()
