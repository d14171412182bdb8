"""Admin pages for the responsible bodies that answer asks (departments, policing teams, panels ...)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response as HttpResponse

from civic.core.clock import now
from civic.core.db import reading, transaction
from civic.core.deps import staff
from civic.core.forms import form_context, read_form
from civic.core.templating import render_page
from civic.core.users import Role
from civic.responses import service_bodies
from civic.responses.forms import parse_body
from civic.responses.models import BodyKind
from civic.responses.queries_members import answered_by
from civic.responses.service import ResponseError, list_bodies


async def _page(
    request: Request, errors: dict[str, str], values: dict[str, str], status: int = 200
) -> HttpResponse:
    async with reading(request) as session:
        bodies = await list_bodies(session)
    context = {
        "bodies": bodies,
        **form_context(errors),
        "values": values,
        "kind_pairs": [(k.value, k.label) for k in BodyKind],
        "answered_by": answered_by,
    }
    return render_page(request, "responses/bodies.html", context, status_code=status)


async def bodies_page(request: Request) -> HttpResponse:
    staff(request, Role.ADMIN)
    return await _page(request, {}, {})


async def add_body(request: Request) -> HttpResponse:
    actor = staff(request, Role.ADMIN)
    form = await read_form(request)
    values, errors = parse_body(form)
    if not errors:
        try:
            async with transaction(request) as session:
                await service_bodies.add_body(session, actor=actor, values=values, now=now(request))
        except ResponseError as exc:
            errors = exc.errors
    if errors:
        return await _page(request, errors, values, 422)
    return RedirectResponse("/responses/bodies?added=1", status_code=303)
