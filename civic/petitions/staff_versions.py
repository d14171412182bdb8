"""The moderators' page for a petition's text in the other offered languages."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from civic.core import audit, content_languages
from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, staff, state
from civic.core.forms import read_form
from civic.core.users import Role
from civic.petitions import versions
from civic.petitions.models import Petition
from civic.petitions.web_common import forget, form_page, load


def _context(request: Request, petition: Petition, boxes: dict[str, dict[str, str]]) -> dict[str, Any]:
    settings = state(request).settings
    return {
        "petition": petition,
        "fields": versions.form_fields(),
        "languages": content_languages.other_languages(settings, petition.lang),
        "versions": boxes,
        "saved": request.query_params.get("saved") == "1",
    }


async def versions_form(request: Request) -> Response:
    staff(request, Role.MODERATOR)
    async with reading(request) as session:
        petition = await load(session, request)
        found = await content_languages.load(session, versions.KIND, [row_id(petition)])
    languages = content_languages.other_languages(state(request).settings, petition.lang)
    boxes = {lang: found.of_item(row_id(petition), versions.FIELDS, lang) for lang in languages}
    return form_page(request, "petitions/staff/versions.html", _context(request, petition, boxes), {})


async def versions_post(request: Request) -> Response:
    actor = staff(request, Role.MODERATOR)
    form = await read_form(request)
    at = now(request)
    async with transaction(request) as session:
        petition = await load(session, request, for_update=True)
        languages = content_languages.other_languages(state(request).settings, petition.lang)
        boxes = {
            lang: content_languages.version_form_values(form, versions.FIELDS, lang) for lang in languages
        }
        errors = {k: v for lang in languages for k, v in versions.check_lengths(boxes[lang], lang).items()}
        if errors:
            return form_page(
                request, "petitions/staff/versions.html", _context(request, petition, boxes), errors
            )
        for lang in languages:
            if await content_languages.save(
                session, versions.KIND, row_id(petition), lang, boxes[lang], at=at
            ):
                await audit.record(
                    session, actor=actor, action="petitions.versions_saved", object_type="petition",
                    object_id=row_id(petition), now=at, reason=f"text in {lang}",
                )  # fmt: skip
    forget(request, path_id(request, "petition_id"))
    return RedirectResponse(f"/petitions/{row_id(petition)}/versions?saved=1", status_code=303)
