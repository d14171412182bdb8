"""Demo content: Fernbridge Central has a round open for voting and an earlier round whose priorities
were not all kept up to date; Fernbridge North has published priorities with progress updates and an
earlier round with its outcomes."""

from __future__ import annotations

import json
import random
from datetime import datetime, time, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import OUTSIDE_WARDS, wards_of
from civic.core.db import row_id
from civic.core.demo import DemoContext, demo_now
from civic.core.identity import email_hash
from civic.core.localtime import from_local, local_date
from civic.core.users import Role, StaffUser
from civic.priorities import service, service_meetings, service_results
from civic.priorities.models import (
    Access,
    Ballot,
    Candidate,
    Category,
    PriorityRound,
    PriorityStatus,
    RoundState,
)
from civic.priorities.service_meetings import MeetingDetails

CENTRAL = [
    (Category.DRUG_DEALING, "Drug dealing near the station", "Station Approach and the underpass, evenings"),
    (Category.ANTI_SOCIAL_BEHAVIOUR, "Groups gathering in Abbey Park", "After 9pm, by the skate park"),
    (Category.SPEEDING, "Speeding on Castle Road", "Between the school and the roundabout, all day"),
    (Category.VEHICLE_CRIME, "Thefts from cars in Dockside", "Harbour Street car parks, overnight"),
    (Category.STREET_DRINKING, "Street drinking in Market Square", "Daytime, most days"),
    (Category.BIKE_THEFT, "Bike theft at the station", "Cycle racks on platform 1 side"),
]
NORTH_NOW = [
    (Category.SPEEDING, "Speeding through Brook Green village", "B2145 between the church and the school"),
    (Category.BURGLARY, "Shed and garage break-ins", "Elmfield and Greenhill, overnight"),
    (Category.ANTI_SOCIAL_BEHAVIOUR, "Off-road bikes on Longford fields", "Weekend afternoons"),
    (Category.OTHER, "Fly-tipping in lanes", "Millbrook Lane, reported to the council too"),
    (Category.PARKING, "Parking on pavements by Kingsmead school", "School run times"),
]
NORTH_BEFORE = [
    (Category.VEHICLE_CRIME, "Catalytic converter thefts", "Greenhill estate"),
    (Category.ANTI_SOCIAL_BEHAVIOUR, "Nuisance at Longford shops", "Evenings"),
    (Category.SPEEDING, "Speeding on Kingsmead Road", "Near the primary school"),
    (Category.DRUG_DEALING, "Drug dealing in Elmfield rec", "Afternoons"),
]

Step = tuple[int, PriorityStatus, str]  # days ago, status after, what was done
PLANS: dict[Category, tuple[str, str, list[Step]]] = {
    Category.SPEEDING: (
        "Roads policing unit with the community speedwatch",
        "Monthly speed checks; fewer than 1 in 10 drivers over 35mph by the review",
        [
            (
                40,
                PriorityStatus.IN_PROGRESS,
                "Speedwatch volunteers trained; four checks so far, 61 letters sent.",
            ),
            (
                12,
                PriorityStatus.IN_PROGRESS,
                "Speedwatch: six more checks; two drivers reported for dangerous driving.",
            ),
        ],
    ),
    Category.BURGLARY: (
        "Neighbourhood policing team",
        "Visit every home on the worst-hit roads with shed alarms and advice",
        [(25, PriorityStatus.IN_PROGRESS, "140 homes visited and 60 shed alarms given out; two arrests.")],
    ),
    Category.ANTI_SOCIAL_BEHAVIOUR: (
        "Council parks team",
        "Gates fitted at two entrances to Longford fields; bikes used illegally seized",
        [
            (
                20,
                PriorityStatus.PASSED_TO_PARTNER,
                "The council's parks team is fitting gates; we patrol at weekends.",
            )
        ],
    ),
}
DEFAULT_PLAN: tuple[str, str, list[Step]] = (
    "Neighbourhood policing team",
    "Patrols at the times residents told us about",
    [(15, PriorityStatus.IN_PROGRESS, "Patrols started at the times and places residents named.")],
)


async def _round(
    session: AsyncSession,
    slug: str,
    title: str,
    actor: StaffUser,
    opens: datetime,
    days: int,
    issues: list[tuple[Category, str, str]],
) -> tuple[PriorityRound, list[Candidate]]:
    item = await service.create_round(
        session,
        actor=actor,
        neighbourhood_slug=slug,
        title=title,
        opens_at=opens,
        closes_at=opens + timedelta(days=days),
        now=opens,
    )
    made = [
        await service.add_candidate(session, item, actor=actor, category=c, title=t, description=d, now=opens)
        for c, t, d in issues
    ]
    await service.transition(session, item, RoundState.VOTING_OPEN, actor=actor, now=opens)
    return item, made


async def _ballots(
    session: AsyncSession,
    ctx: DemoContext,
    item: PriorityRound,
    candidates: list[Candidate],
    count: int,
    seed: int,
) -> None:
    rng = random.Random(seed)
    wards = [w.code for w in await wards_of(session, item.neighbourhood_slug)]
    weights = [len(candidates) - i for i in range(len(candidates))]
    for n in range(count):
        picks: list[int] = []
        while len(picks) < min(item.choices, rng.randint(1, item.choices)):
            choice = row_id(rng.choices(candidates, weights)[0])
            if choice not in picks:
                picks.append(choice)
        at = item.opens_at + timedelta(hours=rng.randint(1, 24 * 6))  # whole hours after a round hour
        works = rng.random() < 0.1
        session.add(
            Ballot(
                round_id=row_id(item),
                email_hash=email_hash(ctx.settings.secret_key, f"voter{seed}-{n}@example.invalid"),
                ward_code=OUTSIDE_WARDS if works else rng.choice(wards),
                works_here=works,
                choices_json=json.dumps(picks),
                pending_id=n + 1,
                cast_on=at,
                confirmed_at=at,
            )
        )
    await session.flush()


async def load_priorities_demo(session: AsyncSession, ctx: DemoContext) -> None:
    now = demo_now()  # round local times, never after now
    police, admin = ctx.staff[Role.POLICE], ctx.staff[Role.ADMIN]
    central, cands = await _round(
        session,
        "fernbridge-central",
        f"Police priorities from {now:%B %Y}",
        police,
        now - timedelta(days=6),
        21,
        CENTRAL,
    )
    await _ballots(session, ctx, central, cands, 87, seed=1)
    await _advertise_meeting(session, central, police, now)

    earlier, before = await _round(
        session,
        "fernbridge-north",
        "Police priorities, spring",
        admin,
        now - timedelta(days=200),
        21,
        NORTH_BEFORE,
    )
    await _ballots(session, ctx, earlier, before, 64, seed=2)
    await _close_and_publish(session, ctx, earlier, admin, now - timedelta(days=178))
    old = await service_results.priorities_of_round(session, row_id(earlier))
    outcomes = {
        Category.VEHICLE_CRIME: (
            PriorityStatus.DEALT_WITH,
            "Marking events at four garages; thefts down from 14 to 3 a month.",
        ),
        Category.ANTI_SOCIAL_BEHAVIOUR: (
            PriorityStatus.PASSED_TO_PARTNER,
            "The council's community safety team now leads, with youth outreach on Friday evenings.",
        ),
        Category.SPEEDING: (
            PriorityStatus.CARRIED_OVER,
            "Some progress with speed checks; residents asked us to keep it on.",
        ),
        Category.DRUG_DEALING: (
            PriorityStatus.DEALT_WITH,
            "Two warrants executed; no reports of dealing at the rec since.",
        ),
    }
    for priority in old:
        status, text = outcomes[priority.category]
        await service_results.update_priority(
            session,
            priority,
            actor=admin,
            now=now - timedelta(days=110),
            mail=ctx.mail,
            text=text,
            status=status,
            owner=priority.owner,
            target=priority.target,
            review_on=now - timedelta(days=110),
        )

    current, new = await _round(
        session,
        "fernbridge-north",
        "Police priorities, summer",
        admin,
        now - timedelta(days=85),
        21,
        NORTH_NOW,
    )
    await _ballots(session, ctx, current, new, 112, seed=3)
    await service.record_meeting(
        session,
        current,
        actor=admin,
        held_on=now - timedelta(days=70),
        place="Brook Green village hall",
        attendance=34,
        hands={row_id(new[0]): 22, row_id(new[1]): 15, row_id(new[2]): 19, row_id(new[4]): 8},
        now=now - timedelta(days=70),
    )
    await _close_and_publish(session, ctx, current, admin, now - timedelta(days=60))
    for priority in await service_results.priorities_of_round(session, row_id(current)):
        owner, target, steps = PLANS.get(priority.category, DEFAULT_PLAN)
        for days_ago, status, text in steps:
            at = now - timedelta(days=days_ago)
            await service_results.update_priority(
                session,
                priority,
                actor=admin,
                now=at,
                mail=ctx.mail,
                text=text,
                status=status,
                owner=owner,
                target=target,
                review_on=at + timedelta(days=60),
            )
    await _central_last_spring(session, ctx, now)


async def _central_last_spring(session: AsyncSession, ctx: DemoContext, now: datetime) -> None:
    """Central's earlier round, made last so the ids of the rounds above stay put: one priority kept
    up to date, one dealt with, one with no public update since adoption (stale on the report card)."""
    police = ctx.staff[Role.POLICE]
    earlier, issues = await _round(
        session, "fernbridge-central", "Police priorities, spring", police, now - timedelta(days=230), 21,
        CENTRAL[:4],
    )  # fmt: skip
    await _ballots(session, ctx, earlier, issues, 71, seed=4)
    await _close_and_publish(session, ctx, earlier, police, now - timedelta(days=205))
    kept_up, finished, *_ = await service_results.priorities_of_round(session, row_id(earlier))
    for priority, days_ago, status, text in (
        (finished, 120, PriorityStatus.DEALT_WITH, "Closures and warrants; no dealing reported since June."),
        (kept_up, 30, PriorityStatus.IN_PROGRESS, "Evening patrols continue with the park wardens."),
    ):
        at = now - timedelta(days=days_ago)
        await service_results.update_priority(
            session, priority, actor=police, now=at, mail=ctx.mail, text=text, status=status,
            owner=priority.owner, target=priority.target, review_on=at + timedelta(days=60),
        )  # fmt: skip


async def _advertise_meeting(
    session: AsyncSession, item: PriorityRound, police: StaffUser, now: datetime
) -> None:
    """A public meeting in the open round's second week, at 7pm UK time."""
    starts = from_local(local_date(now) + timedelta(days=8), time(19))
    details = MeetingDetails(
        starts_at=starts, ends_at=starts + timedelta(hours=1, minutes=30),
        place="Fernbridge Central Library, community room", address="2 Station Approach, Fernbridge FB6 1UU",
        access=[Access.STEP_FREE, Access.HEARING_LOOP, Access.ACCESSIBLE_TOILET],
        access_notes="Lift to the first floor; the 12 and 14 buses stop outside",
        online_url="https://meet.example.org/fernbridge-central",
        agenda="What the team did since the spring round\nThe issues on this round's ballot\nA show of hands",
    )  # fmt: skip
    await service_meetings.advertise_meeting(session, item, actor=police, details=details, now=now)


async def _close_and_publish(
    session: AsyncSession, ctx: DemoContext, item: PriorityRound, actor: StaffUser, at: datetime
) -> None:
    await service_results.close_round(session, item, actor=actor, now=at)
    await service_results.publish_results(
        session, item, actor=actor, chosen_ids=None, reason="", now=at, mail=ctx.mail, retention_days=120
    )
