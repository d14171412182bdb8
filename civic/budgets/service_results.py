"""Counting (with `tally`), storing, publishing; turnout statistics and open-data exports."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Final

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets import pabulib, service_count, service_mixing, summary, tally
from civic.budgets.models import (
    AGE_BANDS,
    CHANNEL_LABELS,
    BudgetArea,
    BudgetBallot,
    BudgetBallotChoice,
    BudgetCode,
    BudgetCodeBatch,
    BudgetDelivery,
    BudgetProcess,
    BudgetProposal,
    BudgetResult,
    Channel,
    DeliveryStatus,
)
from civic.budgets.service import areas_of, overrides_of, proposals_of
from civic.core import audit, countrecord
from civic.core.db import row_id
from civic.core.i18n import LazyString, gettext, lazy_gettext
from civic.core.publish import OGL, shown_breakdown, shown_count_text, shown_text
from civic.core.users import StaffUser


async def ballots_by_area(session: AsyncSession, process_id: int) -> dict[int | None, list[list[int]]]:
    """area id -> each ballot's chosen proposal ids (ballots in random-id order)."""
    rows = await session.exec(
        select(BudgetBallot.id, BudgetBallot.area_id, BudgetBallotChoice.proposal_id)
        .join(BudgetBallotChoice, col(BudgetBallotChoice.ballot_id) == BudgetBallot.id, isouter=True)
        .where(BudgetBallot.process_id == process_id)
        .order_by(col(BudgetBallot.id))
    )
    ballots: dict[str, tuple[int | None, list[int]]] = {}
    for ballot_id, area_id, proposal_id in rows.all():
        entry = ballots.setdefault(ballot_id, (area_id, []))
        if proposal_id is not None:
            entry[1].append(proposal_id)
    grouped: dict[int | None, list[list[int]]] = {}
    for area_id, choices in ballots.values():
        grouped.setdefault(area_id, []).append(choices)
    return grouped


def _scopes(process: BudgetProcess, areas: list[BudgetArea]) -> list[tuple[int | None, str, int]]:
    if not areas:
        return [(None, process.title, process.total)]
    return [(a.id, a.name, a.budget) for a in areas]


async def compute(
    session: AsyncSession, process: BudgetProcess, *, actor: StaffUser | None, now: datetime
) -> BudgetResult:
    """Count every area with the process's rule and store the outcome as a new, unpublished result."""
    if service_mixing.ready_to_mix(process, now):  # in case the scheduled job has not run since the close
        await service_mixing.mix_ballots(session, row_id(process))
    areas = await areas_of(session, row_id(process))
    proposals = await proposals_of(session, row_id(process), feasible_only=True)
    excluded_ids = {o.proposal_id: o.reason for o in await overrides_of(session, row_id(process))}
    ballots = await ballots_by_area(session, row_id(process))
    scopes, counted = [], []
    for area_id, name, budget in _scopes(process, areas):
        mine = [p for p in proposals if not areas or p.area_id == area_id]
        number = {row_id(p): str(p.number) for p in mine}
        left_out = {number[pid]: reason for pid, reason in excluded_ids.items() if pid in number}
        chosen = ballots.get(area_id, [])
        outcome = tally.tally(
            [tally.Project(str(p.number), p.cost) for p in mine],
            budget,
            [[number[c] for c in b if c in number] for b in chosen],
            rule=process.rule.value,
            excluded=left_out,
        )
        scopes.append({"area_id": area_id, "name": name, **outcome.as_json()})
        scope = (area_id, name, budget)
        counted.append(service_count.Counted(scope, pabulib_text(process, scope, mine, chosen), left_out))
    result = BudgetResult(
        process_id=row_id(process),
        rule=process.rule,
        outcome_json=json.dumps({"areas": scopes, "tie_break": tally.TIE_BREAK_TEXT}),
        computed_at=now,
        computed_by=None if actor is None else actor.id,
    )
    session.add(result)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="budgets.result_computed",
        object_type="budget_result",
        object_id=result.id,
        now=now,
        reason=f"{process.title}: {process.rule.label}",
    )
    await service_count.store_record(session, process, result, counted, now=now)
    return result


async def latest_result(session: AsyncSession, process_id: int, *, published: bool) -> BudgetResult | None:
    query = select(BudgetResult).where(BudgetResult.process_id == process_id)
    if published:
        query = query.where(col(BudgetResult.published_at).is_not(None))
    return (await session.exec(query.order_by(col(BudgetResult.id).desc()).limit(1))).first()


def funded_numbers(result: BudgetResult) -> set[int]:
    data = json.loads(result.outcome_json)
    return {int(pid) for area in data["areas"] for pid in area["selected"]}


def area_summaries(result: BudgetResult) -> list[dict[str, Any]]:
    """Per area: its budget, what was spent and the projects in the order they were funded (the
    selection `civic budgets tally` prints for the area's `.pb` file)."""
    return [
        {
            "area": a["name"],
            "budget": a["budget"],
            "spent": a["spent"],
            "selected": [int(i) for i in a["selected"]],
        }
        for a in json.loads(result.outcome_json)["areas"]
    ]


async def plain_summary(
    session: AsyncSession, process: BudgetProcess, result: BudgetResult
) -> list[summary.AreaSummary]:
    """The plain summary (`civic.budgets.summary`) of a stored count, with the projects' titles."""
    titles = {str(p.number): p.title for p in await proposals_of(session, row_id(process))}
    return summary.summary(json.loads(result.outcome_json), titles, shown_count_text)


def excluded_numbers(result: BudgetResult) -> set[int]:
    """Projects this count left out because of an override."""
    data = json.loads(result.outcome_json)
    return {int(p["id"]) for area in data["areas"] for p in area["projects"] if p["stage"] == "excluded"}


async def publish(
    session: AsyncSession, result: BudgetResult, process: BudgetProcess, *, actor: StaffUser, now: datetime
) -> list[BudgetProposal]:
    """Publish a stored result and start delivery tracking for its funded projects."""
    result.published_at = now
    session.add(result)
    funded = [p for p in await proposals_of(session, row_id(process)) if p.number in funded_numbers(result)]
    for proposal in funded:
        if await session.get(BudgetDelivery, proposal.id) is None:
            session.add(
                BudgetDelivery(
                    proposal_id=row_id(proposal), process_id=row_id(process), status=DeliveryStatus.PLANNED
                )
            )
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="budgets.results_published",
        object_type="budget_result",
        object_id=result.id,
        now=now,
        reason=f"{process.title}: {len(funded)} projects funded",
        public=True,
    )
    record = await countrecord.find(session, service_count.KIND, row_id(result))
    if record is not None:  # results counted before count records existed have none
        await countrecord.publish(session, record, actor=actor, now=now)
    return funded


@dataclass(frozen=True)
class Turnout:
    ballots: int  # for staff; the public see `total`
    rows: list[tuple[str, str, str]]  # (dimension, label, count or "fewer than 5" or "not shown")
    codes_issued: int  # voting codes handed out (not cancelled before use)
    codes_used: int  # as many as online ballots, so public only when that count is

    @property
    def total(self) -> str:
        return shown_count_text(self.ballots)

    @property
    def codes_used_percent(self) -> int | None:
        online = next(count for dimension, label, count in self.rows if label == CHANNEL_LABELS["online"])
        if not self.codes_issued or not online.replace(",", "").isdigit():
            return None
        return round(100 * self.codes_used / self.codes_issued)


def _breakdown(dimension: str, labelled: list[tuple[str, int]]) -> list[tuple[str, str, str]]:
    shown = shown_breakdown([count for _, count in labelled])
    # words in the reader's language (turnout is worked out for each page it is shown on)
    return [(dimension, label, shown_text(text)) for (label, _), text in zip(labelled, shown, strict=True)]


async def turnout(session: AsyncSession, process: BudgetProcess) -> Turnout:
    rows = (await session.exec(select(BudgetBallot).where(BudgetBallot.process_id == process.id))).all()
    areas = {a.id: a.name for a in await areas_of(session, row_id(process))}
    channels = Counter(b.channel for b in rows)
    table = _breakdown(gettext("Channel"), [(str(CHANNEL_LABELS[c.value]), channels[c]) for c in Channel])
    if areas:
        by_area = Counter(b.area_id for b in rows)
        table += _breakdown(gettext("Area"), [(name, by_area[area_id]) for area_id, name in areas.items()])
    bands = Counter(b.age_band if b.age_band in AGE_BANDS else "" for b in rows)
    ages = _breakdown(
        gettext("Age"), [*((band, bands[band]) for band in AGE_BANDS), (gettext("Not recorded"), bands[""])]
    )
    table += ages if bands[""] else ages[:-1]
    issued, used = await _code_counts(session, row_id(process))
    return Turnout(len(rows), table, issued, used)


async def _code_counts(session: AsyncSession, process_id: int) -> tuple[int, int]:
    """Codes handed out (cancelled ones only if they were used first) and codes used."""
    flags = (
        await session.exec(
            select(BudgetCode.used, BudgetCode.voided)
            .join(BudgetCodeBatch, col(BudgetCodeBatch.id) == BudgetCode.batch_id)
            .where(BudgetCodeBatch.process_id == process_id)
        )
    ).all()
    return sum(1 for used, voided in flags if used or not voided), sum(1 for used, _ in flags if used)


def result_rows(result: BudgetResult, proposals: list[BudgetProposal]) -> list[dict[str, Any]]:
    """Flat rows for the results table, CSV and JSON: one per project per area."""
    titles = {str(p.number): p.title for p in proposals}
    rows = []
    for area in json.loads(result.outcome_json)["areas"]:
        for p in area["projects"]:
            rows.append(
                {
                    "area": area["name"],
                    "project": int(p["id"]),
                    "title": titles.get(p["id"], ""),
                    **{k: p[k] for k in ("cost", "votes", "funded", "stage", "explanation")},
                }
            )
    return rows


async def export_pabulib(session: AsyncSession, process: BudgetProcess, area_id: int | None = None) -> str:
    """The process's ballots as `.pb`: project numbers, costs and choices only; voters numbered 1..n in
    random-id order; no codes, receipts, ages or channels."""
    areas = await areas_of(session, row_id(process))
    scope = next((s for s in _scopes(process, areas) if s[0] == area_id), _scopes(process, areas)[0])
    proposals = [
        p
        for p in await proposals_of(session, row_id(process), feasible_only=True)
        if not areas or p.area_id == scope[0]
    ]
    ballots = (await ballots_by_area(session, row_id(process))).get(scope[0], [])
    return pabulib_text(process, scope, proposals, ballots)


def pabulib_text(
    process: BudgetProcess,
    scope: tuple[int | None, str, int],
    proposals: list[BudgetProposal],
    ballots: list[list[int]],
) -> str:
    """One scope's (area's) `.pb`: `proposals` are the feasible ones in the scope, `ballots` each
    ballot's chosen proposal ids."""
    number = {p.id: str(p.number) for p in proposals}
    chosen = [{number[c]: 1 for c in b if c in number} for b in ballots]
    meta = {
        "description": f"{process.title}: {scope[1]}",
        "country": "United Kingdom",
        "unit": process.title,
        "instance": process.slug,
        "budget": scope[2],
        "vote_type": "approval",
        "rule": "equalshares" if process.rule.value == "mes" else "greedy",
        "licence": OGL,
    }
    projects = [pabulib.PbProject(str(p.number), p.cost, p.title) for p in proposals]
    return pabulib.write(meta, projects, chosen)


# What tally writes to explain each project's result, as messages: the stored result keeps the English
# (open data's words), and a page shows it in the reader's language by matching the English back to its
# message. Each must read exactly as tally.py's f-strings do (the pseudo-locale test shows a miss).
EXPLANATIONS: Final = (
    lazy_gettext(
        "Funded with %(votes)s votes: %(left)s was left when its turn came, enough for its cost of %(cost)s."
    ),
    lazy_gettext(
        "Not funded: %(left)s was left when its turn came (its %(votes)s votes placed it there), "
        "less than its cost of %(cost)s."
    ),
    lazy_gettext(
        "Funded by equal shares with %(votes)s votes: its supporters paid its cost of %(cost)s between "
        "them, none paying more than %(price)s."
    ),
    lazy_gettext(
        "Its %(votes)s supporters had %(held)s of their shares left, less than its cost of %(cost)s; "
        "funded in the completion step: %(left)s of the budget was left when its turn came."
    ),
    lazy_gettext(
        "Not funded. Its %(votes)s supporters had %(held)s of their shares left, less than its cost of "
        "%(cost)s, and in the completion step %(left)s was left when its turn came."
    ),
    lazy_gettext("Not counted: the council removed it from the count. Reason: %(reason)s"),
)


@cache
def _explanation_patterns() -> tuple[tuple[re.Pattern[str], LazyString], ...]:
    def pattern(message: LazyString) -> re.Pattern[str]:
        parts = re.split(r"%\((\w+)\)s", message.message)
        regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        return re.compile(f"{regex}$", re.DOTALL)

    return tuple((pattern(m), m) for m in EXPLANATIONS)


def explanation(english: str) -> str:
    """A stored explanation in the reader's language (as stored when no message matches it)."""
    for pattern, message in _explanation_patterns():
        found = pattern.match(english)
        if found:
            return gettext(message.message, **found.groupdict())
    return english
