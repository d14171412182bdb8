"""Helpers shared by the petition handlers."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core import content_languages
from civic.core.areas import OUTSIDE_WARDS, list_wards
from civic.core.auth import current_user
from civic.core.clock import now
from civic.core.content_languages import Localised, Versions
from civic.core.cookies import read_cookie
from civic.core.db import reading, row_id
from civic.core.deps import part, path_id, settings_of
from civic.core.errors import Gone, NotFound
from civic.core.forms import Errors, form_context
from civic.core.languages import lang_of
from civic.core.rules import require
from civic.core.templating import render_page
from civic.petitions import versions
from civic.petitions.models import Petition, State
from civic.petitions.policy import Policy
from civic.petitions.service import get_petition
from civic.petitions.web_state import PetitionState


def policy(request: Request) -> Policy:
    return settings_of(request, Policy)


def kept(request: Request) -> PetitionState:
    """This process's petition caches and group-commit writers (see web_state.py)."""
    return part(request, PetitionState)


def forget(request: Request, petition_id: int) -> None:
    """Called after this process changes a petition, so its own next read is fresh."""
    kept(request).forget(petition_id)


async def load_cached(request: Request) -> Petition:
    """Like load, but reusing a petition this process read within the cache period."""

    async def read() -> Petition:
        async with reading(request) as session:
            return await load(session, request)

    petition = await kept(request).petitions.get_or_load(path_id(request, "petition_id"), read)
    if petition.state == State.REMOVED:
        raise Gone("This petition was removed because it broke the petition standards.")
    return petition


async def texts_cached(request: Request, petition: Petition) -> Localised:
    """The cached petition in the reader's language, its versions too reused for the cache period."""

    async def read() -> Versions:
        async with reading(request) as session:
            return await content_languages.load(session, versions.KIND, [row_id(petition)])

    found = await kept(request).texts.get_or_load(row_id(petition), read)
    return found.localise(petition, versions.FIELDS, petition.lang, lang_of(request.scope))


async def load(session: AsyncSession, request: Request, *, for_update: bool = False) -> Petition:
    """The petition in the URL; 404 if unknown, 410 if removed."""
    petition = await get_petition(session, path_id(request, "petition_id"), for_update=for_update)
    if petition is None:
        raise NotFound
    if petition.state == State.REMOVED:
        raise Gone("This petition was removed because it broke the petition standards.")
    return petition


async def load_visible(session: AsyncSession, request: Request) -> Petition:
    petition = await load(session, request)
    require("petitions.view", current_user(request), petition, now=now(request), otherwise=NotFound())
    return petition


async def ward_names(session: AsyncSession) -> dict[str, str]:
    names = {ward.code: ward.name for ward in await list_wards(session)}
    names[OUTSIDE_WARDS] = "Works or studies here (lives outside)"
    names[""] = "Not known (paper signatures counted by hand)"
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
