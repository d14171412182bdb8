"""Followers hear of the results once and of each delivery update once; every update is dated in the JSON."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlmodel import select

from civic.budgets import service
from civic.budgets.models import BudgetIdea
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.outbox import OutboxMessage
from civic.core.users import Role
from tests.budgets.conftest import create_budget
from tests.budgets.test_voting_journeys import issue_codes, vote
from tests.conftest import PASSWORD, StaffFactory
from tests.support.web import WebClient


async def mail_by_address(db: Database) -> dict[str, Counter[str]]:
    async with db.reading() as session:
        rows = (await session.exec(select(OutboxMessage))).all()
    found: dict[str, Counter[str]] = {}
    for row in rows:
        found.setdefault(row.to_address, Counter())[row.subject] += 1
    return found


async def test_followers_hear_of_the_results_once_and_of_every_delivery_update_once(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock
) -> None:
    fund = await create_budget(db, "follow-fund", total=25_000)
    async with db.transaction() as session:
        # Priya left her address with two ideas; Tom with one; Sam left none
        for title, email in [
            ("Lights", "priya@example.com"),
            ("Nets", "priya@example.com"),
            ("Art", "tom@example.com"),
            ("Bins", None),
        ]:
            idea = BudgetIdea(
                process_id=row_id(fund.process), title=title, body="b", email=email, created_at=clock.now()
            )
            await service.submit_idea(session, idea)
    codes = await issue_codes(web, make_staff, fund.slug, size=2)
    for code in codes:
        another_web.http.cookies.clear()
        await vote(another_web, fund.slug, code, [fund.proposals[0].id])  # type: ignore[list-item]
    clock.advance(timedelta(days=11))
    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    for _ in range(2):  # a count, published; then a recount, published too
        assert (await web.post_form(f"/budgets/staff/{fund.slug}/results/compute")).status_code == 303
        page = (await web.get(f"/budgets/staff/{fund.slug}/results")).text
        result_id = page.split("/publish")[0].rsplit("/results/", 1)[1]
        published = await web.post_form(f"/budgets/staff/{fund.slug}/results/{result_id}/publish")
        assert published.status_code == 303
    # two updates in the same second still make two emails
    for text in ("Lights ordered.", "Lights fitted."):
        update = await web.post_form(
            f"/budgets/staff/{fund.slug}/proposals/1/delivery",
            {"owner": "Parks team", "status": "in_progress", "percent": "50", "text": text},
        )
        assert update.status_code == 303
    rows = (await another_web.get(f"/budgets/{fund.slug}/delivery.json")).json()["data"]
    lights = next(r for r in rows if r["project"] == 1)
    assert [u["text"] for u in lights["updates"]] == ["Lights fitted.", "Lights ordered."]
    assert lights["updates"][0]["at"] == clock.now().isoformat() and lights["percent"] == 50
    csv_text = (await another_web.get(f"/budgets/{fund.slug}/delivery.csv")).text
    assert (
        csv_text.splitlines()[0]
        == "project,title,cost,owner,status,percent,latest_update,latest_update_at,title_cy"
    )
    mail = await mail_by_address(db)
    assert set(mail) == {"priya@example.com", "tom@example.com"}
    for received in mail.values():
        assert received == Counter({"Results: Follow Fund": 1, "Update on Skate park lights": 2})


async def test_the_results_email_opens_with_the_plain_summary_of_the_results_page(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock
) -> None:
    fund = await create_budget(db, "plain-fund", total=25_000)
    async with db.transaction() as session:
        idea = BudgetIdea(
            process_id=row_id(fund.process),
            title="Lights",
            body="b",
            email="ana@example.com",
            created_at=clock.now(),
        )
        await service.submit_idea(session, idea)
    for code in await issue_codes(web, make_staff, fund.slug, size=2):
        another_web.http.cookies.clear()
        await vote(another_web, fund.slug, code, [fund.proposals[0].id])  # type: ignore[list-item]
    clock.advance(timedelta(days=11))
    await web.login((await make_staff(Role.YOUTH_WORKER)).email, PASSWORD)
    assert (await web.post_form(f"/budgets/staff/{fund.slug}/results/compute")).status_code == 303
    page = (await web.get(f"/budgets/staff/{fund.slug}/results")).text
    result_id = page.split("/publish")[0].rsplit("/results/", 1)[1]
    assert (await web.post_form(f"/budgets/staff/{fund.slug}/results/{result_id}/publish")).status_code == 303
    async with db.reading() as session:
        body = (await session.exec(select(OutboxMessage.body_text))).one()
    results = (await another_web.get(f"/budgets/{fund.slug}/results")).text
    # two ballots: the count is shown by the small-count rule, in the email as on the page
    sentence = "Fewer than 5 young people voted. There was £25,000 to spend."
    assert sentence in " ".join(body.split())
    assert "Fewer than 5 young people voted." in results
    assert results.index("What happened, in short") < results.index("How the votes were counted")
