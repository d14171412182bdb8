"""Journeys over HTTP for youth workers: ideas to proposals, paper ballots, results and delivery."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select

from civic.budgets.models import BudgetBallot, Channel
from civic.core.audit import AuditEntry
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.outbox import OutboxMessage
from civic.core.users import Role
from tests.budgets.conftest import Budget, create_budget
from tests.budgets.test_voting_journeys import issue_codes, vote
from tests.conftest import PASSWORD, StaffFactory
from tests.support.web import WebClient


async def test_amira_shares_an_idea_and_a_youth_worker_turns_it_into_a_costed_proposal(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock
) -> None:
    fund = await create_budget(db, "ideas-fund", offsets=(-1, 5, 10, 20, 40))
    form = await another_web.get(f"/budgets/{fund.slug}/ideas/new")
    assert form.status_code == 200
    bad = await another_web.post_form(
        f"/budgets/{fund.slug}/ideas/new", {"title": "", "body": "x", "email": "nope"}
    )
    assert bad.status_code == 422 and "govuk-error-summary" in bad.text
    sent = await another_web.post_form(
        f"/budgets/{fund.slug}/ideas/new",
        {
            "title": "Benches by the river",
            "body": "Near the bandstand",
            "first_name": "Amira",
            "age_band": "14-16",
            "email": "amira@example.com",
        },
    )
    assert sent.status_code == 200 and "Thank you for your idea" in sent.text
    assert (
        "Benches by the river" not in (await another_web.get(f"/budgets/{fund.slug}/ideas")).text
    )  # moderated first
    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    queue = await web.get(f"/budgets/staff/{fund.slug}/ideas")
    assert "Benches by the river" in queue.text and "wants updates" in queue.text
    async with db.reading() as session:
        from civic.budgets.models import BudgetIdea

        idea = (
            await session.exec(select(BudgetIdea).where(BudgetIdea.title == "Benches by the river"))
        ).one()
    assert (
        await web.post_form(f"/budgets/staff/{fund.slug}/ideas/{idea.id}", {"decision": "publish"})
    ).status_code == 303
    shown = await another_web.get(f"/budgets/{fund.slug}/ideas")
    assert (
        "Benches by the river" in shown.text
        and "Amira" in shown.text
        and "amira@example.com" not in shown.text
    )
    made = await web.post_form(
        f"/budgets/staff/{fund.slug}/proposals",
        {"title": "River benches", "summary": "Four benches", "ideas": [str(idea.id)]},
    )
    assert made.status_code == 303 and made.headers["location"].endswith("/proposals/5")
    refused = await web.post_form(
        f"/budgets/staff/{fund.slug}/proposals/5", {"cost": "0", "feasibility": "unfeasible", "reason": ""}
    )
    assert refused.status_code == 422
    assessed = await web.post_form(
        f"/budgets/staff/{fund.slug}/proposals/5",
        {"cost": "90000", "feasibility": "unfeasible", "reason": "The river bank is private land."},
    )
    assert assessed.status_code == 303
    public = await another_web.get(f"/budgets/{fund.slug}/proposals")
    assert (
        "River benches" in public.text and "private land" in public.text and "Cannot go ahead" in public.text
    )
    data = (await another_web.get(f"/budgets/{fund.slug}/proposals.json")).json()
    assert data["licence"] == "Open Government Licence v3.0"
    assert {"number": 5, "feasibility": "unfeasible"}.items() <= next(
        r for r in data["data"] if r["number"] == 5
    ).items()
    assert "email" not in json.dumps(data)


async def test_ideas_cannot_be_sent_outside_the_ideas_phase(another_web: WebClient, budget: Budget) -> None:
    response = await another_web.post_form(
        f"/budgets/{budget.slug}/ideas/new", {"title": "Late", "body": "Too late"}
    )
    assert response.status_code == 403


async def test_two_staff_double_enter_paper_ballots_settle_a_mismatch_and_count_them(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, budget: Budget, db: Database
) -> None:
    first, second = await make_staff(Role.YOUTH_WORKER), await make_staff(Role.YOUTH_WORKER)
    await web.login(first.email, PASSWORD)
    made = await web.post_form(
        f"/budgets/staff/{budget.slug}/paper", {"label": "Riverside club ballot box", "sheets": "3"}
    )
    assert made.status_code == 303
    url = made.headers["location"]
    # proposal numbers: 1 skate park £18,000, 2 studio £9,500, 3 football £6,000, 4 art £4,500
    assert (await web.post_form(url + "/entry", {"lines": "1, 2\n3\n4"})).status_code == 303
    same_person = await web.post_form(url + "/entry", {"lines": "1,2\n3\n4"})
    assert same_person.status_code == 422 and "different person" in same_person.text
    await another_web.login(second.email, PASSWORD)
    files = {"file": ("box.csv", b"sheet,choices\n1,1 2\n2,3 4\n3,4\n", "text/csv")}
    token = await another_web.csrf_token()
    uploaded = await another_web.http.post(url + "/entry", data={"csrf_token": token}, files=files)
    assert uploaded.status_code == 303, uploaded.text
    page = await another_web.get(url)
    assert "Differs" in page.text and "Sheet 2: entry 1 says “3”, entry 2 says “3,4”" in page.text
    early = await another_web.post_form(url + "/count")
    assert early.status_code == 422 and "every difference settled" in early.text
    assert (
        await another_web.post_form(url + "/resolve", {"sheet": "2", "choices": "3 4"})
    ).status_code == 303
    assert (await another_web.post_form(url + "/count")).status_code == 303
    async with db.reading() as session:
        ballots = (await session.exec(select(BudgetBallot))).all()
    assert len(ballots) == 3 and all(b.channel == Channel.PAPER and b.receipt_hash is None for b in ballots)
    # A counted bundle stays counted: a second count or a late settlement changes nothing.
    twice = await web.post_form(url + "/count")
    assert twice.status_code == 422 and "already been counted" in twice.text
    late = await web.post_form(url + "/resolve", {"sheet": "2", "choices": "3"})
    assert late.status_code == 422 and "already been counted" in late.text
    async with db.reading() as session:
        assert len((await session.exec(select(BudgetBallot))).all()) == 3


async def test_results_are_counted_published_and_delivered_and_followers_are_told(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock
) -> None:
    from civic.budgets import service
    from civic.budgets.models import BudgetIdea

    fund = await create_budget(db, "results-fund", total=25_000)
    async with db.transaction() as session:
        await service.submit_idea(
            session,
            BudgetIdea(
                process_id=row_id(fund.process),
                title="Lights",
                body="b",
                email="follower@example.com",
                created_at=clock.now(),
            ),
        )
    codes = await issue_codes(web, make_staff, fund.slug, size=6)
    p = fund.proposals
    for code, choice in zip(codes, [[0, 3], [0, 3], [0, 2], [1], [1, 2], [3]], strict=True):
        another_web.http.cookies.clear()
        await vote(another_web, fund.slug, code, [p[i].id for i in choice])  # type: ignore[misc]
    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    assert (
        await web.post_form(f"/budgets/staff/{fund.slug}/results/compute")
    ).status_code == 403  # still voting
    clock.advance(timedelta(days=11))
    await web.login(worker.email, PASSWORD)  # the staff session timed out while voting ran
    override = await web.post_form(
        f"/budgets/staff/{fund.slug}/proposals/3/override", {"override_reason": "The football club withdrew."}
    )
    assert override.status_code == 303
    assert (await web.post_form(f"/budgets/staff/{fund.slug}/results/compute")).status_code == 303
    assert "not been published" in (await another_web.get(f"/budgets/{fund.slug}/results")).text
    assert (await another_web.get(f"/budgets/{fund.slug}/results.json")).status_code == 404
    admin_page = await web.get(f"/budgets/staff/{fund.slug}/results")
    assert "Publish these results" in admin_page.text, admin_page.text[-3000:]
    result_id = admin_page.text.split("/publish")[0].rsplit("/results/", 1)[1]
    assert (await web.post_form(f"/budgets/staff/{fund.slug}/results/{result_id}/publish")).status_code == 303
    assert (await web.post_form(f"/budgets/staff/{fund.slug}/results/{result_id}/publish")).status_code == 409
    page = await another_web.get(f"/budgets/{fund.slug}/results")
    # votes: 1 skate 3, 4 art 3, 2 studio 2, 3 football (left out); greedy with £25,000:
    # art (£4,500, cheaper on the tie) then skate (£18,000) = £22,500; studio (£9,500) does not fit
    assert "The football club withdrew." in page.text, page.text[page.text.find("<main") :][:3000]
    assert "6 ballots in all" in page.text
    data = (await another_web.get(f"/budgets/{fund.slug}/results.json")).json()["data"]
    funded = sorted(r["project"] for r in data["projects"] if r["funded"])
    assert funded == [1, 4]
    csv_text = (await another_web.get(f"/budgets/{fund.slug}/results.csv")).text
    assert csv_text.startswith("area,project,title,cost,votes,funded,stage,explanation")
    pb = (await another_web.get(f"/budgets/{fund.slug}/ballots.pb")).text
    assert "VOTES" in pb and pb.count("\n") > 10 and "follower" not in pb
    from civic.budgets import pabulib
    from civic.budgets.tally import tally

    parsed = pabulib.parse(pb)
    assert len(parsed.ballots) == 6
    assert sorted(
        tally(parsed.tally_projects(), parsed.budget, parsed.ballots, excluded={"3": "withdrawn"}).selected
    ) == ["1", "4"]
    everything = (await another_web.get("/budgets/results.json")).json()["data"]
    assert {r["budget"] for r in everything} == {"results-fund"} and len(everything) == 4
    assert (await another_web.get("/budgets/proposals.csv")).text.startswith(
        "budget,number,title,area,cost,feasibility,reason"
    )
    assert (await another_web.get("/budgets/nothing.json")).status_code == 404
    hub = await another_web.get("/data")
    assert "Youth budget results" in hub.text and "/budgets/delivery.csv" in hub.text
    # delivery
    update = await web.post_form(
        f"/budgets/staff/{fund.slug}/proposals/1/delivery",
        {"owner": "Parks team", "status": "in_progress", "percent": "40", "text": "Lights ordered."},
    )
    assert update.status_code == 303
    delivery = await another_web.get(f"/budgets/{fund.slug}/delivery")
    assert "Lights ordered." in delivery.text and "40% done" in delivery.text
    rows = (await another_web.get(f"/budgets/{fund.slug}/delivery.json")).json()["data"]
    assert {r["project"] for r in rows} == {1, 4}
    async with db.reading() as session:
        mail = (
            await session.exec(
                select(OutboxMessage).where(OutboxMessage.to_address == "follower@example.com")
            )
        ).all()
        audit = (await session.exec(select(AuditEntry.action).where(AuditEntry.public))).all()
    assert sorted(m.subject for m in mail) == ["Results: Results Fund", "Update on Skate park lights"]
    assert {"budgets.override", "budgets.results_published", "budgets.delivery_update"} <= set(audit)


async def test_staff_pages_need_a_youth_worker(
    web: WebClient, make_staff: StaffFactory, budget: Budget
) -> None:
    assert (await web.get(f"/budgets/staff/{budget.slug}")).status_code == 303
    police = await make_staff(Role.POLICE)
    await web.login(police.email, PASSWORD)
    assert (await web.get(f"/budgets/staff/{budget.slug}/codes")).status_code == 403


async def test_a_youth_worker_creates_a_process_with_areas_and_moves_its_phases(
    web: WebClient, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    assert (await web.get("/budgets/staff/new")).status_code == 200
    form = {
        "title": "Schools Fund 2027",
        "description": "For schools",
        "total": "0",
        "areas": "Northgate School: 5000\nRiverside College: 7,000",
        "ballot_type": "approval",
        "rule": "mes",
        "min_choices": "1",
        "max_choices": "3",
        "min_share_percent": "0",
        "age_min": "11",
        "age_max": "18",
        "ideas_open_at": "2026-12-01T09:00",
        "review_at": "2027-01-01T09:00",
        "voting_opens_at": "2027-02-01T09:00",
        "voting_closes_at": "2027-02-15T17:00",
        "delivery_at": "2027-04-01T09:00",
    }
    made = await web.post_form("/budgets/staff/new", form)
    assert made.status_code == 303 and made.headers["location"] == "/budgets/staff/schools-fund-2027"
    page = await web.get("/budgets/schools-fund-2027")
    assert "£12,000" in page.text and "Northgate School: £5,000" in page.text and "Starting soon" in page.text
    backwards = await web.post_form(
        "/budgets/staff/schools-fund-2027/phases", {**form, "review_at": "2026-11-01T09:00"}
    )
    assert backwards.status_code == 422
    moved = await web.post_form(
        "/budgets/staff/schools-fund-2027/phases", {**form, "ideas_open_at": "2026-11-20T09:00"}
    )
    assert moved.status_code == 303
    assert "Sharing ideas" in (await web.get("/budgets/schools-fund-2027")).text
    duplicate = await web.post_form("/budgets/staff/new", form)
    assert duplicate.status_code == 422


async def test_follower_emails_are_forgotten_two_years_after_delivery_starts(
    db: Database, clock: FrozenClock
) -> None:
    from civic.budgets import service
    from civic.budgets.jobs import forget_emails
    from civic.budgets.models import BudgetIdea

    fund = await create_budget(db, "old-fund")
    async with db.transaction() as session:
        await service.submit_idea(
            session,
            BudgetIdea(
                process_id=row_id(fund.process),
                title="t",
                body="b",
                email="a@example.com",
                created_at=clock.now(),
            ),
        )
        assert await forget_emails(session, now=clock.now()) == 0
        assert await forget_emails(session, now=clock.now() + timedelta(days=40 + 731)) == 1


async def test_published_results_await_a_response_from_the_youth_service(
    db: Database, clock: FrozenClock
) -> None:
    from civic.budgets import answers, service_results
    from civic.responses.queries_targets import all_awaiting, load_target

    fund = await create_budget(db, "answer-fund", offsets=(-40, -30, -20, -1, 30))
    async with db.transaction() as session:
        assert await answers.awaiting(session, clock.now()) == []
        result = await service_results.compute(session, fund.process, actor=None, now=clock.now())
        result.published_at = clock.now()
        session.add(result)
        await session.flush()
        info = await load_target(session, "youth_budget", str(fund.process.id))
        assert (
            info is not None
            and info.body_slug == "youth-service"
            and info.due_at == clock.now() + timedelta(days=28)
        )
        assert [t.id for t in await all_awaiting(session, clock.now()) if t.kind == "youth_budget"] == [
            str(fund.process.id)
        ]
