"""The clerk's page for a recorded decision's versions in the other offered languages. A decision is
public once recorded, so the versions can be added or changed afterwards, whatever the meeting's state."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from civic.core.clock import now as clock_now
from civic.core.content_languages import load as load_versions
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, state
from civic.core.errors import NotFound
from civic.core.forms import Errors, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.templating import render_page
from civic.panels import service_versions as content
from civic.panels.models import Decision, Panel
from civic.panels.staff import require_clerk


def _page(
    request: Request, decision: Decision, panel: Panel, texts: dict[str, dict[str, str]], errors: Errors
) -> Response:
    context = {
        "decision": decision,
        "panel": panel,
        "version_languages": content.other_languages(state(request).settings),
        "version_labels": content.labels(),
        "versions": texts,
        **form_context(errors),
    }
    status = 422 if errors else 200
    return render_page(request, "panels/manage_decision_versions.html", context, status_code=status)


async def _load(request: Request) -> tuple[Decision, Panel, dict[str, dict[str, str]]]:
    async with reading(request) as session:
        decision = await session.get(Decision, path_id(request, "decision_id"))
        if decision is None:
            raise NotFound()
        panel = await session.get(Panel, decision.panel_id)
        stored = await load_versions(session, content.KIND, [row_id(decision)])
    assert panel is not None
    settings = state(request).settings
    texts = {
        lang: stored.of_item(row_id(decision), content.FIELDS, lang)
        for lang in content.other_languages(settings)
    }
    return decision, panel, texts


async def versions_form(request: Request) -> Response:
    require_clerk(request)
    decision, panel, texts = await _load(request)
    return _page(request, decision, panel, texts, {})


async def save_versions(request: Request) -> Response:
    actor = require_clerk(request)
    decision, panel, _ = await _load(request)
    form = await read_form(request)
    texts = content.form_versions(state(request).settings, {k: text(form, k) for k in form})
    errors = content.check(texts)
    if errors:
        return _page(request, decision, panel, texts, errors)
    async with transaction(request) as session:
        fresh = await session.get(Decision, row_id(decision))
        assert fresh is not None
        await content.save_versions(session, fresh, texts, actor=actor, now=clock_now(request))
    return redirect_after_post(request, f"/panels/decisions/{decision.id}")
