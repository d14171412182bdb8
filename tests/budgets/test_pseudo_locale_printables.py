"""The pseudo-locale guard over what youth budgets print and explain beyond the voting pages: the voting
code cards (the cards young people read and the staff page around them), the "Check this count" page
of a count by equal shares and of one by most votes, and the "your share" sentences of every kind,
rendered with every message accented, show no plain English beyond names and what people wrote.
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlmodel import select

from civic.budgets import shares, tally
from civic.budgets.models import BudgetProcess, TallyRule
from civic.config import Settings
from civic.core import i18n
from civic.core.db import Database
from tests.budgets.test_pseudo_locale import check, data_of
from tests.budgets.test_shares import PROJECTS, TITLES, stored
from tests.budgets.test_voting_journeys import CODE
from tests.budgets.test_your_share_pages import counted_fund, publish
from tests.conftest import PASSWORD, StaffFactory, make_settings
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import english_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")
BATCH = "Northgate Academy Year 9"


async def title_of(db: Database, slug: str) -> str:
    async with db.reading() as session:
        process = (await session.exec(select(BudgetProcess).where(BudgetProcess.slug == slug))).one()
    return process.title


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


async def test_the_printed_voting_code_cards_have_no_untranslated_english(
    web: WebClient, make_staff: StaffFactory, budget: Any, settings: Settings
) -> None:
    from civic.core.users import Role

    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    await web.get(f"/?lang={PSEUDO}")
    for size in ("1", "3"):
        page = await web.post_form(
            f"/budgets/staff/{budget.slug}/codes",
            {"label": BATCH, "size": size, "age_band": "14-16", "format": "cards"},
        )
        assert page.status_code == 200, page.text
        codes = CODE.findall(page.text)
        assert len(codes) == int(size)
        data = data_of(settings, budget.process.title, BATCH, worker.name, worker.email, *codes)
        check(page.text, data, f"{size} code cards")


async def test_the_check_this_count_pages_have_no_untranslated_english(
    db: Database, web: WebClient, make_staff: StaffFactory, settings: Settings
) -> None:
    await web.get(f"/?lang={PSEUDO}")
    for rule in (TallyRule.MES, TallyRule.GREEDY):
        slug, _, result_id = await counted_fund(db, make_staff, f"count-{rule.value}", rule=rule)
        missing = await web.get(f"/budgets/{slug}/count")
        assert missing.status_code == 404
        check(missing.text, data_of(settings, await title_of(db, slug)), "not published yet")
        await publish(db, make_staff, slug, result_id)
        record = (await web.get(f"/budgets/{slug}/count/record.json")).json()
        # Not words to translate: the record's own values, file names, digests and the commands to type.
        areas = record["parameters"]["areas"]
        machine = (record["rule"], record["engine"]["name"], record["record_sha256"], record["audit"]["hash"],
                   *(f["name"] for f in record["files"]), *(f["sha256"] for f in record["files"]),
                   *(a["file"] for a in areas), "civic budgets tally --rule", "civic recount", "SHA-256",
                   "pabutools", "pabulib")  # fmt: skip
        data = data_of(
            settings, await title_of(db, slug), settings.url(f"/budgets/{slug}/count/record.json"), *machine
        )
        response = await web.get(f"/budgets/{slug}/count")
        assert response.status_code == 200, rule
        check(response.text, data, f"count {rule}")


async def test_the_your_share_pages_have_no_untranslated_english(
    db: Database, web: WebClient, make_staff: StaffFactory, settings: Settings
) -> None:
    await web.get(f"/?lang={PSEUDO}")
    for rule in (TallyRule.MES, TallyRule.GREEDY):
        slug, receipts, result_id = await counted_fund(db, make_staff, f"share-{rule.value}", rule=rule)
        data = data_of(settings, await title_of(db, slug), *receipts.values(), *TITLES.values())
        for receipt in receipts.values():  # before the results are published
            check(
                (await web.post_form(f"/budgets/{slug}/receipt", {"receipt": receipt})).text, data, "before"
            )
        await publish(db, make_staff, slug, result_id)
        for kind, receipt in receipts.items():
            page = await web.post_form(f"/budgets/{slug}/receipt", {"receipt": receipt})
            assert page.status_code == 200
            check(page.text, data, f"{rule} {kind}")
            assert "⟦" in page.text.split('id="your-share"')[1], kind


def test_every_kind_of_share_sentence_is_translated() -> None:
    """The sentences as the engine's stored counts lead to them: shares paid, unused and used up, a
    project paid for by others, at the end, too dear, left out by the council, not affordable, counted
    by most votes, kept before shares were, and a project with no title."""
    sentences: list[str] = []
    with i18n.using(PSEUDO):
        ballots = [["1", "4"]] * 6 + [["2"]] * 2 + [["3", "2"]]
        area = stored(tally.tally(PROJECTS, 30_000, ballots, rule="mes"))
        for chosen in (["1", "4"], ["2", "3"], ["2"], ["3", "2"]):
            sentences += shares.your_share(area, chosen, TITLES).sentences
        dear = [*PROJECTS, tally.Project("5", 50_000), tally.Project("6", 0)]
        titles = {**TITLES, "5": "Swimming pool", "6": "Free bench"}
        ballots = [["1", "4", "5", "6"]] * 3 + [["2", "3", "6"]] * 3
        area = stored(tally.tally(dear, 30_000, ballots, rule="mes", excluded={"3": "The pitch is closing"}))
        for has_areas in (True, False):
            sentences += shares.your_share(area, ["1", "4", "5", "6"], titles, has_areas=has_areas).sentences
        sentences += shares.your_share(area, ["2", "3"], titles).sentences
        sentences += shares.your_share(area, ["2", "3"], {}).sentences  # "Project 2"
        rng = random.Random(7)
        for _ in range(40):  # many small elections reach the rarer reasons too
            projects = [tally.Project(str(n), rng.randrange(1_000, 20_000, 500)) for n in range(1, 7)]
            votes = [
                rng.sample([p.id for p in projects], rng.randint(1, 4)) for _ in range(rng.randint(3, 15))
            ]
            area = stored(tally.tally(projects, rng.randrange(10_000, 40_000, 1_000), votes, rule="mes"))
            for chosen in votes[:5]:
                sentences += shares.your_share(area, chosen, TITLES).sentences
        greedy = stored(tally.tally(dear, 30_000, ballots, excluded={"3": "The pitch is closing"}))
        for has_areas in (True, False):
            sentences += shares.your_share(
                greedy, ["1", "2", "3", "4", "5"], titles, has_areas=has_areas
            ).sentences
        old = stored(tally.tally(PROJECTS, 30_000, [["1", "4"]] * 6, rule="mes"))
        del old["shares"]
        sentences += shares.your_share(old, ["1"], TITLES).sentences
        sentences.append(str(shares.NOT_COUNTED))
    assert english_words("\n".join(sentences), data=(*titles.values(), "The pitch is closing")) == []
    assert all("⟦" in sentence for sentence in sentences), sentences
