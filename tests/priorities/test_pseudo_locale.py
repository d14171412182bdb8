"""The pseudo-locale guard over police priorities: the public pages in every state of a round (index,
neighbourhood, round, vote form and its errors, check-email, confirm, confirmed, suggest form and its
errors, a priority's page) and the voters' emails show no plain English beyond names and what people
wrote; and a resident who votes in Welsh gets every later email in Welsh.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import select

from civic.config import Settings
from civic.core.areas import Neighbourhood, Ward
from civic.core.db import Database
from civic.core.state import app_state
from civic.priorities.models import Contact, Priority, PriorityStatus, RoundState
from tests.conftest import make_settings
from tests.priorities.conftest import ISSUES, Rounds, confirm_path, outbox
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import english_words, page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")
TITLE = "Police priorities this quarter"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


async def names(db: Database, settings: Settings, *values: str) -> tuple[str, ...]:
    """Data on these pages: the council, places, the round's title and its issues."""
    async with db.reading() as session:
        places = [w.name for w in (await session.exec(select(Ward))).all()]
        places += [n.name for n in (await session.exec(select(Neighbourhood))).all()]
        priorities = (await session.exec(select(Priority))).all()
    written = [v for p in priorities for v in (p.title, p.owner, p.target, p.description)]
    return (settings.council_name, settings.council_short_name, TITLE, *(t for _, t in ISSUES), *places,
            *written, *values)  # fmt: skip


def check(html: str, data: tuple[str, ...], where: str) -> None:
    words = page_words(html, data)
    assert words == [], (where, sorted(set(words)))


async def test_every_public_priorities_page_has_no_untranslated_english(
    rounds: Rounds, web: WebClient, db: Database, settings: Settings
) -> None:
    suggesting, _ = await rounds.make(RoundState.SUGGESTIONS_OPEN)
    voting, _ = await rounds.make(RoundState.VOTING_OPEN, slug="fernbridge-north")
    closed, _ = await rounds.make(RoundState.CLOSED)
    published, _ = await rounds.make(RoundState.PUBLISHED, slug="fernbridge-north")
    async with db.reading() as session:
        priority = (await session.exec(select(Priority))).first()
    assert priority is not None
    data = await names(
        db, settings, "fb6", "nope", "police-fernbridge-north"
    )  # an answering body not set up here shows its slug
    await web.get(f"/?lang={PSEUDO}")
    paths = ["/priorities/", "/priorities/fernbridge-central", "/priorities/fernbridge-north",
             *(f"/priorities/rounds/{r.id}" for r in (suggesting, voting, closed, published)),
             f"/priorities/rounds/{voting.id}/vote", f"/priorities/rounds/{voting.id}/check-email",
             f"/priorities/rounds/{suggesting.id}/suggest", f"/priorities/priority/{priority.id}",
             "/priorities/confirm/not-a-token", f"/priorities/rounds/{closed.id}/vote"]  # fmt: skip
    for path in paths:
        response = await web.get(path)
        assert response.status_code < 500, path
        check(response.text, data, path)
    refused = await web.post_form(
        f"/priorities/rounds/{voting.id}/vote", {"email": "nope", "postcode": "fb6", "choices": ["x"]}
    )
    assert refused.status_code == 422
    check(refused.text, data, "vote errors")
    outside = await web.post_form(
        f"/priorities/rounds/{voting.id}/vote",
        {"email": "a@example.org", "postcode": "FB1 1AA", "choices": ["1"]},
    )
    check(outside.text, (*data, "FB1 1AA"), "postcode outside")
    refused = await web.post_form(f"/priorities/rounds/{suggesting.id}/suggest", {"text": ""})
    assert refused.status_code == 422
    check(refused.text, data, "suggestion errors")


async def test_a_welsh_voter_gets_the_confirmation_results_and_status_emails_in_welsh(
    rounds: Rounds, mail_web: WebClient, mail_app: Any, db: Database
) -> None:
    item, issues = await rounds.make(RoundState.VOTING_OPEN)
    await mail_web.get("/?lang=cy")
    sent = await mail_web.post_form(
        f"/priorities/rounds/{item.id}/vote",
        {"email": "gwen@example.org", "postcode": "FB6 1UU", "choices": [issues[0].id], "opt_in": "yes"},
    )
    assert sent.status_code == 303
    [confirm] = await outbox(db, "gwen@example.org")
    assert confirm.subject == "Cadarnhewch eich pleidlais ar flaenoriaethau plismona"
    done = await mail_web.post_form(confirm_path(confirm.body_text))
    assert "Mae eich pleidlais wedi" in done.text
    async with db.reading() as session:
        contact = (await session.exec(select(Contact))).one()
    assert contact.lang == "cy"
    from civic.priorities import notify

    async with db.transaction() as session:
        await notify.email_voters(
            session, item.id or 0, template="priorities_results", mail=app_state(mail_app).mail,
            context={"round": item, "priorities": []}, now=confirm.created_at, dedupe_key="t",
        )  # fmt: skip
    results = (await outbox(db, "gwen@example.org"))[-1]
    assert results.subject == f"Canlyniadau: {TITLE}"
    assert "I roi'r gorau i gael yr e-byst hyn" in results.body_text


async def test_the_voters_emails_have_no_untranslated_english(app: Any, settings: Settings) -> None:
    item = SimpleNamespace(title=TITLE, id=3, override_reason="We heard more at the meeting.")
    update = SimpleNamespace(status=PriorityStatus.IN_PROGRESS, text="Patrols started.")
    contexts = {
        "priorities_confirm": {"round": item, "token": "t0k"},
        "priorities_results": {"round": item, "priorities": [SimpleNamespace(title="Speeding")],
                               "unsubscribe_url": "https://x.invalid/u"},
        "priorities_status": {"priority": SimpleNamespace(title="Speeding", id=4), "update": update,
                              "unsubscribe_url": "https://x.invalid/u"},
    }  # fmt: skip
    data = (TITLE, "We heard more at the meeting.", "Patrols started.", "Speeding", settings.council_name)
    for template, context in contexts.items():
        subject, body, _ = app_state(app).mail.render(template, context, lang=PSEUDO)
        assert english_words(f"{subject}\n{body}", data=data) == [], template
        assert "lang=en_XA" in body, template


def test_the_refusals_for_missing_versions_have_no_untranslated_english() -> None:
    """What the team is told when the council publishes in every language and a version is missing."""
    from civic.core import i18n
    from civic.priorities.service_versions import missing_message

    with i18n.using(PSEUDO):
        for name in ("title", "description", "target", "text"):
            for lang in ("cy", "fr"):
                said = missing_message("Speeding", name, lang)
                assert english_words(said, data=("Speeding", "fr")) == [], said
