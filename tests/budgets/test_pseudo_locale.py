"""The pseudo-locale guard over youth budgets: every public page a young person sees (the process, its
ideas and projects, the code page, the ballot with its running total, the check page, the receipt, the
results with their explanations and turnout, delivery), their form errors, and the followers' emails,
rendered with every message accented, show no plain English word beyond names and what people wrote.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from civic.budgets.models import BudgetIdea, Channel, DeliveryStatus
from civic.budgets.service_results import EXPLANATIONS
from civic.config import Settings
from civic.core.state import app_state
from tests.budgets.conftest import PROJECTS, Budget, create_budget
from tests.budgets.test_results_page import publish
from tests.budgets.test_voting_journeys import issue_codes
from tests.conftest import START, StaffFactory, make_settings
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import english_words, page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")
TITLES = tuple(title for title, _ in PROJECTS)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


def data_of(settings: Settings, budget_title: str, *values: str) -> tuple[str, ...]:
    """What is data on these pages: names, the process's title and description, project titles and
    summaries (written by youth workers), age bands."""
    summaries = (*(f"About {title}" for title in TITLES), "Costed")
    return (settings.council_name, settings.council_short_name, budget_title, *TITLES, *summaries, *values)


def check(html: str, data: tuple[str, ...], where: str) -> None:
    words = page_words(html, data)
    assert words == [], (where, sorted(set(words)))


async def test_the_voting_journey_has_no_untranslated_english(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, budget: Budget, settings: Settings
) -> None:
    codes = await issue_codes(web, make_staff, budget.slug, size=2)
    voter, slug = another_web, budget.slug
    data = data_of(
        settings, budget.process.title, budget.process.description, "ABCD-EFGH-JKMN", "K7MPD-2QX9R"
    )
    await voter.get(f"/?lang={PSEUDO}")  # the cookie keeps the pseudo-locale from here on
    for path in ("/budgets/", f"/budgets/{slug}", f"/budgets/{slug}/ideas", f"/budgets/{slug}/proposals",
                 f"/budgets/{slug}/vote", f"/budgets/{slug}/vote?expired=1", f"/budgets/{slug}/receipt",
                 f"/budgets/{slug}/results", f"/budgets/{slug}/delivery"):  # fmt: skip
        response = await voter.get(path)
        assert response.status_code in {200, 404}, path
        check(response.text, data, path)
    for form in ({}, {"code": "WRONG-CODE0"}):  # the code page's errors
        refused = await voter.post_form(f"/budgets/{slug}/vote", form)
        assert refused.status_code == 422
        check(refused.text, data, f"vote {form}")
    entered = await voter.post_form(f"/budgets/{slug}/vote", {"code": codes[0], "eligible": "yes"})
    assert entered.status_code == 303
    check((await voter.get(f"/budgets/{slug}/ballot")).text, data, "ballot")
    everything = [str(p.id) for p in budget.proposals]  # £38,000 of £30,000: over budget
    over = await voter.post_form(f"/budgets/{slug}/ballot", {"choice": everything, "action": "continue"})
    assert over.status_code == 422
    check(over.text, data, "ballot over budget")
    total = await voter.post_htmx(f"/budgets/{slug}/ballot/total", {"choice": everything[:1]})
    check(total.text, data, "running total")
    chosen = [str(budget.proposals[0].id), str(budget.proposals[3].id)]
    await voter.post_form(f"/budgets/{slug}/ballot", {"choice": chosen, "action": "continue"})
    check((await voter.get(f"/budgets/{slug}/check")).text, data, "check")
    assert (await voter.post_form(f"/budgets/{slug}/cast")).status_code == 303
    voted = await voter.get(f"/budgets/{slug}/voted")
    receipt = voted.text.split('id="receipt">')[1].split("<")[0]  # random letters: data
    check(voted.text, (*data, receipt), "voted")
    shown = await voter.post_form(f"/budgets/{slug}/receipt", {"receipt": receipt})
    check(shown.text, (*data, receipt), "receipt")
    for form in ({}, {"receipt": "AAAA-BBBB-CCCC"}):
        refused = await voter.post_form(f"/budgets/{slug}/receipt", form)
        assert refused.status_code == 422
        check(refused.text, data, f"receipt {form}")


async def test_ideas_pages_and_their_errors_have_no_untranslated_english(
    web: WebClient, db: Any, areas: None, settings: Settings
) -> None:
    fund = await create_budget(db, "ideas-fund", offsets=(-1, 5, 10, 20, 40))
    data = data_of(settings, fund.process.title, fund.process.description, "nope", "=x")
    await web.get(f"/?lang={PSEUDO}")
    for path in (f"/budgets/{fund.slug}", f"/budgets/{fund.slug}/ideas", f"/budgets/{fund.slug}/ideas/new"):
        check((await web.get(path)).text, data, path)
    refused = await web.post_form(
        f"/budgets/{fund.slug}/ideas/new", {"title": "", "body": "=x", "email": "nope", "age_band": "99"}
    )
    assert refused.status_code == 422
    check(refused.text, data, "idea errors")
    sent = await web.post_form(f"/budgets/{fund.slug}/ideas/new", {"title": "Benches", "body": "In the park"})
    assert sent.status_code in {200, 303}
    if sent.status_code == 303:
        sent = await web.get(sent.headers["location"])
    check(sent.text, (*data, "Benches"), "idea thanks")


async def test_the_results_and_delivery_pages_have_no_untranslated_english(
    web: WebClient, db: Any, areas: None, make_staff: StaffFactory, settings: Settings
) -> None:
    ballots = [(Channel.ONLINE, "14-16")] * 6 + [(Channel.PAPER, "11-13")] * 6
    await publish(db, make_staff, "counted-fund", ballots)
    data = data_of(settings, "Counted Fund", "14-16", "11-13", "17-19", "20-25", "youth-service")
    await web.get(f"/?lang={PSEUDO}")
    for path in ("/budgets/counted-fund/results", "/budgets/counted-fund/delivery", "/budgets/counted-fund"):
        response = await web.get(path)
        assert response.status_code == 200, path
        check(response.text, data, path)
    assert "⟦" in (await web.get("/budgets/counted-fund/results")).text


def test_every_explanation_tally_writes_is_matched_back_to_its_message() -> None:
    """The results page translates tally's stored English by matching it to these messages."""
    from civic.budgets.service_results import explanation
    from civic.core import i18n

    samples = [
        "Funded with 6 votes: £30,000 was left when its turn came, enough for its cost of £18,000.",
        "Not funded: £7,500 was left when its turn came (its 3 votes placed it there), less than its cost "
        "of £9,500.",
        "Not counted: the council removed it from the count. Reason: Not safe.",
    ]
    with i18n.using(PSEUDO):
        for english in samples:
            assert "⟦" in explanation(english), english
    assert explanation("Something else") == "Something else"
    assert len(EXPLANATIONS) == 6


async def test_the_followers_emails_have_no_untranslated_english(app: Any, settings: Settings) -> None:
    process = SimpleNamespace(title="Youth Fund", slug="youth-fund")
    projects = [SimpleNamespace(title="Skate park lights", cost=18_000)]
    contexts = {
        "budgets_results": {"process": process, "funded": projects},
        "budgets_update": {"process": process, "proposal": projects[0], "text": "Poles are up.",
                           "percent": 40, "status": DeliveryStatus.IN_PROGRESS},
    }  # fmt: skip
    data = ("Youth Fund", "Skate park lights", "Poles are up.", settings.council_name)
    for template, context in contexts.items():
        subject, body, _ = app_state(app).mail.render(template, context, lang=PSEUDO)
        assert english_words(f"{subject}\n{body}", data=data) == [], template
        assert "lang=en_XA" in body, template


async def test_an_idea_remembers_its_language_and_its_follower_emails_use_it(
    app: Any, web: WebClient, db: Any, areas: None
) -> None:
    from sqlmodel import select

    from civic.budgets import notify
    from civic.core.outbox import OutboxMessage

    fund = await create_budget(db, "welsh-ideas", offsets=(-1, 5, 10, 20, 40))
    await web.get("/?lang=cy")
    sent = await web.post_form(
        f"/budgets/{fund.slug}/ideas/new",
        {"title": "Meinciau", "body": "Yn y parc", "email": "nia@example.org"},
    )
    assert sent.status_code in {200, 303}
    async with db.transaction() as session:
        idea = (await session.exec(select(BudgetIdea))).one()
        assert idea.lang == "cy"
        queued = await notify.results_published(session, app_state(app).mail, fund.process, [], now=START)
    assert queued == 1
    async with db.reading() as session:
        message = (await session.exec(select(OutboxMessage))).one()
    assert message.subject.startswith("Canlyniadau:")
    assert "Nid oedd modd ariannu unrhyw brosiectau" in message.body_text
    assert "lang=cy" in message.body_text


def test_the_refusals_for_missing_versions_have_no_untranslated_english() -> None:
    """What youth workers are told when the council publishes in every language and a version is missing."""
    from civic.budgets.service_versions import missing_message
    from civic.core import i18n

    with i18n.using(PSEUDO):
        for name in ("title", "description", "summary", "reason"):
            for lang in ("cy", "fr"):
                said = missing_message("Skate park", name, lang)
                assert english_words(said, data=("Skate park", "fr")) == [], said
