""" "Was it done?": the page the emailed link opens, and the answer it posts. The link is signed and
names the commitment and a keyed hash of the address, so no account is needed and each person
answers once. A comment waits for a moderator before it is shown."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response as HttpResponse

from civic.core.clock import now
from civic.core.db import reading, transaction
from civic.core.deps import path_id, state
from civic.core.errors import NotFound
from civic.core.forms import form_context, read_form, text
from civic.core.ratelimit import rate_limited
from civic.core.templating import render_page
from civic.core.tokens import BadToken, read_token
from civic.responses import notify_checkback, service, service_checkback
from civic.responses.models import Commitment, ResponseState, WasItDone

# The answers, as (value, text) pairs for civic.core.choices.options.
ANSWER_PAIRS = [
    (WasItDone.DONE.value, "Yes, it was done"),
    (WasItDone.PARTLY.value, "Partly"),
    (WasItDone.NOT_DONE.value, "No, it was not done"),
]


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
    commitment_id, _, rater = payload.partition(":")
    if str(path_id(request, "commitment_id")) != commitment_id or not rater:
        raise HTTPException(400, "This link is not valid. Check you copied all of it from the email.")
    async with reading(request) as session:
        item = await session.get(Commitment, int(commitment_id))
        response = await service.get_response(session, item.response_id) if item else None
        if item is None or response is None or response.state != ResponseState.PUBLISHED:
            raise NotFound()
        already = await service_checkback.existing_answer(session, int(commitment_id), rater)
    return {
        "commitment": item,
        "response": response,
        "rater": rater,
        "already": already,
        "answer_pairs": ANSWER_PAIRS,
        "answer_labels": dict(ANSWER_PAIRS),
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
    assert isinstance(item, Commitment) and item.id is not None
    async with transaction(request) as session:
        stored = await service_checkback.answer(
            session,
            item.id,
            rater=str(context["rater"]),
            was_it_done=said,
            comment=values["comment"],
            now=now(request),
        )
    return render_page(
        request, "responses/was_it_done_sent.html", {"response": context["response"], "stored": stored}
    )
