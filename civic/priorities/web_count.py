"""The "Check this count" page of a round whose results are published, and its count record's files."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core import countrecord
from civic.core.db import reading, row_id
from civic.core.deps import state
from civic.core.errors import NotFound
from civic.core.templating import render_page
from civic.priorities import service_count
from civic.priorities.models import PriorityRound
from civic.priorities.web import load_round


async def _record(session: AsyncSession, item: PriorityRound) -> countrecord.CountRecord:
    record = await countrecord.published(session, service_count.KIND, row_id(item))
    if record is None:
        raise NotFound("This round has no published count record.")
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
        raise NotFound("This count record has no such file.")
    return response
