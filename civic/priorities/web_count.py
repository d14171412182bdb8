"""The "Check this count" page of a round whose results are published, and its count record's files."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core import countrecord
from civic.core.db import reading, row_id
from civic.core.deps import state
from civic.core.errors import NotFound
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.templating import render_page
from civic.priorities import service_count
from civic.priorities.models import PriorityRound
from civic.priorities.web import load_round

# The record keeps its rule and tie-break in English (it is signed and recounted as it is); the page
# shows them in the reader's language.
RULES = {
    "approval": _l("Each choice on a ballot is one vote"),
    "ranked": _l("Points by order of choice (a Borda count)"),
}
TIE_BREAKS = {
    service_count.TIE_BREAK: _l(
        "Highest total first; then the most online votes; then the most residents' online votes; then the "
        "most ballots that included it at all; then the candidate added to the round first."
    ),
}


async def _record(session: AsyncSession, item: PriorityRound) -> countrecord.CountRecord:
    record = await countrecord.published(session, service_count.KIND, row_id(item))
    if record is None:
        raise NotFound(gettext("This round has no published count record."))
    return record


async def check_page(request: Request) -> Response:
    item = await load_round(request)
    async with reading(request) as session:
        record = await _record(session, item)
        doc = await countrecord.document(session, record)
    base = f"/priorities/rounds/{item.id}/count/"
    context = {
        "round": item,
        **countrecord.page_context(doc, base, state(request).settings.url(base + "record.json")),
        "rule": str(RULES.get(doc["rule"], doc["rule"])),
        "tie_break": str(TIE_BREAKS.get(doc["tie_break"], doc["tie_break"])),
    }
    return render_page(request, "priorities/count.html", context)


async def count_file(request: Request) -> Response:
    """`record.json` or one of the files it lists, byte for byte as published."""
    item = await load_round(request)
    name = str(request.path_params["name"])
    async with reading(request) as session:
        record = await _record(session, item)
        if name == "record.json":
            return countrecord.record_response(await countrecord.document(session, record))
    response = countrecord.file_response(record, name)
    if response is None:
        raise NotFound(gettext("This count record has no such file."))
    return response
