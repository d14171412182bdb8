"""The pseudo-locale guard over the youth workers' pages: the list of budgets, starting one, its overview
and phases, idea moderation, proposals, voting codes, paper ballots typed in twice and the count, with
their form errors, rendered with every message accented, show no plain English word beyond names and
what people wrote."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from civic.budgets import service
from civic.budgets.models import BudgetIdea
from civic.config import Settings
from civic.core.areas import list_wards
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.users import Role
from tests.budgets.conftest import PROJECTS, create_budget
from tests.conftest import PASSWORD, START, StaffFactory, make_settings
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")
TITLES = tuple(title for title, _ in PROJECTS)
STAFF_NAME = "Rhian Evans"
# The layout's "signed in as" line names the account's role in English (the role's label is also what
# the audit log records); the layout is not one of these pages, so the role name counts as data here.
ROLES = tuple(role.label for role in Role)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


async def data_of(db: Database, settings: Settings, *values: str) -> tuple[str, ...]:
    """What is data on these pages: names (the council's, the staff member's, the wards'), what youth
    workers and young people wrote (titles, summaries, reasons, ideas, bundle labels), age bands."""
    async with db.reading() as session:
        wards = tuple(w.name for w in await list_wards(session))
    summaries = (*(f"About {title}" for title in TITLES), "Costed")
    bands = ("11-13", "14-16", "17-19", "20-25")
    return (settings.council_name, settings.council_short_name, STAFF_NAME, *ROLES, *wards, *TITLES, *summaries,
            *bands, *values)  # fmt: skip


def check(html: str, data: tuple[str, ...], where: str) -> None:
    words = page_words(html, data)
    assert words == [], (where, sorted(set(words)))


async def sign_in(web: WebClient, make_staff: StaffFactory) -> None:
    worker = await make_staff(Role.YOUTH_WORKER, name=STAFF_NAME)
    await web.get(f"/?lang={PSEUDO}")  # the cookie keeps the pseudo-locale from here on
    await web.login(worker.email, PASSWORD)


async def test_starting_a_budget_and_its_ideas_and_proposals_have_no_untranslated_english(
    web: WebClient, db: Database, make_staff: StaffFactory, settings: Settings
) -> None:
    fund = await create_budget(db, "ideas-fund", areas=[("North", 20_000), ("South", 10_000)],
                               offsets=(-10, -1, 10, 20, 40))  # fmt: skip
    async with db.transaction() as session:
        for title, email in (("Benches by the river", "amira@example.com"), ("Bike racks", None)):
            await service.submit_idea(session, BudgetIdea(process_id=row_id(fund.process), title=title,
                                      body="Near the bandstand", first_name="Amira", age_band="14-16",
                                      email=email, created_at=START))  # fmt: skip
    data = await data_of(db, settings, "Ideas Fund", "North", "South", "Benches by the river", "Bike racks",
                         "Near the bandstand", "Amira", "Not here", "nonsense")  # fmt: skip
    await sign_in(web, make_staff)
    async with db.reading() as session:
        ideas = (await session.exec(select(BudgetIdea).order_by(BudgetIdea.id))).all()  # type: ignore[arg-type]
    slug = fund.slug
    for idea, decision in zip(ideas, ("publish", "reject"), strict=True):
        sent = await web.post_form(f"/budgets/staff/{slug}/ideas/{idea.id}",
                                   {"decision": decision, "reason": "Not here"})  # fmt: skip
        assert sent.status_code == 303
    for path in ("/budgets/staff", "/budgets/staff/new", f"/budgets/staff/{slug}", f"/budgets/staff/{slug}/ideas",
                 f"/budgets/staff/{slug}/proposals", f"/budgets/staff/{slug}/proposals/1",
                 f"/budgets/staff/{slug}/codes", f"/budgets/staff/{slug}/paper",
                 f"/budgets/staff/{slug}/results"):  # fmt: skip
        response = await web.get(path)
        assert response.status_code == 200, path
        assert "⟦" in response.text, path
        check(response.text, data, path)
    refusals = {
        "/budgets/staff/new": {"title": "", "total": "lots", "ballot_type": "x", "rule": "x", "min_choices": "9",
                               "max_choices": "2", "areas": "nonsense", "ideas_open_at": "soon"},
        f"/budgets/staff/{slug}/phases": {"ideas_open_at": "2027-03-01T09:00", "review_at": "2027-02-01T09:00",
                                          "voting_opens_at": "2027-04-01T09:00", "voting_closes_at": "2027-05-01T09:00",
                                          "delivery_at": "2027-06-01T09:00"},
        f"/budgets/staff/{slug}/proposals": {"title": "", "summary": "", "area_id": "0"},
        f"/budgets/staff/{slug}/proposals/1": {"cost": "0", "feasibility": "feasible", "reason": ""},
        f"/budgets/staff/{slug}/proposals/1/override": {"override_reason": ""},
        f"/budgets/staff/{slug}/codes": {"label": "", "size": "0", "area_id": "0", "format": "cards"},
        f"/budgets/staff/{slug}/codes/void": {"code": "ABCD-EFGH-JKMN"},
    }  # fmt: skip
    for path, form in refusals.items():
        refused = await web.post_form(path, form)
        assert refused.status_code == 422, path
        check(refused.text, data, f"{path} refused")
    closed = await web.post_form(f"/budgets/staff/{slug}/paper", {"label": "Box", "sheets": "3"})
    assert closed.status_code == 403  # paper ballots come with voting
    check(closed.text, data, "paper before voting")
    for second in ({"areas": "North: 100: Nowhere"}, {"areas": "North: 100: Abbey\nSouth: 100: Abbey"}):
        refused = await web.post_form("/budgets/staff/new", {"title": "Another", **second})
        assert refused.status_code == 422
        check(refused.text, (*data, "Nowhere", "Another"), f"areas {second}")


async def test_paper_ballots_codes_results_and_delivery_have_no_untranslated_english(
    web: WebClient, another_web: WebClient, db: Database, make_staff: StaffFactory, settings: Settings,
    clock: FrozenClock,
) -> None:  # fmt: skip
    fund = await create_budget(db, "youth-fund")  # voting is open
    slug = fund.slug
    data = await data_of(db, settings, "Youth Fund", "Riverside club ballot box", "Northgate Academy Year 9")
    await sign_in(web, make_staff)
    made = await web.post_form(
        f"/budgets/staff/{slug}/paper", {"label": "Riverside club ballot box", "sheets": "3"}
    )
    url = made.headers["location"]
    check((await web.get(url)).text, data, "empty bundle")
    assert (await web.post_form(url + "/entry", {"lines": "1, 2\n3\n4"})).status_code == 303
    check((await web.get(url)).text, data, "one entry")
    refused = await web.post_form(f"/budgets/staff/{slug}/paper", {"label": "", "sheets": "0"})
    assert refused.status_code == 422
    check(refused.text, data, "bundle refused")
    same_person = await web.post_form(url + "/entry", {"lines": "1,2\n3\n4"})
    assert same_person.status_code == 422
    check(same_person.text, data, "same person")
    second = await make_staff(Role.YOUTH_WORKER, name=STAFF_NAME)
    await another_web.get(f"/?lang={PSEUDO}")
    await another_web.login(second.email, PASSWORD)
    assert (await another_web.post_form(url + "/entry", {"lines": "1, 2\n3, 4\n4"})).status_code == 303
    page = await another_web.get(url)
    assert "⟦" in page.text
    check(page.text, data, "differences")
    refusals = [("/entry", {"lines": "1\n2"}), ("/entry", {"lines": "1\nx\n3"}), ("/entry", {"lines": "1\n2\n3"}),
                ("/resolve", {"sheet": "1", "choices": "1"})]  # fmt: skip
    for action, form in refusals:
        refused = await another_web.post_form(url + action, form)
        assert refused.status_code == 422, form
        check(refused.text, data, f"{action} {form}")
    for csv_text in (b"a,b\n1,2\n", b"sheet,choices\n9,1\n", b"sheet,choices\n1,1\n"):
        token = await another_web.csrf_token()
        files = {"file": ("box.csv", csv_text, "text/csv")}
        uploaded = await another_web.http.post(url + "/entry", data={"csrf_token": token}, files=files)
        assert uploaded.status_code == 422, csv_text
        check(uploaded.text, data, f"csv {csv_text!r}")
    early = await another_web.post_form(url + "/count")
    assert early.status_code == 422
    check(early.text, data, "count too early")
    await another_web.post_form(url + "/resolve", {"sheet": "2", "choices": "3 4"})
    check((await another_web.get(url)).text, data, "ready to count")
    assert (await another_web.post_form(url + "/count")).status_code == 303
    check((await another_web.get(url)).text, data, "counted")
    check((await web.get(f"/budgets/staff/{slug}/paper")).text, data, "bundles")
    await web.post_form(f"/budgets/staff/{slug}/codes", {"label": "Northgate Academy Year 9", "size": "2",
                                                       "format": "cards"})  # fmt: skip
    for path in (f"/budgets/staff/{slug}/codes", f"/budgets/staff/{slug}/results",
                 f"/budgets/staff/{slug}/proposals", f"/budgets/staff/{slug}/proposals/1"):  # fmt: skip
        check((await web.get(path)).text, data, path)
    refused = await web.post_form(f"/budgets/staff/{slug}/results/compute")
    assert refused.status_code == 403
    check(refused.text, data, "count while voting")
    clock.advance(timedelta(days=11))
    await web.login(second.email, PASSWORD)
    assert (await web.post_form(f"/budgets/staff/{slug}/results/compute")).status_code == 303
    results = await web.get(f"/budgets/staff/{slug}/results")
    check(results.text, data, "counted results")
    result_id = results.text.split("/publish")[0].rsplit("/results/", 1)[1]
    assert (await web.post_form(f"/budgets/staff/{slug}/results/{result_id}/publish")).status_code == 303
    twice = await web.post_form(f"/budgets/staff/{slug}/results/{result_id}/publish")
    assert twice.status_code == 409
    check(twice.text, data, "published twice")
    clock.advance(timedelta(days=30))
    await web.login(second.email, PASSWORD)
    delivery = await web.get(f"/budgets/staff/{slug}/proposals/4")  # the most votes: funded
    assert "/delivery" in delivery.text
    check(delivery.text, data, "delivery form")
    refused = await web.post_form(
        f"/budgets/staff/{slug}/proposals/4/delivery", {"text": "", "percent": "200"}
    )
    assert refused.status_code == 422
    check(refused.text, data, "delivery refused")
