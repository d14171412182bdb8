"""The council's debate of a petition, and the mailings that announce it to signers.

The council's written response is a generic response (civic/petitions/answers.py), drafted,
versioned, emailed and rated by the responses feature. Debate mailings go through the outbox in batches
driven by a cursor (`petition_notification.after_id`) and a dedupe key per signature, so nobody is
emailed twice even if a batch runs again. Every email has a one-click unsubscribe shared with the
responses feature: stopping emails about a petition stops both its debate and response emails.
Mailings of kind "response" (template petitions_response) are only those a database upgraded from
before the shared responses still had in progress; new answers are emailed by the responses feature.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import content_languages
from civic.core.audit import actor_label, record
from civic.core.db import row_id
from civic.core.errors import Conflict
from civic.core.identity import email_hash
from civic.core.outbox import Mail
from civic.core.users import StaffUser
from civic.petitions import versions
from civic.petitions.answers import KIND, published_answer
from civic.petitions.models import (
    RESPONDABLE_STATES,
    Petition,
    PetitionDebate,
    PetitionNotification,
    Signature,
    counted,
)
from civic.responses.notify import enqueue_unsubscribable, opted_out, scope_of


async def debates_for(session: AsyncSession, petition_ids: list[int]) -> dict[int, PetitionDebate]:
    """The debate record of each of these petitions that has one, in one query."""
    if not petition_ids:
        return {}
    rows = await session.exec(select(PetitionDebate).where(col(PetitionDebate.petition_id).in_(petition_ids)))
    return {debate.petition_id: debate for debate in rows.all()}


async def save_debate(
    session: AsyncSession,
    petition: Petition,
    *,
    actor: StaffUser,
    scheduled_for: datetime | None,
    outcome: str,
    minutes_url: str,
    video_url: str,
    now: datetime,
    mail: Mail,
    batch: int,
) -> PetitionDebate:
    """Record the debate date, and once there is an outcome, mark it debated and tell signers."""
    if petition.state not in RESPONDABLE_STATES:
        raise Conflict(f"This petition is {petition.state.label}, so it cannot be debated.")
    debate = await session.get(PetitionDebate, row_id(petition)) or PetitionDebate(
        petition_id=row_id(petition), updated_at=now
    )
    newly_debated = bool(outcome) and debate.debated_at is None
    debate.scheduled_for, debate.outcome = scheduled_for, outcome
    debate.minutes_url, debate.video_url = minutes_url, video_url
    debate.updated_at, debate.updated_by_label = now, actor_label(actor)
    if newly_debated:
        debate.debated_at = now
    session.add(debate)
    await session.flush()
    await record(
        session, actor=actor, action="petitions.debate", object_type="petition", object_id=row_id(petition),
        now=now, reason="debated" if debate.debated_at else "debate scheduled", public=True,
    )  # fmt: skip
    if newly_debated:
        await start_mailing(session, petition, kind="debate", ref="outcome", now=now, mail=mail, batch=batch)
    return debate


async def start_mailing(
    session: AsyncSession, petition: Petition, *, kind: str, ref: str, now: datetime, mail: Mail, batch: int
) -> PetitionNotification:
    mailing = PetitionNotification(petition_id=row_id(petition), kind=kind, ref=ref, created_at=now)
    session.add(mailing)
    await session.flush()
    await send_batch(session, mailing, now=now, mail=mail, batch=batch)  # small petitions finish at once
    return mailing


async def send_batch(
    session: AsyncSession, mailing: PetitionNotification, *, now: datetime, mail: Mail, batch: int
) -> int:
    """Queue the next batch of emails for a mailing; marks it done when no signer is left."""
    petition = await session.get(Petition, mailing.petition_id)
    assert petition is not None
    rows = await session.exec(
        select(Signature)
        .where(Signature.petition_id == mailing.petition_id, col(Signature.notify).is_(True), *counted())
        .where(col(Signature.id) > mailing.after_id)
        .order_by(col(Signature.id))
        .limit(batch)
    )
    signers = list(rows.all())
    response = await published_answer(session, mailing.petition_id)
    debate = await session.get(PetitionDebate, mailing.petition_id)
    texts = await content_languages.load(session, versions.KIND, [mailing.petition_id])
    shown = texts.in_every_language(petition, versions.FIELDS, petition.lang)  # each signer's language
    scope = scope_of(KIND, str(mailing.petition_id))
    raters = {signer.id: email_hash(mail.settings.secret_key, signer.email) for signer in signers}
    stopped = await opted_out(session, list(raters.values()), scope)
    for signer in signers:
        mailing.after_id = signer.id or mailing.after_id
        rater = raters[signer.id]
        if rater in stopped:
            continue
        queued = await enqueue_unsubscribable(
            session, mail, to=signer.email, rater=rater, scope=scope, template=f"petitions_{mailing.kind}",
            context={"petition": shown, "response": response, "debate": debate, "name": signer.name},
            dedupe_key=f"petitions:{mailing.kind}:{mailing.petition_id}:{signer.id}", now=now,
            lang=signer.lang,
        )  # fmt: skip
        mailing.queued += int(queued)
    if len(signers) < batch:
        mailing.done_at = now
    session.add(mailing)
    await session.flush()
    return len(signers)


async def pending_mailings(session: AsyncSession) -> list[PetitionNotification]:
    rows = await session.exec(
        select(PetitionNotification).where(col(PetitionNotification.done_at).is_(None)).limit(20)
    )
    return list(rows.all())


async def mailing_totals(session: AsyncSession, petition_id: int) -> int:
    rows = await session.exec(
        select(func.coalesce(func.sum(PetitionNotification.queued), 0)).where(
            PetitionNotification.petition_id == petition_id
        )
    )
    return int(rows.one())
