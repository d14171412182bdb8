"""Residents' surveys in another language: the pseudo-locale guard over every public survey page (the
list, a survey and its form errors, check your email, the emailed link's page and its problems, thank
you, not open, the results) and the confirmation email; and the same pages read in Welsh.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlmodel import col, select

from civic.config import Settings
from civic.core.areas import Ward
from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.outbox import OutboxMessage
from civic.core.state import app_state
from civic.surveys import service, service_answering
from civic.surveys.models import AreaKind, Channel, Survey
from tests.conftest import make_settings
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import english_words, page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient
from tests.surveys.conftest import ABBEY, CENTRAL, CENTRAL_POSTCODE, make_survey

pytestmark = pytest.mark.usefixtures("pseudo_locale")

ANSWERS = {"q_influence": "tend_to_agree", "q_council_satisfaction": "very_satisfied"}
TOKEN = re.compile(r"/surveys/confirm\?token=([^&\s]+)")
TITLE = "Residents' survey, spring 2027"
SVG = re.compile(r"<svg.*?</svg>", re.DOTALL)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


def check(html: str, data: tuple[str, ...], where: str) -> None:
    # A chart's drawing is hidden from screen readers and wraps its labels across lines; the table
    # beside it carries the same labels and numbers, and is checked.
    words = page_words(SVG.sub(" ", html), data)
    assert words == [], (where, sorted(set(words)))


async def answered_and_closed(db: Database, clock: FrozenClock, survey: Survey) -> None:
    """Eight answers in one ward and one in another, then closed: shares, intervals and a small count."""
    choices = ["strongly_agree", "tend_to_agree", "neither", "dont_know"] * 2
    async with db.transaction() as session:
        for choice in choices:
            await service_answering.record(
                session, survey, channel=Channel.PAPER, voter_key=None, ward_code=CENTRAL,
                answers={"influence": choice, "council_satisfaction": "fairly_satisfied"}, now=clock.now(),
            )  # fmt: skip
        await service_answering.record(
            session, survey, channel=Channel.PAPER, voter_key=None, ward_code=ABBEY,
            answers={"influence": "strongly_disagree"}, now=clock.now(),
        )  # fmt: skip
        found = await service.get_survey(session, survey.slug)
        await service.close_survey(session, found, actor=None, now=clock.now())


async def test_every_public_survey_page_has_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    web: WebClient,
    settings: Settings,
    db: Database,
    clock: FrozenClock,
    areas: None,
) -> None:
    survey = await make_survey(db, clock)
    await make_survey(db, clock, slug="later", title="Next year's survey", opened=False)
    data = (settings.council_name, settings.council_short_name, TITLE)
    await web.get(f"/?lang={PSEUDO}")
    for path in ("/", "/surveys/", "/surveys/spring-2027", "/surveys/spring-2027/check",
                 "/surveys/spring-2027/thanks", "/surveys/spring-2027/results",
                 "/surveys/confirm?token=nonsense"):  # fmt: skip
        response = await web.get(path)
        assert response.status_code in {200, 400}, path
        check(response.text, data, path)
    for form in ({"postcode": "", "email": ""}, {**ANSWERS, "postcode": "nope", "email": "nope"},
                 {**ANSWERS, "postcode": "ZZ1 1AA", "email": "jo@example.org"},
                 {**ANSWERS, "postcode": CENTRAL_POSTCODE, "code": "7KQ2M-XR4PA"}):  # fmt: skip
        refused = await web.post_form("/surveys/spring-2027", form)
        assert refused.status_code == 422, form
        check(refused.text, data, f"errors {sorted(form)}")
    sent = await web.post_form("/surveys/spring-2027", {**ANSWERS, "postcode": CENTRAL_POSTCODE,
                                                        "email": "jo@example.org"})  # fmt: skip
    assert sent.status_code == 303
    async with db.reading() as session:
        message = (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc()))).first()
    assert message is not None
    match = TOKEN.search(message.body_text)
    assert match is not None
    page = await web.get(f"/surveys/confirm?token={match.group(1)}")
    check(page.text, data, "confirm")
    for where in ("counted", "already"):
        confirmed = await web.post_form("/surveys/confirm", {"token": match.group(1)})
        assert confirmed.status_code == 200
        check(confirmed.text, data, where)
    check((await web.post_form("/surveys/confirm", {"token": "nonsense"})).text, data, "bad token")
    await answered_and_closed(db, clock, survey)
    async with db.reading() as session:
        data += tuple(w.name for w in (await session.exec(select(Ward))).all())
    for path in ("/surveys/", "/surveys/spring-2027", "/surveys/spring-2027/results"):
        response = await web.get(path)
        assert response.status_code == 200, path
        check(response.text, data, f"{path} closed")
    assert "<svg" in (await web.get("/surveys/spring-2027/results")).text
    card = await web.get(f"/responses/wards/{CENTRAL}")  # the survey's rows on the ward's report card
    assert card.status_code == 200 and "⟦šúŕṽéý: " in html.unescape(card.text)
    check(card.text, data, "report card")
    closed = await web.post_form("/surveys/spring-2027", {**ANSWERS, "postcode": CENTRAL_POSTCODE})
    assert closed.status_code == 409
    check(closed.text, data, "not open")
    gone = await web.post_form("/surveys/confirm", {"token": match.group(1)})
    assert gone.status_code == 409
    check(gone.text, data, "closed link")


async def test_the_confirmation_email_has_no_untranslated_english(app: Any, settings: Settings) -> None:
    survey = Survey(slug="s", title=TITLE, area_kind=AreaKind.COUNCIL, area_name="x", questions="influence")
    subject, body, _ = app_state(app).mail.render(
        "surveys_confirm", {"survey": survey, "token": "abc"}, lang=PSEUDO
    )
    assert english_words(f"{subject}\n{body}", data=(TITLE, settings.council_name)) == []


async def test_a_survey_reads_in_welsh_and_open_data_stays_in_english(
    web: WebClient, db: Database, clock: FrozenClock, areas: None
) -> None:
    survey = await make_survey(db, clock)
    await web.get("/?lang=cy")
    page = await web.get("/surveys/spring-2027")
    text = html.unescape(page.text)
    assert "Cytuno'n gryf" in text and "Ardal gyfan y cyngor" in text
    refused = await web.post_form("/surveys/spring-2027", {"postcode": "", "email": ""})
    assert "Dewiswch ateb i: Ydych chi'n cytuno" in html.unescape(refused.text)
    assert "Rhowch eich cod post" in refused.text
    await answered_and_closed(db, clock, survey)
    results = await web.get("/surveys/spring-2027/results")
    assert "Ffigur cenedlaethol" in results.text and "Arolwg Bywyd Cymunedol" in results.text
    data = (await web.get("/surveys/results.json")).json()["data"]
    assert data[0]["question_text"].startswith("Do you agree or disagree")
    assert data[0]["national_source"] == "Community Life Survey, England, 2019/20"
