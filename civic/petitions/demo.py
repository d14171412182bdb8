"""Demo petitions in every interesting state, with signatures spread over the wards."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import OUTSIDE_WARDS
from civic.core.audit import actor_label
from civic.core.clock import SystemClock
from civic.core.db import run_sql
from civic.core.identity import email_hash
from civic.core.users import Role
from civic.demo import DemoContext, demo_loader
from civic.petitions import accountability
from civic.petitions.accountability import COUNCIL_BODY
from civic.petitions.counting import tally
from civic.petitions.models import (
    Petition,
    PetitionDebate,
    Signature,
    SignatureState,
    State,
)
from civic.petitions.policy import Policy
from civic.responses import service
from civic.responses.models import BodyKind
from civic.responses.ratings import rate
from civic.responses.service import ensure_body

WARDS = [f"E059000{n:02d}" for n in range(1, 13)]
DAY = timedelta(days=1)

# (action, background, state, age in days, signatures)
PETITIONS: list[tuple[str, str, State, int, int]] = [
    ("Reopen the public toilets on Castle Street",
     "The toilets closed in 2024. Older people, families and market traders have nowhere to go in the town centre.",
     State.OPEN, 60, 1620),
    ("Build a zebra crossing outside Fernbridge Primary School",
     "Children cross Mill Road at the busiest time of day and drivers do not slow down.",
     State.OPEN, 50, 214),
    ("Plant 500 more street trees in Dockside",
     "Dockside has the fewest trees of any ward and gets very hot in summer.",
     State.OPEN, 8, 37),
    ("Keep Elmfield library open on Saturdays",
     "Saturday is the only day many working families and students can use the library.",
     State.CLOSED, 200, 1710),
    ("Stop charging for garden waste collection",
     "The new charge means more people are burning waste or dumping it.",
     State.REJECTED, 40, 0),
    ("Buy my company's parking app for the whole council",
     "It is the best app.", State.HIDDEN, 12, 0),
    ("Put more benches along the river path",
     "There is nowhere to rest between the bridge and the park.", State.MODERATION, 10, 0),
    ("Light the footpath through Brook Green park",
     "The path is the only safe route to the station but it is pitch dark in winter.",
     State.MODERATION, 2, 0),
    ("Run a weekly bus from the villages to Fernbridge market",
     "People without a car cannot reach the market.", State.COLLECTING, 1, 0),
]  # fmt: skip


def _signature_rows(petition_id: int, count: int, opened: datetime, now: datetime) -> list[dict[str, Any]]:
    rng = random.Random(petition_id)  # reproducible demo data, not security
    weights = [rng.randint(1, 9) for _ in WARDS] + [2]
    rows = []
    for i in range(count):
        ward = rng.choices([*WARDS, OUTSIDE_WARDS], weights)[0]
        at = opened + (now - opened) * (i / max(count, 1))
        rows.append({
            "petition_id": petition_id, "name": f"Demo Signer {i}", "email": f"signer{i}.p{petition_id}@example.org",
            "email_canonical": f"signer{i}.p{petition_id}@example.org", "postcode": "", "ward_code": ward,
            "notify": i % 3 == 0, "state": SignatureState.VALIDATED.value, "suspect": False,
            "is_creator": i == 0, "ip_address": "192.0.2.1", "created_at": at, "validated_at": at,
            "invalidation_reason": "",
        })  # fmt: skip
    return rows


@demo_loader
async def load_petitions(session: AsyncSession, ctx: DemoContext) -> None:
    now = SystemClock().now()
    policy = Policy.from_settings(ctx.settings)
    councillor = ctx.staff.get(Role.COUNCILLOR)
    opened_ones: list[Petition] = []
    for action, background, state, age, signatures in PETITIONS:
        created = now - age * DAY
        petition = Petition(
            action=action, background=background, state=state, creator_name="Demo Creator",
            creator_email="creator@example.org", creator_key=secrets.token_urlsafe(24),
            created_at=created, updated_at=created,
        )  # fmt: skip
        if state in {State.OPEN, State.CLOSED}:
            petition.opened_at = created + 3 * DAY
            petition.closes_at = petition.opened_at + policy.open_for
            petition.response_threshold = policy.response_threshold
            petition.debate_threshold = policy.debate_threshold
        if state == State.CLOSED:
            petition.closes_at = petition.closed_at = now - 10 * DAY
        if state in {State.REJECTED, State.HIDDEN}:
            petition.rejected_at, petition.rejection_count = created + 2 * DAY, 1
            petition.rejection_code = "duplicate" if state == State.REJECTED else "advert"
            petition.rejection_details = "There is already a petition about garden waste charges."
        if state == State.MODERATION:
            petition.moderation_entered_at = created
        session.add(petition)
        await session.flush()
        assert petition.id is not None
        if signatures:
            table = Signature.__table__  # type: ignore[attr-defined]
            opened = petition.opened_at or created
            await run_sql(session, table.insert(), _signature_rows(petition.id, signatures, opened, now))  # type: ignore[arg-type]
        if state in {State.OPEN, State.CLOSED}:
            opened_ones.append(petition)
    await tally(session, opened_ones, now=now - DAY, policy=policy)
    toilets, crossing, _trees, library = opened_ones
    label = actor_label(councillor)
    await _answers(session, ctx, now=now, policy=policy, toilets=toilets, crossing=crossing, library=library)
    session.add(PetitionDebate(
        petition_id=toilets.id or 0, scheduled_for=now + 20 * DAY, updated_at=now, updated_by_label=label,
    ))  # fmt: skip
    session.add(PetitionDebate(
        petition_id=library.id or 0, scheduled_for=now - 3 * DAY, debated_at=now - 3 * DAY,
        outcome="Full Council agreed to keep Saturday opening for another year and to review it with users.",
        minutes_url="https://example.org/minutes/2026-11", updated_at=now, updated_by_label=label,
    ))  # fmt: skip
    await session.flush()


# (summary, details, ratings given by signers) of the demo answers
ANSWERS: list[tuple[str, str, str]] = [
    ("We will reopen the Castle Street toilets by next summer.",
     "The council has found funding to refurbish and reopen the toilets.\n\n"
     "Work starts in the spring. We will publish opening hours when they are agreed.", "5 5 4 4 3"),
    ("Saturday opening stays for another year while we review it with library users.",
     "Full Council debated the petition and agreed to keep Saturday opening until next November.\n\n"
     "A review with library users starts in the spring.", "3 2 2 4"),
]  # fmt: skip


async def _backdate_threshold(petition: Petition, reached: datetime, policy: Policy) -> None:
    """Demo petitions reached their response goal on a chosen day, so the report cards have history."""
    petition.response_threshold_reached_at = reached
    petition.response_due_at = reached + policy.response_due


async def _answers(
    session: AsyncSession,
    ctx: DemoContext,
    *,
    now: datetime,
    policy: Policy,
    toilets: Petition,
    crossing: Petition,
    library: Petition,
) -> None:
    """One answer on time (rated well), one late (rated poorly), one overdue and unanswered."""
    await _backdate_threshold(toilets, now - 52 * DAY, policy)
    await _backdate_threshold(library, now - 187 * DAY, policy)
    await _backdate_threshold(crossing, now - 40 * DAY, policy)
    for petition in (toilets, library, crossing):
        session.add(petition)
    await session.flush()
    responder = ctx.staff.get(Role.COUNCILLOR)
    if responder is None:
        return
    await ensure_body(session, COUNCIL_BODY, ctx.settings.council_name, BodyKind.DEPARTMENT)
    published = {toilets.id: now - 30 * DAY, library.id: now - 150 * DAY}
    for petition, (summary, details, scores) in zip((toilets, library), ANSWERS, strict=True):
        at = published[petition.id]
        target = await accountability.load(session, str(petition.id))
        assert target is not None
        response = await service.start_response(session, target, actor=responder, now=at)
        await service.save_draft(
            session, response, actor=responder, summary=summary, details=details, reason="", now=at
        )
        await service.publish(session, response, actor=responder, now=at)
        for n, score in enumerate(scores.split()):
            rater = email_hash(ctx.settings.secret_key, f"rater{n}.p{petition.id}@example.org")
            await rate(session, response, rater=rater, score=int(score), comment="", now=at + DAY)
