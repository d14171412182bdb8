"""Staff pages for a priority's plan and its dated public progress updates."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, staff, state
from civic.core.errors import NotFound
from civic.core.forms import Errors, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.localtime import date_input_value
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.users import Role, StaffUser
from civic.priorities import forms, service, service_results, service_versions
from civic.priorities.models import Priority, PriorityUpdate
from civic.priorities.queries import tracked


async def load_priority(request: Request) -> tuple[StaffUser, Priority]:
    user = staff(request, Role.POLICE)
    priority_id = path_id(request, "priority_id")
    async with reading(request) as session:
        priority = await session.get(Priority, priority_id)
    if priority is None:
        raise NotFound()
    require("priorities.update_priority", user, priority, now=now(request))
    return user, priority


async def priority_page(
    request: Request,
    values: dict[str, Any] | None = None,
    errors: Errors | None = None,
    status: int = 200,
    typed: dict[str, dict[str, str]] | None = None,
) -> Response:
    _user, priority = await load_priority(request)
    async with reading(request) as session:
        track = (await tracked(session, [priority]))[0]
        texts = await service_versions.load_texts(session, priorities=[priority])
    langs = service_versions.languages(state(request).settings)
    # the priority's stored versions; the update's boxes start empty (each update is a new text)
    versions = typed or {
        lang: texts.priorities.of_item(row_id(priority), service_versions.PRIORITY_FIELDS, lang)
        for lang in langs
    }
    if values is None:
        values = {
            "owner": priority.owner,
            "target": priority.target,
            "status": priority.status.value,
            "review_on": date_input_value(priority.review_on),
            "text": "",
        }
    context = {
        "track": track,
        "values": values,
        **form_context(errors or {}),
        "status_pairs": forms.STATUS_PAIRS,
        "version_languages": langs,
        "versions": versions,
    }
    return render_page(request, "priorities/manage/priority.html", context, status_code=status)


async def show_priority(request: Request) -> Response:
    return await priority_page(request)


async def update_priority(request: Request) -> Response:
    user, priority = await load_priority(request)
    form = await read_form(request)
    values, errors = forms.parse_priority(form)
    settings = state(request).settings
    fields = (*service_versions.PRIORITY_FIELDS, *service_versions.UPDATE_FIELDS)
    versions = service_versions.read_versions(settings, form, fields, errors)
    if not errors:  # the target and the update are published as they are saved
        sources = {"target": str(values["target"]), "text": str(values["text"])}
        errors |= service_versions.missing_typed(settings, sources, versions, priority.title)
    if not errors:
        try:
            async with transaction(request) as session:
                fresh = await session.get(Priority, priority.id)
                assert fresh is not None
                at = now(request)
                own = {
                    lang: {f: t for f, t in typed.items() if f != "text"} for lang, typed in versions.items()
                }
                await service_versions.save_versions(
                    session, service_versions.PRIORITY_KIND, row_id(fresh), own, actor=user, now=at
                )
                said = {lang: {"text": typed["text"]} for lang, typed in versions.items()}

                async def on_update(update: PriorityUpdate) -> dict[str, dict[str, Any]]:
                    # the update's versions are stored before the voters are emailed in their language
                    await service_versions.save_versions(
                        session, service_versions.UPDATE_KIND, row_id(update), said, actor=user, now=at
                    )
                    return await service_versions.status_contexts(session, settings, fresh, update)

                await service_results.update_priority(
                    session,
                    fresh,
                    actor=user,
                    now=at,
                    mail=state(request).mail,
                    text=str(values["text"]),
                    status=values["status"],  # type: ignore[arg-type]
                    owner=str(values["owner"]),
                    target=str(values["target"]),
                    review_on=values["review_on"],  # type: ignore[arg-type]
                    on_update=on_update,
                )
        except service.PrioritiesError as exc:
            errors[exc.field or "review_on"] = str(exc)
    if errors:
        values = {
            **values,
            "status": getattr(values.get("status"), "value", ""),
            "review_on": text(form, "review_on"),
        }
        return await priority_page(request, values, errors, 422, versions)
    return redirect_after_post(request, f"/priorities/manage/priorities/{priority.id}?saved=1")
