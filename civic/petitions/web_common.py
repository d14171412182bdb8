"""Helpers shared by the petition handlers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from civic.core.areas import OUTSIDE_WARDS, list_wards
from civic.core.auth import current_user
from civic.core.clock import now
from civic.core.cookies import read_cookie
from civic.core.db import reading
from civic.core.errors import Gone
from civic.core.forms import Errors, form_context
from civic.core.paths import path_id
from civic.core.rules import can
from civic.core.templating import render_page
from civic.petitions.cache import TTLCache
from civic.petitions.models import Petition, State
from civic.petitions.notify_sign import ConfirmationDrafts
from civic.petitions.policy import Policy, policy_of
from civic.petitions.service import get_petition
from civic.petitions.service_batching import GroupCommit, SignRequest, sign_many
from civic.petitions.service_counting import CountCache
from civic.petitions.service_signing import Confirmation, confirm_many
from civic.petitions.web_fragments import PreparedFragment


def policy(request: Request) -> Policy:
    return policy_of(request.app.state.settings)


def counts(request: Request) -> CountCache:
    cache: CountCache | None = getattr(request.app.state, "petition_counts", None)
    if cache is None:
        cache = CountCache(policy(request).count_cache_seconds)
        request.app.state.petition_counts = cache
    return cache


def _cache(request: Request, name: str, ttl: Callable[[Request], float] | None = None) -> TTLCache[Any, Any]:
    """The app's cache called `name`, made on first use with the time limit `ttl(request)` (by default
    PETITION_COUNT_CACHE_SECONDS; worked out only then, as this runs on every poll)."""
    found: TTLCache[Any, Any] | None = getattr(request.app.state, name, None)
    if found is None:
        found = TTLCache((ttl or _count_seconds)(request))
        setattr(request.app.state, name, found)
    return found


def _count_seconds(request: Request) -> float:
    return policy(request).count_cache_seconds


def petitions_cache(request: Request) -> TTLCache[int, Petition]:
    """Recently read petitions, for the hot public paths (signing, the count fragment, the page)."""
    return _cache(request, "petitions_cache")


def fragments(request: Request) -> TTLCache[int, PreparedFragment]:
    return _cache(request, "petition_fragments")


def pages(request: Request) -> TTLCache[int, dict[str, Any]]:
    return _cache(request, "petition_pages")


def rendered_pages(request: Request) -> TTLCache[int, str]:
    """Petition pages as anonymous visitors see them (see web_shared_pages.py)."""
    return _cache(request, "petition_rendered_pages")


def postcodes(request: Request) -> TTLCache[str, str]:
    """Postcode -> ward code ('' outside the council); postcodes change a few times a year."""
    return _cache(request, "petition_postcodes", lambda r: 600 if _count_seconds(r) else 0)


def signer(request: Request) -> GroupCommit[SignRequest, bool]:
    """This process's group commit for signatures (see service_batching.py)."""
    found: GroupCommit[SignRequest, bool] | None = getattr(request.app.state, "petition_signer", None)
    if found is None:
        state, rules = request.app.state, policy(request)

        async def work(session: AsyncSession, items: list[SignRequest]) -> list[bool]:
            return await sign_many(session, items, now=state.clock.now(), policy=rules, mail=state.mail)

        found = state.petition_signer = GroupCommit(state.db, work)
    return found


def drafts(request: Request) -> ConfirmationDrafts:
    """This process's confirmation email drafts (see notify_sign.py)."""
    found: ConfirmationDrafts | None = getattr(request.app.state, "petition_drafts", None)
    if found is None:
        found = request.app.state.petition_drafts = ConfirmationDrafts(request.app.state.mail)
    return found


def confirmer(request: Request) -> GroupCommit[int, Confirmation | None]:
    """This process's group commit for confirmations."""
    found: GroupCommit[int, Confirmation | None] | None = getattr(
        request.app.state, "petition_confirmer", None
    )
    if found is None:
        state, rules = request.app.state, policy(request)

        async def work(session: AsyncSession, ids: list[int]) -> list[Confirmation | None]:
            return await confirm_many(session, ids, now=state.clock.now(), policy=rules, mail=state.mail)

        found = state.petition_confirmer = GroupCommit(state.db, work)
    return found


def forget(request: Request, petition_id: int) -> None:
    """Called after this process changes a petition, so its own next read is fresh."""
    counts(request).forget(petition_id)
    petitions_cache(request).forget(petition_id)
    fragments(request).forget(petition_id)
    pages(request).forget(petition_id)
    rendered_pages(request).forget(petition_id)
    fragment_counts(request).forget(petition_id)


def fragment_counts(request: Request) -> TTLCache[int, int]:
    return _cache(request, "petition_fragment_counts")


async def load_cached(request: Request) -> Petition:
    """Like load, but reusing a petition this process read within the cache period."""

    async def read() -> Petition:
        async with reading(request) as session:
            return await load(session, request)

    petition = await petitions_cache(request).get_or_load(petition_id(request), read)
    if petition.state == State.REMOVED:
        raise Gone("This petition was removed because it broke the petition standards.")
    return petition


def petition_id(request: Request) -> int:
    return path_id(request, "petition_id")


async def load(session: AsyncSession, request: Request, *, for_update: bool = False) -> Petition:
    """The petition in the URL; 404 if unknown, 410 if removed."""
    petition = await get_petition(session, petition_id(request), for_update=for_update)
    if petition is None:
        raise HTTPException(404)
    if petition.state == State.REMOVED:
        raise Gone("This petition was removed because it broke the petition standards.")
    return petition


async def load_visible(session: AsyncSession, request: Request) -> Petition:
    petition = await load(session, request)
    if not can("petitions.view", current_user(request), petition, now=now(request)):
        raise HTTPException(404)
    return petition


async def ward_names(session: AsyncSession) -> dict[str, str]:
    names = {ward.code: ward.name for ward in await list_wards(session)}
    names[OUTSIDE_WARDS] = "Works or studies here (lives outside)"
    return names


def form_page(
    request: Request, template: str, context: dict[str, Any], errors: Errors, *, status: int = 200
) -> Response:
    status = 422 if errors else status
    full = {**context, **form_context(errors)}
    return render_page(request, template, full, status_code=status)


def cacheable(request: Request, seconds: int) -> dict[str, str]:
    """Shared caches may keep a response only if it sets no cookie, that is, if the visitor already
    had the CSRF cookie; otherwise only the browser may keep it."""
    scope = "public" if has_csrf_cookie(request) else "private"
    return {"Cache-Control": f"{scope}, max-age={seconds}, stale-while-revalidate={seconds * 6}"}


def has_csrf_cookie(request: Request) -> bool:
    """Whether the visitor already has the CSRF cookie, so the response sets none."""
    return read_cookie(request.scope, "civic_csrf") is not None
