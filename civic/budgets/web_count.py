"""The "Check this count" page of a published budget result, and its count record's files."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.budgets import service_count, service_results
from civic.budgets.models import BudgetProcess, TallyRule
from civic.budgets.tally import TIE_BREAK_TEXT
from civic.budgets.web import load_process
from civic.core import countrecord
from civic.core.db import reading, row_id
from civic.core.deps import state
from civic.core.errors import NotFound
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.templating import render_page

# The record keeps its tie-break in English (it is signed and recounted as it is); the page shows it
# in the reader's language.
TIE_BREAKS = {
    TIE_BREAK_TEXT: _l(
        "If two projects are tied, the cheaper one comes first, then the one with more votes, then the "
        "lower project number."
    ),
}


async def _record(session: AsyncSession, process: BudgetProcess) -> countrecord.CountRecord:
    result = await service_results.latest_result(session, row_id(process), published=True)
    if result is None:
        raise NotFound(gettext("The results have not been published yet."))
    record = await countrecord.published(session, service_count.KIND, row_id(result))
    if record is None:
        raise NotFound(gettext("This result was published before count records were kept."))
    return record


async def check_page(request: Request) -> Response:
    async with reading(request) as session:
        process = await load_process(session, request)
        record = await _record(session, process)
        doc = await countrecord.document(session, record)
    base = f"/budgets/{process.slug}/count/"
    context = {
        "process": process,
        "parameters": doc["parameters"],
        **countrecord.page_context(doc, base, state(request).settings.url(base + "record.json")),
        "rule": TallyRule(doc["rule"]).label if doc["rule"] in set(TallyRule) else doc["rule"],
        "tie_break": str(TIE_BREAKS.get(doc["tie_break"], doc["tie_break"])),
    }
    return render_page(request, "budgets/count.html", context)


async def count_file(request: Request) -> Response:
    """`record.json` or one of the files it lists, byte for byte as published."""
    name = str(request.path_params["name"])
    async with reading(request) as session:
        process = await load_process(session, request)
        record = await _record(session, process)
        if name == "record.json":
            return countrecord.record_response(await countrecord.document(session, record))
    response = countrecord.file_response(record, name)
    if response is None:
        raise NotFound(gettext("This count record has no such file."))
    return response
