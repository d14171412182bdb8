"""Emails to followers (people who left an address with an idea), through the outbox.

Each message has a dedupe key, so a follower hears about the results of a process once, however many
times a count is published, and about each delivery update once, however often the request is retried.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets import service, service_versions
from civic.budgets.models import BudgetDeliveryUpdate, BudgetProcess, BudgetProposal
from civic.budgets.summary import AreaSummary
from civic.core.content_languages import load
from civic.core.db import row_id
from civic.core.outbox import Mail


async def results_published(
    session: AsyncSession,
    mail: Mail,
    process: BudgetProcess,
    funded: list[BudgetProposal],
    *,
    now: datetime,
    summary: Sequence[AreaSummary] = (),
) -> int:
    """Queue the results email for every follower who has not had it; returns how many were queued.
    `summary` is the plain summary the results page opens with."""
    context = {"process": process, "funded": funded, "summary": list(summary)}
    return await _to_followers(
        session, mail, process, "budgets_results", context, f"results:{process.id}", now
    )


async def delivery_updated(
    session: AsyncSession,
    mail: Mail,
    process: BudgetProcess,
    proposal: BudgetProposal,
    update: BudgetDeliveryUpdate,
    *,
    now: datetime,
) -> int:
    context = {
        "process": process,
        "proposal": proposal,
        "text": update.text,
        "percent": update.percent,
        "status": update.status,
    }
    return await _to_followers(session, mail, process, "budgets_update", context, f"update:{update.id}", now)


async def _to_followers(
    session: AsyncSession,
    mail: Mail,
    process: BudgetProcess,
    template: str,
    context: dict[str, Any],
    key: str,
    now: datetime,
) -> int:
    """One email per follower of the process; `key` names the news, so each hears of it once. Each gets
    the process and its projects in their own language where youth workers wrote a version in it."""
    queued = 0
    languages = await service.follower_languages(session, row_id(process))
    in_language = await _in_languages(session, mail, context)
    for email in await service.follower_emails(session, row_id(process)):
        lang = languages.get(email)
        queued += await mail.enqueue(
            session, to=email, template=template, now=now, context=in_language(lang),
            dedupe_key=f"budgets:{key}:{email}", lang=lang,
        )  # fmt: skip
    return queued


async def _in_languages(
    session: AsyncSession, mail: Mail, context: dict[str, Any]
) -> Callable[[str | None], dict[str, Any]]:
    process: BudgetProcess = context["process"]
    proposals: list[BudgetProposal] = [context["proposal"]] if "proposal" in context else context["funded"]
    processes = await load(session, service_versions.PROCESS_KIND, [row_id(process)])
    versions = await load(session, service_versions.PROPOSAL_KIND, [row_id(p) for p in proposals])
    source = mail.settings.default_language

    def in_language(lang: str | None) -> dict[str, Any]:
        if lang is None or lang == source:
            return context
        show = service_versions.Shower(processes, versions, source, lang)
        shown: dict[str, Any] = {"process": show.process(process)}
        if "proposal" in context:
            shown["proposal"] = show.proposal(context["proposal"])
        if "funded" in context:
            shown["funded"] = [show.proposal(p) for p in context["funded"]]
        return context | shown

    return in_language
