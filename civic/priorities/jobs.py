"""Scheduled jobs: open and close rounds at their times, and delete personal data on time."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from civic.core.db import row_id
from civic.core.errors import Conflict
from civic.core.jobs import Job, JobContext
from civic.priorities.models import CANDIDATE_EDIT_STATES, PriorityRound, RoundState
from civic.priorities.service import candidates_of, transition
from civic.priorities.service_meetings import purge_rsvps
from civic.priorities.service_results import close_round
from civic.priorities.service_versions import load_texts, missing_for_round
from civic.priorities.service_voting import purge
from civic.priorities.settings import PrioritySettings


async def close_due_rounds(ctx: JobContext) -> str:
    async with ctx.db.transaction() as session:
        due = await session.exec(
            select(PriorityRound).where(
                PriorityRound.state == RoundState.VOTING_OPEN, col(PriorityRound.closes_at) <= ctx.now
            )
        )
        rounds = list(due.all())
        for item in rounds:
            await close_round(session, item, actor=None, now=ctx.now)
    return f"closed {len(rounds)} round(s)"


async def open_due_rounds(ctx: JobContext) -> str:
    """Open voting in rounds the team set to open by themselves, once their opening time has come.

    A round that is not ready (fewer than two candidates, suggestions waiting, or, when the council
    publishes in every language, a version still to write) stays as it is and is tried again on the
    next run; the staff page says what it needs.
    """
    opened = waiting = 0
    async with ctx.db.transaction() as session:
        due = await session.exec(
            select(PriorityRound).where(
                col(PriorityRound.state).in_(CANDIDATE_EDIT_STATES),
                col(PriorityRound.opens_automatically).is_(True),
                col(PriorityRound.opens_at) <= ctx.now,
                col(PriorityRound.closes_at) > ctx.now,
            )
        )
        for item in list(due.all()):
            if ctx.settings.publish_in_all_languages:
                candidates = await candidates_of(session, row_id(item))
                texts = await load_texts(session, rounds=[item], candidates=candidates)
                if missing_for_round(ctx.settings, item, candidates, texts):
                    waiting += 1  # the staff page says which versions are still to be written
                    continue
            try:
                # transition() checks readiness before it changes anything, so a refusal leaves no trace.
                await transition(
                    session, item, RoundState.VOTING_OPEN, actor=None, now=ctx.now,
                    reason="Opened by itself at its opening time",
                )  # fmt: skip
                opened += 1
            except Conflict:
                waiting += 1
    return f"opened {opened} round(s); {waiting} not ready"


async def purge_personal_data(ctx: JobContext) -> str:
    own = PrioritySettings.of(ctx.settings)
    async with ctx.db.transaction() as session:
        contacts, pending = await purge(session, now=ctx.now, confirm_hours=own.confirm_hours)
        replies = await purge_rsvps(session, now=ctx.now, days=own.rsvp_retention_days)
    return (
        f"deleted {contacts} contact(s), {pending} expired pending ballot(s) "
        f"and {replies} meeting repl{'y' if replies == 1 else 'ies'}"
    )


JOBS = (
    Job("priorities.close_due", timedelta(minutes=5), close_due_rounds),
    Job("priorities.open_due", timedelta(minutes=5), open_due_rounds),
    Job("priorities.purge", timedelta(hours=1), purge_personal_data),
)
