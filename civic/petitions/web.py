"""Public pages: the list, a petition's page, its live count fragment, and the open data."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from civic.core.auth import current_user
from civic.core.clock import now
from civic.core.db import reading, row_id
from civic.core.deps import path_id, state
from civic.core.deps import settings as app_settings
from civic.core.errors import NotFound
from civic.core.fastpath import language_key
from civic.core.htmx import is_htmx
from civic.core.i18n import current as current_language
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.publish import (
    SMALL_BELOW,
    csv_of_records,
    is_small,
    json_document,
    shown_breakdown,
    shown_count,
    shown_value,
)
from civic.core.rules import can, require
from civic.core.templating import label_lines, render_page
from civic.petitions import versions
from civic.petitions.answers import KIND, Answer, published_answer, published_answers
from civic.petitions.models import REASONS_BY_CODE, PaperPetition, Petition, PetitionDebate, State
from civic.petitions.queries import FILTERS, list_public, timeline
from civic.petitions.service_counting import channel_counts, counts_for, next_goal
from civic.petitions.service_debates import debates_for
from civic.petitions.web_common import (
    cacheable,
    has_csrf_cookie,
    kept,
    load,
    load_cached,
    load_visible,
    policy,
    ward_names,
)
from civic.petitions.web_fragments import PreparedFragment, count_headers, count_path
from civic.petitions.web_maps import load_map
from civic.petitions.web_shared_pages import anonymous_page
from civic.responses import queries_timeline


def _list_params(request: Request) -> tuple[str, str, int]:
    state = request.query_params.get("state", "all")
    if state not in FILTERS:
        state = "all"
    raw_page = request.query_params.get("page", "1")
    if not raw_page.isdigit() or not 1 <= int(raw_page) <= 10_000:
        raise HTTPException(400, gettext("The page number must be a whole number from 1."))
    return state, request.query_params.get("q", "").strip()[:100], int(raw_page)


async def petition_list(request: Request) -> Response:
    state, query, page = _list_params(request)
    async with reading(request) as session:
        listing = await list_public(session, state=state, query=query, page=page)
        live = await counts_for(session, [p.id for p in listing.petitions if p.id])
        shown = await versions.localise(session, listing.petitions, current_language())
    context = {"listing": listing, "petitions": shown, "state": state, "query": query, "filters": FILTERS}
    context["counts"] = live
    return render_page(request, "petitions/list.html", context)


def progress(petition: Petition, count: int) -> dict[str, Any]:
    goal = next_goal(petition, count)
    if goal is None:
        return {"count": count, "goal": None, "kind": None, "percent": 100}
    return {"count": count, "goal": goal[1], "kind": goal[0], "percent": min(100, count * 100 // goal[1])}


def ward_chart(rows: list[tuple[str, int]], names: dict[str, str]) -> dict[str, Any]:
    """Bars for a server-rendered SVG chart (the table beside it carries the same data)."""
    top = max((n for _, n in rows), default=0) or 1
    bars, y = [], 0
    for code, n in rows[:15]:
        lines = label_lines(names.get(code, code), 24)  # wrapped, never cut (SVG text does not wrap)
        drawn = SMALL_BELOW - 1 if is_small(n) else n  # a small count's bar shows only "up to 4"
        bars.append({"y": y, "width": round(drawn * 380 / top, 1), "lines": lines, "count": shown_count(n)})
        y += max(28, len(lines) * 18 + 10)
    return {"bars": bars, "height": max(28, y)}


async def _page_context(session: AsyncSession, request: Request, petition: Petition) -> dict[str, Any]:
    cache = kept(request).counts
    count = (
        await cache.total(session, row_id(petition)) if petition.state in {State.OPEN, State.CLOSED} else 0
    )
    wards = await cache.wards(session, row_id(petition)) if count else []
    names = await ward_names(session)
    ward_map, _ = await load_map(session, wards)
    response = await published_answer(session, row_id(petition))
    debate = await session.get(PetitionDebate, row_id(petition))
    return {
        "petition": await versions.localise_one(session, petition, current_language()),
        "paper_origin": await session.get(PaperPetition, row_id(petition)),
        "progress": progress(petition, count),
        "wards": [(names.get(code, code), n) for code, n in wards],
        "chart": ward_chart(wards, names),
        "ward_map": ward_map,
        "response": response,
        "debate": debate,
        "events": timeline(petition, response, debate),
        # the steps it led on to in other features: a panel's decision, an answer, a commitment
        "ask_timeline": await queries_timeline.timeline(session, KIND, row_id(petition), now(request)),
        "reason": REASONS_BY_CODE.get(petition.rejection_code or ""),
        "policy": policy(request),
        "channels": await _channels(session, petition) if count else [],
    }


CHANNEL_LABELS = {"online": _l("Online"), "paper": _l("Paper"), "assisted": _l("Assisted")}


async def _channels(session: AsyncSession, petition: Petition) -> list[tuple[str, str]]:
    """Counts by channel under the small-count rule; none when every signature came online."""
    found = {ch: n for (_pid, ch), n in (await channel_counts(session, [row_id(petition)])).items()}
    if set(found) <= {"online"}:
        return []
    shown = shown_breakdown([found.get(name, 0) for name in CHANNELS])
    return list(zip([str(CHANNEL_LABELS.get(n, n)) for n in CHANNELS], shown, strict=True))


async def petition_page(request: Request) -> Response:
    """What the page shows is read once per cache period per process; only the rendering is per request."""

    async def read() -> dict[str, Any]:
        async with reading(request) as session:
            return await _page_context(session, request, await load(session, request))

    key = (path_id(request, "petition_id"), current_language())  # its words are in the reader's language
    context = await kept(request).pages.get_or_load(key, read)
    user = current_user(request)
    require("petitions.view", user, context["petition"], now=now(request), otherwise=NotFound())
    if user is not None:  # staff see their actions on the page: never shared
        return render_page(request, "petitions/show.html", context)
    return anonymous_page(request, path_id(request, "petition_id"), "petitions/show.html", context)


async def count_fragment(request: Request) -> Response:
    """Polled by every open petition page: served from a per-process copy for a second or two."""
    seconds = max(1, int(policy(request).count_cache_seconds) or 1)
    shared = has_csrf_cookie(request)
    if is_htmx(request):
        cached = kept(request).fragments.get((path_id(request, "petition_id"), current_language()))
        if cached is not None:
            return cached.response(shared=shared)
    petition = await load_cached(request)
    require("petitions.view", current_user(request), petition, now=now(request), otherwise=NotFound())
    pid = path_id(request, "petition_id")

    async def read() -> int:
        async with reading(request) as session:
            return await kept(request).counts.total(session, pid)

    count = await kept(request).fragment_counts.get_or_load(pid, read)
    context = {"petition": petition, "progress": progress(petition, count)}
    if not is_htmx(request):
        return render_page(request, "petitions/count.html", context, headers=count_headers(shared, seconds))
    fragment = PreparedFragment(
        state(request).templates.env.get_template("petitions/_count.html").render(context), seconds
    )
    if can("petitions.view", None, petition, now=now(request)):
        # Shared with every visitor for a moment, so only what anyone may see (a moderator's view of
        # a petition awaiting moderation is rendered for them alone).
        lang = current_language()
        kept(request).fragments.put((pid, lang), fragment)
        fragment.share(
            state(request).fast_paths, language_key(count_path(pid), lang), kept(request).fragments.ttl
        )
    return fragment.response(shared=shared)


def as_data(
    petition: Petition, count: int, response: Answer | None, debate: PetitionDebate | None
) -> dict[str, Any]:
    """The open-data shape of a petition: no names, emails or postcodes of anyone."""

    def iso(value: Any) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": petition.id,
        "url": f"/petitions/{petition.id}",
        "action": petition.action,
        "background": petition.background,
        "additional_details": petition.additional_details,
        "state": petition.state.value,
        "signature_count": count,
        "created_at": iso(petition.created_at),
        "opened_at": iso(petition.opened_at),
        "closes_at": iso(petition.closes_at),
        "closed_at": iso(petition.closed_at),
        "rejection": (
            {"code": petition.rejection_code, "details": petition.rejection_details}
            if petition.state == State.REJECTED
            else None
        ),
        "response_threshold": petition.response_threshold,
        "debate_threshold": petition.debate_threshold,
        "response_threshold_reached_at": iso(petition.response_threshold_reached_at),
        "response_due_at": iso(petition.response_due_at),
        "debate_threshold_reached_at": iso(petition.debate_threshold_reached_at),
        "response": (
            {
                "summary": response.summary,
                "details": response.details,
                "published_at": iso(response.published_at),
                "version": response.version,
                "version_published_at": iso(response.updated_at),
                "url": f"/responses/{response.response_id}",
            }
            if response
            else None
        ),
        "debate": (
            {
                "scheduled_for": iso(debate.scheduled_for),
                "debated_at": iso(debate.debated_at),
                "outcome": debate.outcome,
                "minutes_url": debate.minutes_url or None,
                "video_url": debate.video_url or None,
            }
            if debate
            else None
        ),
    }


async def _rows(session: AsyncSession, petitions: list[Petition], request: Request) -> list[dict[str, Any]]:
    ids = [p.id for p in petitions if p.id is not None]
    texts = await versions.open_data_texts(session, petitions, app_settings(request))
    by_channel = await channel_counts(session, ids)
    answers = await published_answers(session, ids)
    debates = await debates_for(session, ids)
    rows = []
    for petition in petitions:
        pid = row_id(petition)
        counts = [by_channel.get((pid, name), 0) for name in CHANNELS]
        row = as_data(petition, sum(counts), answers.get(pid), debates.get(pid))
        # Each channel's count keeps the small-count rule (a paper count of 2 could name people).
        row["signatures_by_channel"] = dict(zip(CHANNELS, shown_breakdown(counts), strict=True))
        row.update(texts[pid])  # the language it was written in, and its text in the other languages
        rows.append(row)
    return rows


CHANNELS = ("online", "paper", "assisted")


async def list_json(request: Request) -> Response:
    state, query, page = _list_params(request)
    async with reading(request) as session:
        listing = await list_public(session, state=state, query=query, page=page, page_size=100)
        rows = await _rows(session, listing.petitions, request)
    body = {"page": page, "total": listing.total, "petitions": rows}
    return json_document(body, cache=cacheable(request, 30)["Cache-Control"])


async def petition_json(request: Request) -> Response:
    async with reading(request) as session:
        petition = await load_visible(session, request)
        row = (await _rows(session, [petition], request))[0]
        names = await ward_names(session)
        wards = await kept(request).counts.wards(session, row_id(petition))
    row["wards"] = [
        {"ward_code": code, "ward": names.get(code, code), "count": shown_value(n)} for code, n in wards
    ]
    return json_document(row, cache=cacheable(request, 10)["Cache-Control"])


CSV_COLUMNS = (
    "id", "url", "action", "state", "signature_count", "opened_at", "closes_at", "closed_at",
    "response_threshold", "debate_threshold", "response_due_at", "response_summary",
    "response_published_at", "debate_scheduled_for", "debate_outcome",
    "online_signatures", "paper_signatures", "assisted_signatures", "lang",
)  # fmt: skip


async def list_csv(request: Request) -> Response:
    state, query, _ = _list_params(request)
    async with reading(request) as session:
        listing = await list_public(session, state=state, query=query, page=1, page_size=5000)
        rows = await _rows(session, listing.petitions, request)
    extra = tuple(f"action_{lang}" for lang in versions.open_data_languages(app_settings(request)))
    return csv_of_records(
        CSV_COLUMNS + extra,
        [_flat(row) for row in rows],
        "petitions.csv",
        cache=cacheable(request, 60)["Cache-Control"],
    )


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """A petition's record with its response and debate flattened into CSV columns."""
    response, debate = row["response"] or {}, row["debate"] or {}
    return {
        **row,
        "response_summary": response.get("summary"),
        "response_published_at": response.get("published_at"),
        "debate_scheduled_for": debate.get("scheduled_for"),
        "debate_outcome": debate.get("outcome"),
        **{f"{name}_signatures": row["signatures_by_channel"][name] for name in CHANNELS},
    }


async def thanks(request: Request) -> Response:
    """Where confirming a signature lands; it says no more than the outcome."""
    result = request.query_params.get("result", "confirmed")
    async with reading(request) as session:
        petition = await load_visible_or_private(session, request)
        shown = await versions.localise_one(session, petition, current_language()) if petition else None
    return render_page(
        request, "petitions/thanks.html", {"petition": shown, "result": result, "now": now(request)}
    )


async def load_visible_or_private(session: AsyncSession, request: Request) -> Petition | None:
    try:
        return await load_visible(session, request)
    except NotFound:  # not visible to this asker: the page says no more than the outcome
        return None
