"""Staff page: link one step of an ask to the step it led on to, so each step's page shows the
whole timeline."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.responses import Response as HttpResponse

from civic.core.clock import now
from civic.core.db import transaction
from civic.core.deps import staff
from civic.core.forms import form_context, read_form, text
from civic.core.i18n import gettext
from civic.core.rules import require
from civic.core.templating import render_page
from civic.responses import service_links
from civic.responses.queries_timeline import step_kinds
from civic.responses.service import ResponseError

FIELDS = ("from_kind", "from_ref", "to_kind", "to_ref")


def _page(
    request: Request, values: dict[str, str], errors: dict[str, str], saved: bool = False
) -> HttpResponse:
    kind_pairs = [("", gettext("Choose")), *step_kinds().items()]
    context = {"values": values, "kind_pairs": kind_pairs, "saved": saved, **form_context(errors)}
    return render_page(request, "responses/links.html", context, status_code=422 if errors else 200)


async def links_page(request: Request) -> HttpResponse:
    require("responses.link_steps", staff(request), None, now=now(request))
    values = {name: request.query_params.get(name, "")[:80] for name in FIELDS}
    return _page(request, values, {}, saved=request.query_params.get("saved") == "1")


async def add_link(request: Request) -> HttpResponse:
    user = staff(request)
    at = now(request)
    require("responses.link_steps", user, None, now=at)
    form = await read_form(request)
    values = {name: text(form, name) for name in FIELDS}
    start, end = (values["from_kind"], values["from_ref"]), (values["to_kind"], values["to_ref"])
    async with transaction(request) as session:
        try:
            await service_links.add_link(session, start, end, actor=user, now=at)
        except ResponseError as exc:
            return _page(request, values, exc.errors)
    return RedirectResponse("/responses/links?saved=1", status_code=303)
