"""Permission rules: small pure predicates registered by name.

A feature writes `@rule("petitions.sign") def can_sign(actor, obj, *, now) -> bool` with the civic rule
in its docstring. Handlers call `require("petitions.sign", actor, obj, now=now)` (403 with the reason
otherwise) and templates call `can("petitions.sign", obj)`, so a button shows exactly when the POST
it sends would be allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.exceptions import HTTPException

from civic.core.users import StaffUser

Predicate = Callable[..., bool]
RULES: dict[str, Predicate] = {}


def rule(name: str) -> Callable[[Predicate], Predicate]:
    def register(func: Predicate) -> Predicate:
        if name in RULES and RULES[name] is not func:
            raise ValueError(f"rule {name!r} is registered twice")
        RULES[name] = func
        return func

    return register


def can(name: str, actor: StaffUser | None, obj: Any = None, *, now: datetime) -> bool:
    try:
        predicate = RULES[name]
    except KeyError:
        raise LookupError(f"no rule named {name!r}") from None
    return bool(predicate(actor, obj, now=now))


def require(
    name: str,
    actor: StaffUser | None,
    obj: Any = None,
    *,
    now: datetime,
    message: str = "",
    otherwise: Exception | None = None,
) -> None:
    """Refuse unless the rule allows it: 403 with `message`, or `otherwise` when the refusal means
    something else to the asker (a Conflict when the object's state forbids it, a 404 when the object
    must not be seen)."""
    if not can(name, actor, obj, now=now):
        if otherwise is not None:
            raise otherwise
        raise HTTPException(status_code=403, detail=message or "You are not allowed to do that.")
