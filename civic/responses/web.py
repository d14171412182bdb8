"""Public pages: published responses, overdue asks, report cards."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response as HttpResponse

from civic.core.areas import Ward, list_wards
from civic.core.boundaries import map_wards
from civic.core.clock import now
from civic.core.commitments import Kept
from civic.core.content_languages import load as load_versions
from civic.core.db import reading, row_id
from civic.core.deps import path_id, state
from civic.core.errors import NotFound
from civic.core.i18n import gettext
from civic.core.languages import lang_of
from civic.core.reportcard import Scope
from civic.core.templating import render_page
from civic.responses import (
    queries_report,
    queries_timeline,
    service,
    service_checkback,
    service_commitments,
    service_ratings,
    stats,
)
from civic.responses import service_versions as content
from civic.responses.models import ResponsibleBody
from civic.responses.queries_commitments import ANSWER_KIND, all_commitments, labels
from civic.responses.queries_targets import KINDS, load_target
from civic.responses.web_checkback import ANSWER_LABELS
from civic.responses.web_maps import grades_map


async def index(request: Request) -> HttpResponse:
    kind = request.query_params.get("kind") or None
    if kind is not None and kind not in KINDS:
        raise HTTPException(400, "There is no such kind of response.")
    async with reading(request) as session:
        items = await service.published_responses(session, kind=kind, limit=100)
        bodies = {b.slug: b for b in await service.list_bodies(session)}
        current = await service.current_versions(session, [row_id(i) for i in items])
        texts = await load_versions(session, content.KIND, [row_id(v) for v in current.values()])
    settings, lang = state(request).settings, lang_of(request.scope)
    summaries = {
        response_id: texts.localise(version, content.FIELDS, settings.default_language, lang)
        for response_id, version in current.items()
    }
    kind_pairs = [("", gettext("Everything")), *((key, item.label) for key, item in KINDS.items())]
    context = {
        "items": items,
        "summaries": summaries,
        "bodies": bodies,
        "kinds": KINDS,
        "kind": kind,
        "kind_pairs": kind_pairs,
    }
    return render_page(request, "responses/index.html", context)


async def detail(request: Request) -> HttpResponse:
    response_id = path_id(request, "response_id")
    async with reading(request) as session:
        response = await service.get_response(session, response_id)
        if response is None or response.version == 0:
            raise NotFound()
        published = await service.versions_of(session, response_id)
        texts = await load_versions(session, content.KIND, [row_id(v) for v in published])
        average, count = await service.rating_summary(session, response_id)
        comments = await service_ratings.approved_comments(session, response_id)
        body = await session.get(ResponsibleBody, response.body_slug)
        target = await load_target(session, response.target_kind, response.target_id)
        commitment = await service_commitments.commitment_for(session, response_id)
        updates = (
            await service_commitments.updates_of(session, commitment.id)
            if commitment and commitment.id
            else []
        )
        key = (ANSWER_KIND, str(commitment.id)) if commitment else None
        tally = await service_checkback.tally_of(session, key) if key else service_checkback.Tally()
        done_comments = await service_checkback.approved_comments(session, key) if key else []
        timeline = await queries_timeline.timeline(session, "response", response_id, now(request))
    settings, lang = state(request).settings, lang_of(request.scope)
    versions = [texts.localise(v, content.FIELDS, settings.default_language, lang) for v in published]
    context = {
        "tally": tally,
        "done_comments": done_comments,
        "answer_labels": ANSWER_LABELS,
        "timeline": timeline,
        "commitment": commitment,
        "updates": updates,
        "commitment_late": commitment is not None
        and service_commitments.is_late(commitment, now(request).date()),
        "response": response,
        "current": versions[0],
        "versions": versions,
        "average": average,
        "count": count,
        "comments": comments,
        "body": body,
        "target": target,
        "kind": KINDS.get(response.target_kind),
    }
    return render_page(request, "responses/detail.html", context)


async def overdue(request: Request) -> HttpResponse:
    async with reading(request) as session:
        items = await queries_report.overdue_targets(session, now(request))
        bodies = {b.slug: b for b in await service.list_bodies(session)}
    return render_page(request, "responses/overdue.html", {"items": items, "bodies": bodies, "kinds": KINDS})


async def report_cards(request: Request) -> HttpResponse:
    at = now(request)
    async with reading(request) as session:
        facts = await queries_report.read_facts(session, at)
        council = queries_report.card_for(facts, Scope("council", None, "Whole council"), at)
        bodies = [
            queries_report.card_for(facts, Scope("body", b.slug, b.name), at)
            for b in await service.list_bodies(session)
        ]
        wards = [
            queries_report.card_for(facts, Scope("ward", w.code, w.name), at)
            for w in await list_wards(session)
        ]
        drawn = await map_wards(session)
    ward_map = grades_map(drawn, wards) if any(w.path for w in drawn) else None
    context = {
        "council": council,
        "bodies": bodies,
        "wards": wards,
        "ward_map": ward_map,
        "formula": stats.FORMULA,
        "kept_formula": stats.KEPT_FORMULA,
    }
    return render_page(request, "responses/report_cards.html", context)


async def _card_page(request: Request, scope: Scope) -> HttpResponse:
    at = now(request)
    async with reading(request) as session:
        facts = await queries_report.read_facts(session, at)
        card = queries_report.card_for(facts, scope, at)
        council = queries_report.card_for(facts, Scope("council", None, "Whole council"), at)
        metrics = await queries_report.extra_metrics(session, scope, at)
    context = {
        "card": card,
        "council": council,
        "metrics": metrics,
        "formula": stats.FORMULA,
        "kept_formula": stats.KEPT_FORMULA,
        "kinds": KINDS,
    }
    return render_page(request, "responses/card.html", context)


async def body_card(request: Request) -> HttpResponse:
    async with reading(request) as session:
        body = await session.get(ResponsibleBody, request.path_params["slug"])
    if body is None:
        raise NotFound()
    return await _card_page(request, Scope("body", body.slug, body.name))


async def ward_card(request: Request) -> HttpResponse:
    async with reading(request) as session:
        ward = await session.get(Ward, request.path_params["code"].upper())
    if ward is None:
        raise NotFound()
    return await _card_page(request, Scope("ward", ward.code, gettext("%(ward)s ward", ward=ward.name)))


async def commitments(request: Request) -> HttpResponse:
    """Every feature's commitments per body (`/responses/bodies/<slug>/commitments`) or per ward
    (`/wards/<code>/...`), with their status, lateness and what the people who asked say."""
    today = now(request).date()
    async with reading(request) as session:
        if "slug" in request.path_params:
            body = await session.get(ResponsibleBody, request.path_params["slug"])
            if body is None:
                raise NotFound()
            name, slug, ward_code = body.name, body.slug, None
        else:
            ward = await session.get(Ward, request.path_params["code"].upper())
            if ward is None:
                raise NotFound()
            name, slug, ward_code = gettext("%(ward)s ward", ward=ward.name), None, ward.code
        items = [
            c
            for c in await all_commitments(session)
            if (slug is None or c.body_slug == slug) and (ward_code is None or ward_code in c.ward_codes)
        ]
        said = await service_checkback.tallies(session)
    context = {
        "scope_name": name,
        "items": items,
        "late": {(c.kind, c.ref) for c in items if c.is_late(today)},
        "disputed": {
            (c.kind, c.ref)
            for c in items
            if c.state == Kept.DONE and said.get((c.kind, c.ref), _NONE).disputed
        },
        "labels": labels(),
    }
    return render_page(request, "responses/commitments.html", context)


_NONE = service_checkback.Tally()
