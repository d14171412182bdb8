"""Demo answers, so the report cards differ: some asks answered on time and rated well, some answered
late, some left overdue. Runs after every feature's demo loader (responses is listed last in civic/features.py),
when their asks exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.demo import DemoContext, demo_now
from civic.core.identity import email_hash
from civic.core.targets import TargetInfo
from civic.core.users import Role, StaffUser
from civic.responses import service, service_ratings
from civic.responses.models import ResponsibleBody
from civic.responses.queries_members import may_answer_for
from civic.responses.queries_targets import all_awaiting


@dataclass(frozen=True)
class Answer:
    kind: str
    title_has: str  # picks the ask by part of its title
    days_after_ask: int  # when it was published; petitions fall due 30 days after the ask, the rest 28
    scores: tuple[int, ...]
    summary: str
    details: str = ""  # the full text; by default the summary and a word of thanks


ANSWERS = [
    Answer("petition", "toilets", 22, (5, 5, 4, 4, 3),
           "We will reopen the Castle Street toilets by next summer.",
           "The council has found funding to refurbish and reopen the toilets.\n\n"
           "Work starts in the spring. We will publish opening hours when they are agreed."),
    Answer("petition", "Saturdays", 37, (3, 2, 2, 4),
           "Saturday opening stays for another year while we review it with library users.",
           "Full Council debated the petition and agreed to keep Saturday opening until next November.\n\n"
           "A review with library users starts in the spring."),
    Answer("priorities_round", "spring: Fernbridge North", 12, (5, 4, 4),
           "We took on all four priorities; see each one's progress on the neighbourhood page."),
    Answer("priorities_round", "spring: Fernbridge Central", 68, (2, 3),
           "Sorry this is late. Three priorities were adopted; one is still being worked on."),
    Answer("youth_budget", "", 20, (4, 3, 5, 4),
           "Every winning project is funded; delivery updates are on the results page."),
    Answer("panel_decision", "crossing", 10, (3,),
           "Highways will assess the crossing this winter and report to the panel."),
    Answer("panel_decision", "Grant", 35, (),
           "The grant has been paid and the homework club has opened."),
]  # fmt: skip


def _pick(targets: list[TargetInfo], answer: Answer) -> TargetInfo | None:
    matching = [t for t in targets if t.kind == answer.kind and answer.title_has in t.title]
    return min(matching, key=lambda t: t.asked_at) if matching else None


async def _publish(
    session: AsyncSession, ctx: DemoContext, target: TargetInfo, answer: Answer, author: StaffUser
) -> None:
    at = target.asked_at + timedelta(days=answer.days_after_ask)
    response = await service.start_response(session, target, actor=author, now=at)
    details = answer.details or f"{answer.summary}\n\nThank you to everyone who took part."
    await service.save_draft(
        session, response, actor=author, summary=answer.summary, details=details, reason="", now=at
    )
    await service.publish(session, response, actor=author, settings=ctx.settings, now=at)
    for n, score in enumerate(answer.scores):
        rater = email_hash(ctx.settings.secret_key, f"rater{n}.{response.id}@example.invalid")
        await service_ratings.rate(
            session, response, rater=rater, score=score, comment="", now=at + timedelta(days=1)
        )


async def _member_of(session: AsyncSession, body_slug: str) -> StaffUser | None:
    """The first staff account (not an admin) that answers for the body: answers belong to bodies."""
    body = await session.get(ResponsibleBody, body_slug)
    rows = await session.exec(
        select(StaffUser).where(StaffUser.role != Role.ADMIN).order_by(col(StaffUser.id))
    )
    return next((user for user in rows.all() if may_answer_for(user, body)), None)


async def load_answers(session: AsyncSession, ctx: DemoContext) -> None:
    now = demo_now()  # round local times, never after now
    targets = await all_awaiting(session, now)
    for answer in ANSWERS:
        target = _pick(targets, answer)
        author = None if target is None else await _member_of(session, target.body_slug)
        if target is not None and author is not None and target.asked_at < now:
            await _publish(session, ctx, target, answer, author)
