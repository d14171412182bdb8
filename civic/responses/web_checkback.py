""" "Was it done?": a commitment's public page (what, who, by when, what the people who asked say, the
ask's timeline), the page the emailed link opens, and the answer it posts. The link is signed and
names the commitment and a keyed hash of the address, so no account is needed and each person
answers once. A comment waits for a moderator before it is shown."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response as HttpResponse

from civic.core.clock import now
from civic.core.commitments import CommitmentInfo
from civic.core.db import reading, transaction
from civic.core.deps import path_id, state
from civic.core.errors import NotFound
from civic.core.forms import form_context, read_form, text
from civic.core.i18n import lazy_gettext as _l
from civic.core.ratelimit import rate_limited
from civic.core.templating import render_page
from civic.core.tokens import BadToken, read_token
from civic.responses import notify_checkback, queries_timeline, service_checkback
from civic.responses.models import ResponsibleBody, WasItDone
from civic.responses.queries_commitments import labels, load_commitment, page_path
from civic.responses.queries_targets import load_target

# The answers, as (value, text) pairs for civic.core.choices.options.
ANSWER_PAIRS = [
    (WasItDone.DONE.value, _l("Yes, it was done")),
    (WasItDone.PARTLY.value, _l("Partly")),
    (WasItDone.NOT_DONE.value, _l("No, it was not done")),
]
ANSWER_LABELS = {
    WasItDone.DONE.value: _l("Done"),
    WasItDone.PARTLY.value: _l("Partly done"),
    WasItDone.NOT_DONE.value: _l("Not done"),
}


async def _commitment(request: Request) -> CommitmentInfo:
    kind, ref = request.path_params["kind"], str(path_id(request, "ref"))
    if kind not in labels():
        raise NotFound()
    async with reading(request) as session:
        item = await load_commitment(session, kind, ref)
    if item is None:
        raise NotFound()
    return item


async def commitment_page(request: Request) -> HttpResponse:
    item = await _commitment(request)
    key = (item.kind, item.ref)
    async with reading(request) as session:
        body = await session.get(ResponsibleBody, item.body_slug)
        ask = await load_target(session, item.asked_kind, item.asked_ref)
        context = {
            "commitment": item,
            "label": labels()[item.kind],
            "body": body,
            "ask": ask,
            "late": item.is_late(now(request).date()),
            "tally": await service_checkback.tally_of(session, key),
            "done_comments": await service_checkback.approved_comments(session, key),
            "answer_labels": ANSWER_LABELS,
            "timeline": await queries_timeline.timeline(session, item.kind, item.ref, now(request)),
        }
    return render_page(request, "responses/commitment.html", context)


async def _context(request: Request) -> dict[str, object]:
    try:
        payload = read_token(
            state(request).settings.secret_key,
            notify_checkback.CHECK_PURPOSE,
            request.path_params["token"],
            now=now(request),
        )
    except BadToken as exc:
        raise HTTPException(400, str(exc)) from None
    kind, ref, rater = [*payload.split(":", 2), "", ""][:3]
    if (kind, ref) != (request.path_params["kind"], str(path_id(request, "ref"))) or not rater:
        raise HTTPException(400, "This link is not valid. Check you copied all of it from the email.")
    item = await _commitment(request)
    async with reading(request) as session:
        already = await service_checkback.existing_answer(session, (kind, ref), rater)
    return {
        "commitment": item,
        "page": page_path(kind, ref),
        "rater": rater,
        "already": already,
        "answer_pairs": ANSWER_PAIRS,
        "answer_labels": ANSWER_LABELS,
    }


async def answer_form(request: Request) -> HttpResponse:
    context = await _context(request)
    return render_page(request, "responses/was_it_done.html", {**context, **form_context(), "values": {}})


@rate_limited("RESPONSES_RATINGS_PER_HOUR")
async def answer(request: Request) -> HttpResponse:
    context = await _context(request)
    form = await read_form(request)
    values = {"answer": text(form, "answer"), "comment": text(form, "comment")}
    said, errors = service_checkback.check_answer(values["answer"], values["comment"])
    if errors or said is None:
        page = {**context, **form_context(errors), "values": values}
        return render_page(request, "responses/was_it_done.html", page, status_code=422)
    item = context["commitment"]
    assert isinstance(item, CommitmentInfo)
    async with transaction(request) as session:
        stored = await service_checkback.answer(
            session,
            (item.kind, item.ref),
            rater=str(context["rater"]),
            was_it_done=said,
            comment=values["comment"],
            now=now(request),
        )
    return render_page(
        request, "responses/was_it_done_sent.html", {"page": context["page"], "stored": stored}
    )
