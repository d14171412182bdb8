"""Demo content: one youth budget in voting (codes printed once on the console) and last year's, with
published results and delivery updates."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.budgets import service, service_codes, service_results, service_voting
from civic.budgets.forms import AreaLine
from civic.budgets.models import (
    BallotType,
    BudgetIdea,
    BudgetProcess,
    Channel,
    DeliveryStatus,
    Feasibility,
    IdeaStatus,
    TallyRule,
)
from civic.core.db import row_id
from civic.core.demo import DemoContext, demo_now
from civic.core.users import Role

NOW_PROJECTS = [
    (
        "Skate park lights",
        "Floodlights at Riverside skate park so we can use it after school in winter.",
        18_000,
    ),
    ("Free music studio sessions", "Weekly sessions at the Fernbridge Hub studio with a producer.", 9_500),
    ("Girls' football kit and coaching", "Kit, balls and a coach for a new under-16 girls' team.", 6_000),
    ("Mental health drop-in", "A youth worker and counsellor at the library every Thursday.", 14_000),
    ("Graffiti art wall", "A legal wall by the station, with workshops from local artists.", 4_500),
    ("Bike repair workshop", "Tools and a mechanic to teach bike repairs at the youth club.", 7_000),
    ("Summer trips", "Three day trips to the coast and a climbing centre for 11-16s.", 12_000),
    ("Gaming and coding club", "Laptops and consoles for a weekly club at Northgate library.", 8_500),
]
# Which demo wards last year's two areas covered, so its results draw turnout by area on the map.
LAST_AREA_WARDS = {
    "North": ["E05900001", "E05900002", "E05900003", "E05900007", "E05900010", "E05900011"],
    "Central": ["E05900004", "E05900005", "E05900006", "E05900008", "E05900009", "E05900012"],
}
LAST_PROJECTS = [
    ("Outdoor gym at Fernbridge Park", 15_000, "North"),
    ("Youth club refurbishment", 20_000, "Central"),
    ("Free swimming on Saturdays", 8_000, "North"),
    ("Cooking on a budget classes", 3_000, "Central"),
    ("Basketball court resurface", 12_000, "North"),
    ("Film-making kit", 5_000, "Central"),
]


def _process(
    slug: str, title: str, now: datetime, offsets: tuple[int, int, int, int, int], **extra: object
) -> BudgetProcess:
    dates = [now + timedelta(days=d) for d in offsets]
    return BudgetProcess.model_validate(
        {
            "slug": slug,
            "title": title,
            "created_at": now,
            "age_as_of": dates[2],
            "ideas_open_at": dates[0],
            "review_at": dates[1],
            "voting_opens_at": dates[2],
            "voting_closes_at": dates[3],
            "delivery_at": dates[4],
            **extra,
        }
    )


async def load_budgets(session: AsyncSession, ctx: DemoContext) -> None:
    now = demo_now()  # round local times, never after now
    worker = ctx.staff.get(Role.YOUTH_WORKER)
    secret = ctx.settings.secret_key
    current = _process(
        "youth-fund-2027",
        "Fernbridge Youth Fund 2027",
        now,
        (-40, -20, -2, 19, 60),
        description="£50,000 for projects chosen by young people aged 11 to 25 who live, study or work in Fernbridge.",
        total=50_000,
        ballot_type=BallotType.KNAPSACK,
        min_share_percent=50,
        rule=TallyRule.GREEDY,
    )
    await service.create_process(session, current, [], actor=worker, now=now)
    for n, (title, body, cost) in enumerate(NOW_PROJECTS):
        idea = BudgetIdea(
            process_id=row_id(current),
            title=title,
            body=body,
            first_name=["Amira", "Josh", "Mei", "Tom"][n % 4],
            age_band=["14-16", "11-13", "17-19", "20-25"][n % 4],
            status=IdeaStatus.PUBLISHED,
            created_at=now - timedelta(days=35 - n),
        )
        await service.submit_idea(session, idea)
        proposal = await service.create_proposal(
            session,
            current,
            title=title,
            summary=body,
            area_id=None,
            idea_ids=[row_id(idea)],
            actor=worker,
            now=now,
        )
        await service.assess_proposal(
            session,
            proposal,
            cost=cost,
            feasibility=Feasibility.FEASIBLE,
            reason="Costed with the parks and youth services teams.",
            actor=worker,
            now=now,
        )
    unfeasible = await service.create_proposal(
        session,
        current,
        title="Indoor ski slope",
        summary="A small indoor ski slope in the town centre.",
        area_id=None,
        idea_ids=[],
        actor=worker,
        now=now,
    )
    await service.assess_proposal(
        session,
        unfeasible,
        cost=2_000_000,
        feasibility=Feasibility.UNFEASIBLE,
        reason="It would cost about £2 million, far more than this budget.",
        actor=worker,
        now=now,
    )
    await service.submit_idea(
        session,
        BudgetIdea(
            process_id=row_id(current),
            title="More benches by the river",
            body="Benches near the bandstand.",
            status=IdeaStatus.PENDING,
            created_at=now,
        ),
    )
    _, demo_codes = await service_codes.create_batch(
        session,
        current,
        actor=worker,
        secret=secret,
        label="Demo: Fernbridge Academy Year 9",
        size=8,
        area_id=None,
        age_band="14-16",
        now=now,
    )

    last = _process(
        "youth-fund-2026",
        "Fernbridge Youth Fund 2026",
        now,
        (-400, -370, -350, -330, -300),
        description="Last year's £40,000 fund, split between the north and centre of the borough.",
        total=0,
        ballot_type=BallotType.APPROVAL,
        min_choices=1,
        max_choices=3,
        rule=TallyRule.MES,
    )
    await service.create_process(
        session,
        last,
        [AreaLine("North", 20_000), AreaLine("Central", 20_000)],
        actor=worker,
        now=now - timedelta(days=400),
        wards=LAST_AREA_WARDS,
    )
    areas = {a.name: a for a in await service.areas_of(session, row_id(last))}
    proposals = []
    for title, cost, area in LAST_PROJECTS:
        p = await service.create_proposal(
            session,
            last,
            title=title,
            summary=title + ".",
            area_id=areas[area].id,
            idea_ids=[],
            actor=worker,
            now=now,
        )
        await service.assess_proposal(
            session, p, cost=cost, feasibility=Feasibility.FEASIBLE, reason="Costed.", actor=worker, now=now
        )
        proposals.append((p, area))
    rnd = random.Random(2026)
    for i in range(140):
        area = "North" if i % 2 else "Central"
        mine = [p for p, a in proposals if a == area]
        chosen = rnd.sample(mine, rnd.randint(1, 3))
        await service_voting.store_ballot(
            session,
            process_id=row_id(last),
            area_id=areas[area].id,
            age_band=rnd.choice(["11-13", "14-16", "14-16", "17-19"]),
            channel=Channel.PAPER if i % 5 == 0 else Channel.ONLINE,
            choices=[row_id(p) for p in chosen],
            secret=secret if i % 5 else None,
        )
    result = await service_results.compute(session, last, actor=worker, now=now - timedelta(days=329))
    assert worker is not None
    funded = await service_results.publish(session, result, last, actor=worker, now=now - timedelta(days=329))
    for k, proposal in enumerate(funded):
        status = DeliveryStatus.DONE if k % 2 == 0 else DeliveryStatus.IN_PROGRESS
        await service.post_delivery_update(
            session,
            proposal,
            owner="Fernbridge Youth Service",
            status=DeliveryStatus.IN_PROGRESS,
            percent=30,
            text="Supplier chosen and work scheduled.",
            actor=worker,
            now=now - timedelta(days=250),
        )
        await service.post_delivery_update(
            session,
            proposal,
            owner="Fernbridge Youth Service",
            status=status,
            percent=100 if k % 2 == 0 else 70,
            text="Finished and open to everyone." if k % 2 == 0 else "Work is under way.",
            actor=worker,
            now=now - timedelta(days=60),
        )
    print("\nYouth budgets: voting codes for 'Fernbridge Youth Fund 2027' (demo, shown only this once):")
    print("  " + "  ".join(demo_codes))
    print("  Vote at /budgets/youth-fund-2027/vote\n")
