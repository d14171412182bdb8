"""The pseudo-locale guard over the residents' surveys staff pages: the list of surveys, setting one
up, a survey in each state with its codes and paper bundles, the page of one-time codes and a bundle
typed in twice, with their form errors and refusals, rendered with every message accented, show no
plain English word beyond names, what staff wrote and the fixed survey questions (asked in the national
surveys' own words, so that each result compares with the national figure)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from civic.config import Settings
from civic.core.areas import Neighbourhood, Ward
from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.users import Role
from civic.surveys.questions import QUESTIONS
from tests.conftest import PASSWORD, StaffFactory, make_settings
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.usefixtures("pseudo_locale")
ADMIN = "Rhian Evans"
# The layout's "signed in as" line names the account's role in English (the role's label is also what
# the audit log records); the layout is not one of these pages, so the role name counts as data here.
ROLES = tuple(str(role.label) for role in Role)
# The public page's address is shown as its link text.
WRITTEN = ("Residents' survey, spring 2027", "the whole council area", "Letters to Abbey", "Library box",
           "/surveys/spring-2027", "/surveys/draft-survey", ADMIN)  # fmt: skip


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


async def data_of(db: Database, settings: Settings, *values: str) -> tuple[str, ...]:
    """Data on these pages: names (the council's, places, staff), what staff wrote, and the questions
    with their answers and national sources as the national surveys word them."""
    async with db.reading() as session:
        places = [w.name for w in (await session.exec(select(Ward))).all()]
        places += [n.name for n in (await session.exec(select(Neighbourhood))).all()]
    questions = [str(q.text) for q in QUESTIONS] + [str(label) for q in QUESTIONS for _, label in q.choices]
    sources = [str(v) for q in QUESTIONS for v in (q.comparator.source, q.comparator.period)]
    return (settings.council_name, settings.council_short_name, *places, *ROLES, *WRITTEN, *questions,
            *sources, *values)  # fmt: skip


def check(html: str, data: tuple[str, ...], where: str) -> None:
    words = page_words(html, data)
    assert words == [], (where, sorted(set(words)))


async def sign_in(web: WebClient, make_staff: StaffFactory) -> None:
    admin = await make_staff(Role.ADMIN, name=ADMIN)
    await web.get(f"/?lang={PSEUDO}")  # the cookie keeps the pseudo-locale from here on
    await web.login(admin.email, PASSWORD)


async def test_setting_up_and_running_a_survey_has_no_untranslated_english(
    web: WebClient,
    make_staff: StaffFactory,
    db: Database,
    clock: FrozenClock,
    settings: Settings,
    areas: None,
) -> None:
    draft = await make_survey(db, clock, opened=False, slug="draft-survey", title="Draft survey")
    await sign_in(web, make_staff)
    data = await data_of(db, settings, "Draft survey")
    for path in ("/surveys/manage", f"/surveys/manage/{draft.id}"):
        page = await web.get(path)
        assert page.status_code == 200 and "⟦" in page.text, path
        check(page.text, data, path)
    refused = await web.post_form(
        "/surveys/manage", {"title": "=x", "area": "ward:E0", "questions": ["made_up"]}
    )
    assert refused.status_code == 422
    check(refused.text, (*data, "=x"), "survey refused")
    refused = await web.post_form(
        "/surveys/manage", {"title": "!!!", "area": "council", "questions": ["influence"]}
    )
    assert refused.status_code == 422
    check(refused.text, data, "title without letters")
    closed = await web.post_form(f"/surveys/manage/{draft.id}/close")
    assert closed.status_code == 409
    check(closed.text, data, "close a draft")
    paper = await web.post_form(
        f"/surveys/manage/{draft.id}/paper", {"paper_label": "Library box", "sheets": "3"}
    )
    assert paper.status_code == 409
    check(paper.text, data, "paper for a draft")
    assert (await web.post_form(f"/surveys/manage/{draft.id}/open")).status_code == 303
    again = await web.post_form(f"/surveys/manage/{draft.id}/open")
    assert again.status_code == 409
    check(again.text, data, "open twice")
    check((await web.get(f"/surveys/manage/{draft.id}")).text, data, "open survey")
    refused = await web.post_form(f"/surveys/manage/{draft.id}/codes", {"label": "=x", "size": "0"})
    assert refused.status_code == 422
    check(refused.text, (*data, "=x"), "codes refused")
    codes = await web.post_form(
        f"/surveys/manage/{draft.id}/codes", {"label": "Letters to Abbey", "size": "2"}
    )
    assert codes.status_code == 200
    shown = [c.split("</code>")[0] for c in codes.text.split("<code>")[1:]]
    check(codes.text, (*data, *shown, f"http://testserver/surveys/{draft.slug}"), "codes")
    refused = await web.post_form(f"/surveys/manage/{draft.id}/paper", {"paper_label": "", "ward_code": "x",
                                                                       "sheets": "0"})  # fmt: skip
    assert refused.status_code == 422
    check(refused.text, data, "bundle refused")
    check((await web.get(f"/surveys/manage/{draft.id}")).text, data, "survey with codes")


async def test_a_paper_bundle_typed_in_twice_has_no_untranslated_english(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock,
    settings: Settings, areas: None,
) -> None:  # fmt: skip
    survey = await make_survey(db, clock)
    await sign_in(web, make_staff)
    await sign_in(another_web, make_staff)
    data = await data_of(db, settings)
    added = await web.post_form(f"/surveys/manage/{survey.id}/paper",
                                {"paper_label": "Library box", "ward_code": "E05900006", "sheets": "3"})  # fmt: skip
    assert added.status_code == 303
    batch = added.headers["location"]
    check((await web.get(batch)).text, data, "empty bundle")
    for lines in ("1 1\n9 1\n2 2", "1 1\n1\n2 2", "1 1"):
        refused = await web.post_form(f"{batch}/enter", {"lines": lines})
        assert refused.status_code == 422, lines
        check(refused.text, data, f"lines {lines!r}")
    assert (await web.post_form(f"{batch}/enter", {"lines": "1 1\n4 5\n- -"})).status_code == 303
    same = await web.post_form(f"{batch}/enter", {"lines": "1 1\n4 5\n- -"})
    assert same.status_code == 422
    check(same.text, data, "same typist")
    assert (await another_web.post_form(f"{batch}/enter", {"lines": "1 1\n4 4\n- -"})).status_code == 303
    early = await web.post_form(f"{batch}/count")
    assert early.status_code == 422
    check(early.text, data, "count too early")
    page = await web.get(batch)
    assert "⟦" in page.text
    check(page.text, data, "differences")
    assert (await web.post_form(f"{batch}/resolve", {"sheet": "2", "answers": "4 5"})).status_code == 303
    check((await web.get(batch)).text, data, "ready to count")
    assert (await web.post_form(f"{batch}/count")).status_code == 303
    check((await web.get(batch)).text, data, "counted")
    check((await web.get(f"/surveys/manage/{survey.id}")).text, data, "survey with a bundle")
    assert (await web.post_form(f"/surveys/manage/{survey.id}/close")).status_code == 303
    check((await web.get(f"/surveys/manage/{survey.id}")).text, data, "closed survey")
    refused = await web.post_form(
        f"/surveys/manage/{survey.id}/codes", {"label": "Letters to Abbey", "size": "2"}
    )
    assert refused.status_code == 409
    check(refused.text, data, "codes for a closed survey")
