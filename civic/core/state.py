"""The per-process state of one app, typed: built once in `create_app` and read through `state()`.

Everything a process keeps between requests (the database, settings, templates, clock, mailer, worker,
and each feature's caches and group-commit writers) is made at startup, so no request creates it on
first use and a type checker follows every read. Features keep their own per-process objects as
`parts`, looked up by type: core never names a feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import HTTPConnection

from civic.core.fastpath import FastPaths

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

    from civic.config import Settings
    from civic.core.clock import Clock
    from civic.core.db import Database
    from civic.core.outbox import Mail
    from civic.core.worker import Worker

T = TypeVar("T")
# A feature's per-process object, built from the app's state at startup (see `AppState.parts`).
PartFactory = Callable[["AppState"], object]


@dataclass(eq=False)
class AppState:
    """The objects one app process shares between its requests."""

    settings: Settings
    db: Database
    templates: Jinja2Templates
    clock: Clock
    mail: Mail
    worker: Worker
    fast_paths: FastPaths = field(default_factory=FastPaths)
    parts: dict[type[Any], object] = field(default_factory=dict)

    def add(self, factory: PartFactory) -> None:
        """Builds one feature's per-process object now and keeps it under its type."""
        part = factory(self)
        self.parts[type(part)] = part

    def part(self, kind: type[T]) -> T:
        """The per-process object of this type that a feature added at startup."""
        found = self.parts.get(kind)
        if not isinstance(found, kind):
            raise LookupError(f"no {kind.__name__} was built at startup")
        return found


def app_state(app: Any) -> AppState:
    """The state `create_app` put on this app (an app or a mounted scope's `scope["app"]`)."""
    found = app.state.civic
    assert isinstance(found, AppState)
    return found


def state(conn: HTTPConnection) -> AppState:
    """The state of the app serving this request."""
    return app_state(conn.app)
