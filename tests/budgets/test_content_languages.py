"""Youth workers' words in two languages: a budget's title and description and each project's title,
summary and reason are written in English with Welsh versions, shown in the reader's language, required
before voting opens when the council publishes in every language, audited and carried by open data."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlmodel import select

from civic.budgets import notify
from civic.budgets.models import BudgetDeliveryUpdate, BudgetIdea, DeliveryStatus
from civic.core.audit import AuditEntry
from civic.core.content_languages import save
from civic.core.db import Database, row_id
from civic.core.outbox import OutboxMessage
from civic.core.state import app_state
from civic.core.users import Role
from tests.budgets.conftest import Budget
from tests.budgets.test_voting_journeys import issue_codes
from tests.conftest import PASSWORD, START, StaffFactory
from tests.support.web import WebClient

FORM = {
    "title": "Schools Fund 2027",
    "title__cy": "Cronfa Ysgolion 2027",
    "description": "For schools",
    "description__cy": "Ar gyfer ysgolion",
    "total": "10000",
    "areas": "",
    "ballot_type": "approval",
    "rule": "greedy",
    "min_choices": "1",
    "max_choices": "2",
    "min_share_percent": "0",
    "age_min": "11",
    "age_max": "18",
    "ideas_open_at": "2026-11-20T09:00",
    "review_at": "2026-11-21T09:00",
    "voting_opens_at": "2026-12-01T09:00",
    "voting_closes_at": "2026-12-15T17:00",
    "delivery_at": "2027-04-01T09:00",
}
STAFF = "/budgets/staff/schools-fund-2027"
PUBLIC = "/budgets/schools-fund-2027"


async def make_fund(web: WebClient, make_staff: StaffFactory) -> None:
    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    assert 'name="title__cy"' in (await web.get("/budgets/staff/new")).text
    assert (await web.post_form("/budgets/staff/new", FORM)).status_code == 303
    made = await web.post_form(
        f"{STAFF}/proposals",
        {"title": "Skate park", "summary": "Ramps", "title__cy": "Parc sglefrio", "summary__cy": "Rampiau"},
    )
    assert made.status_code == 303
    assert (
        await web.post_form(f"{STAFF}/proposals", {"title": "Gaming club", "summary": "Consoles"})
    ).status_code == 303
    for number, extra in ((1, {"reason__cy": "Wedi'i gostio", "title__cy": "Parc sglefrio", "summary__cy": "Rampiau"}),
                          (2, {})):  # fmt: skip
        data = {"cost": "4000", "feasibility": "feasible", "reason": "Costed", **extra}
        assert (await web.post_form(f"{STAFF}/proposals/{number}", data)).status_code == 303


def require_every_language(app: Any) -> None:
    state = app_state(app)
    state.settings = dataclasses.replace(state.settings, publish_in_all_languages=True)


async def test_a_welsh_reader_sees_the_welsh_versions_and_is_told_what_exists_only_in_english(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, db: Database
) -> None:
    await make_fund(web, make_staff)
    assert "Parc sglefrio" in (await web.get(f"{STAFF}/proposals/1")).text  # the boxes show the version

    english = (await another_web.get(f"{PUBLIC}/proposals?lang=en")).text
    assert "Skate park" in english and "Parc sglefrio" not in english and "civic-only-in" not in english
    welsh = (await another_web.get(f"{PUBLIC}/proposals?lang=cy")).text
    assert "Parc sglefrio" in welsh and "Rampiau" in welsh and "Wedi&#39;i gostio" in welsh
    assert "Skate park" not in welsh
    assert '<span lang="en">Gaming club</span>' in welsh and welsh.count("civic-only-in") == 1
    process = (await another_web.get(PUBLIC)).text  # the cookie keeps Welsh
    assert "Cronfa Ysgolion 2027</h1>" in process and "Ar gyfer ysgolion" in process
    assert "civic-only-in" not in process

    data = (await another_web.get(f"{PUBLIC}/proposals.json")).json()["data"]
    skate, gaming = sorted(data, key=lambda r: r["number"])
    assert (skate["title_cy"], skate["summary_cy"], skate["reason_cy"]) == (
        "Parc sglefrio",
        "Rampiau",
        "Wedi'i gostio",
    )
    assert gaming["title_cy"] is None
    csv = (await another_web.get(f"{PUBLIC}/proposals.csv")).text
    assert csv.splitlines()[0].endswith("reason,title_cy,summary_cy,reason_cy")
    every = (await another_web.get("/budgets/proposals.json")).json()["data"]
    assert {r["title_cy"] for r in every} == {"Parc sglefrio", None}

    async with db.reading() as session:
        audited = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "budgets.versions_saved"))
        ).all()
    assert sorted(a.object_type for a in audited) == ["budget_process", "budget_proposal", "budget_proposal"]


async def test_versions_longer_than_the_text_allows_are_refused_and_kept(
    web: WebClient, make_staff: StaffFactory
) -> None:
    await make_fund(web, make_staff)
    long = "P" * 121
    refused = await web.post_form(
        f"{STAFF}/proposals", {"title": "Bikes", "summary": "Bikes", "title__cy": long}
    )
    assert refused.status_code == 422
    assert "120 characters or fewer" in refused.text and long in refused.text


async def test_voting_opens_only_once_every_project_on_the_ballot_has_its_welsh_version(
    app: Any, web: WebClient, another_web: WebClient, make_staff: StaffFactory
) -> None:
    await make_fund(web, make_staff)
    require_every_language(app)
    manage = (await web.get(STAFF)).text
    assert "Add the Welsh version of the title of “Gaming club” before voting opens" in manage
    now_open = {**FORM, "voting_opens_at": "2026-11-22T09:00"}
    refused = await web.post_form(f"{STAFF}/phases", now_open)
    assert refused.status_code == 422
    assert "Add the Welsh version of the title of “Gaming club” before voting opens" in refused.text

    versions = {"cost": "4000", "feasibility": "feasible", "reason": "Costed", "title__cy": "Clwb gemau",
                "summary__cy": "Consolau", "reason__cy": "Wedi'i gostio"}  # fmt: skip
    assert (await web.post_form(f"{STAFF}/proposals/2", versions)).status_code == 303
    assert (await web.post_form(f"{STAFF}/phases", now_open)).status_code == 303
    await web.logout()

    code = (await issue_codes(web, make_staff, "schools-fund-2027", size=1))[0]
    await another_web.get(f"{PUBLIC}?lang=cy")
    entered = await another_web.post_form(f"{PUBLIC}/vote", {"code": code, "eligible": "yes"})
    assert entered.status_code == 303
    ballot = (await another_web.get(f"{PUBLIC}/ballot")).text
    assert "Clwb gemau" in ballot and "Parc sglefrio" in ballot and "Rampiau" in ballot
    assert "Gaming club" not in ballot and "civic-only-in" not in ballot


async def test_a_follower_who_shared_an_idea_in_welsh_hears_of_a_project_in_welsh(
    app: Any, budget: Budget, db: Database
) -> None:
    skate = budget.proposals[0]
    async with db.transaction() as session:
        for lang, email in (("cy", "nia@example.com"), ("en", "tom@example.com")):
            session.add(
                BudgetIdea(
                    process_id=row_id(budget.process), title="Syniad", body="Corff", email=email, lang=lang,
                    created_at=START,
                )
            )  # fmt: skip
        await save(
            session, "budget_process", row_id(budget.process), "cy", {"title": "Cronfa Ieuenctid"}, at=START
        )
        await save(session, "budget_proposal", row_id(skate), "cy", {"title": "Parc sglefrio"}, at=START)
        update = BudgetDeliveryUpdate(
            id=1,
            proposal_id=row_id(skate),
            at=START,
            text="Ordered",
            percent=10,
            status=DeliveryStatus.IN_PROGRESS,
        )
        await notify.delivery_updated(session, app_state(app).mail, budget.process, skate, update, now=START)
    async with db.reading() as session:
        sent = {m.to_address: m for m in (await session.exec(select(OutboxMessage))).all()}
    assert "Parc sglefrio" in sent["nia@example.com"].subject
    assert "Cronfa Ieuenctid" in sent["nia@example.com"].body_text
    assert skate.title in sent["tom@example.com"].subject and "Parc" not in sent["tom@example.com"].body_text
