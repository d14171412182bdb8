"""Password hashing with argon2 through the passlib API (the maintained `libpass` distribution).

An argon2 verify takes a third of a second of CPU, so every hash and verify runs in a worker thread,
never on the event loop.
"""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from passlib.hash import argon2

from civic.core.i18n import gettext

MIN_LENGTH = 12
_HASHERS: dict[str, Any] = {
    "standard": argon2,
    # Only for tests: the same algorithm with the smallest cost, so suites do not spend minutes hashing.
    "fast": argon2.using(time_cost=1, memory_cost=1024, parallelism=1),
}
# Verifying against this when an account does not exist keeps the response time the same,
# so timing does not reveal which email addresses have accounts.
_DUMMY_HASHES: dict[str, str] = {}


def password_problem(password: str) -> str | None:
    if len(password) < MIN_LENGTH:
        return gettext("Password must be at least %(length)s characters", length=MIN_LENGTH)
    if len(password) > 256:
        return gettext("Password must be 256 characters or fewer")
    return None


async def hash_password(password: str, cost: str = "standard") -> str:
    hasher = _HASHERS[cost]
    result: str = await anyio.to_thread.run_sync(hasher.hash, password)
    return result


async def verify_password(password: str, password_hash: str | None, cost: str = "standard") -> bool:
    if password_hash is None:
        if cost not in _DUMMY_HASHES:
            _DUMMY_HASHES[cost] = await hash_password("not-a-real-password", cost)
        await anyio.to_thread.run_sync(argon2.verify, password, _DUMMY_HASHES[cost])
        return False
    try:
        ok: bool = await anyio.to_thread.run_sync(argon2.verify, password, password_hash)
    except ValueError:
        return False
    return ok
