"""Demo petitions in every interesting state, with signatures spread over the wards."""

from __future__ import annotations

import random
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import OUTSIDE_WARDS
from civic.core.audit import actor_label
from civic.core.db import row_id, run_sql
from civic.core.demo import DemoContext, demo_now
from civic.core.users import Role
from civic.petitions.models import (
    Petition,
    PetitionDebate,
    Signature,
    SignatureState,
    State,
)
from civic.petitions.policy import Policy
from civic.petitions.service_counting import tally

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


async def load_petitions(session: AsyncSession, ctx: DemoContext) -> None:
    now = demo_now()  # round local times, never after now
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
        if signatures:
            table = Signature.__table__  # type: ignore[attr-defined]
            opened = petition.opened_at or created
            await run_sql(session, table.insert(), _signature_rows(row_id(petition), signatures, opened, now))  # type: ignore[arg-type]
        if state in {State.OPEN, State.CLOSED}:
            opened_ones.append(petition)
    await tally(session, opened_ones, now=now - DAY, policy=policy)
    toilets, crossing, _trees, library = opened_ones
    label = actor_label(councillor)
    # Response goals reached on chosen days, so the report cards have history: the council's demo
    # answers (civic/responses/demo_answers.py) are on time for the toilets and late for the library;
    # the crossing's is overdue and unanswered.
    for petition, days_ago in ((toilets, 52), (library, 187), (crossing, 40)):
        petition.response_threshold_reached_at = now - days_ago * DAY
        petition.response_due_at = petition.response_threshold_reached_at + policy.response_due
        session.add(petition)
    session.add(PetitionDebate(
        petition_id=row_id(toilets), scheduled_for=now + 20 * DAY, updated_at=now, updated_by_label=label,
    ))  # fmt: skip
    session.add(PetitionDebate(
        petition_id=row_id(library), scheduled_for=now - 3 * DAY, debated_at=now - 3 * DAY,
        outcome="Full Council agreed to keep Saturday opening for another year and to review it with users.",
        minutes_url="https://example.org/minutes/2026-11", updated_at=now, updated_by_label=label,
    ))  # fmt: skip
    await session.flush()
