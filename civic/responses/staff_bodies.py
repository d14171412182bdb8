"""Admin pages for the responsible bodies that answer asks (departments, policing teams, panels ...)."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response as HttpResponse

from civic.core import audit
from civic.core.auth import require_role
from civic.core.clock import now
from civic.core.db import reading, transaction
from civic.core.forms import error_list, read_form, text
from civic.core.templating import render_page
from civic.core.users import Role
from civic.responses.models import BodyKind, ResponsibleBody
from civic.responses.queries_members import answered_by
from civic.responses.service import list_bodies

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def check_body(slug: str, name: str, kind: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not SLUG_RE.match(slug) or len(slug) > 60:
        errors["slug"] = (
            "Enter a short identifier of lower-case letters, numbers and hyphens, like police-fernbridge-north"
        )
    if not name or len(name) > 160:
        errors["name"] = "Enter the body's name (160 characters or fewer)"
    if kind not in {k.value for k in BodyKind}:
        errors["kind"] = "Choose what kind of body it is"
    return errors


async def _page(
    request: Request, errors: dict[str, str], values: dict[str, str], status: int = 200
) -> HttpResponse:
    async with reading(request) as session:
        bodies = await list_bodies(session)
    context = {
        "bodies": bodies,
        "errors": errors,
        "error_list": error_list(errors),
        "values": values,
        "kinds": list(BodyKind),
        "answered_by": answered_by,
    }
    return render_page(request, "responses/bodies.html", context, status_code=status)


async def bodies_page(request: Request) -> HttpResponse:
    require_role(request, Role.ADMIN)
    return await _page(request, {}, {})


async def add_body(request: Request) -> HttpResponse:
    actor = require_role(request, Role.ADMIN)
    form = await read_form(request)
    values = {key: text(form, key) for key in ("slug", "name", "kind", "description")}
    errors = check_body(values["slug"], values["name"], values["kind"])
    if len(values["description"]) > 500:
        errors["description"] = "Description must be 500 characters or fewer"
    async with transaction(request) as session:
        if not errors and await session.get(ResponsibleBody, values["slug"]) is not None:
            errors["slug"] = "There is already a body with that identifier"
        if not errors:
            session.add(
                ResponsibleBody(
                    slug=values["slug"],
                    name=values["name"],
                    kind=BodyKind(values["kind"]),
                    description=values["description"],
                )
            )
            await audit.record(
                session,
                actor=actor,
                action="responses.add_body",
                object_type="response_body",
                object_id=values["slug"],
                now=now(request),
                reason=values["name"],
                public=True,
            )
    if errors:
        return await _page(request, errors, values, 422)
    return RedirectResponse("/responses/bodies?added=1", status_code=303)
