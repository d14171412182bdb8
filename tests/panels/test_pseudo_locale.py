"""The pseudo-locale guard over community panels: the public pages of the demo panel (the list, the
panel, each meeting with its agenda, record and minutes, each decision, the subscription pages and a
bad link) and the subscribers' emails show no plain English beyond what clerks and members wrote; and
a resident who subscribes in Welsh gets the confirmation and every later email in Welsh.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from civic.config import Settings
from civic.core.clock import FrozenClock, SystemClock
from civic.core.db import Database
from civic.core.demo import DemoContext
from civic.core.outbox import OutboxMessage
from civic.core.state import app_state
from civic.core.users import Role
from civic.panels.demo import load_panels
from tests.conftest import PASSWORD, StaffFactory, make_settings
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import english_words, page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


async def written(db: Database, settings: Settings) -> tuple[str, ...]:
    """Everything people wrote or named, as stored: every text in the panels' tables, the staff's
    names, the places and the responses' authors (and their lower-case forms, as some are shown)."""
    values: set[str] = {settings.council_name, settings.council_short_name}
    prefixes = ("panel", "staff", "ward", "neighbourhood", "response", "petition", "priorities", "budget")
    async with db.reading() as session:
        connection = await session.connection()
        for table in SQLModel.metadata.sorted_tables:
            if table.name.startswith(prefixes):
                for row in await connection.execute(select(table)):
                    values.update(v for v in row if isinstance(v, str) and not v.isdigit())
    parts = {line.strip() for v in values for line in v.split("\n") if line.strip()}  # shown as paragraphs
    starts = {v[:57].rsplit(" ", 1)[0] for v in values if len(v) > 65}  # a title cuts a long text short
    return tuple(values | parts | starts | {v.lower() for v in values})


async def load_demo(app: Any, db: Database, make_staff: StaffFactory, clock: FrozenClock) -> None:
    clock.set(SystemClock().now())
    staff = {Role.PANEL_CLERK: await make_staff(Role.PANEL_CLERK), Role.POLICE: await make_staff(Role.POLICE)}
    async with db.transaction() as session:
        await load_panels(session, DemoContext(settings=app_state(app).settings, mail=app_state(app).mail,
                                               staff=staff))  # fmt: skip


def check(html: str, data: tuple[str, ...], where: str) -> None:
    words = page_words(html, data)
    assert words == [], (where, sorted(set(words)))


async def test_every_public_panel_page_has_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    areas: None,
    app: Any,
    db: Database,
    web: WebClient,
    make_staff: StaffFactory,
    clock: FrozenClock,
    settings: Settings,
) -> None:
    await load_demo(app, db, make_staff, clock)
    data = await written(db, settings)
    await web.get(f"/?lang={PSEUDO}")
    meetings = (await web.get("/panels/meetings.json")).json()["data"]
    decisions = (await web.get("/panels/decisions.json")).json()["data"]
    assert meetings and decisions
    slug = "fernbridge-central-community-panel"
    paths = ["/panels/", f"/panels/{slug}", f"/panels/{slug}?subscribed=confirmed", f"/panels/{slug}/subscribe",
             f"/panels/{slug}/subscribe/check", "/panels/subscriptions/confirm?token=bad",
             "/panels/subscriptions/unsubscribe?token=bad",
             *(m["url"].removeprefix("http://testserver") for m in meetings),
             *(d["url"].removeprefix("http://testserver") for d in decisions)]  # fmt: skip
    for path in paths:
        response = await web.get(path)
        assert response.status_code in {200, 400}, path
        check(response.text, data, path)
    refused = await web.post_form(f"/panels/{slug}/subscribe", {"email": "nope"})
    assert refused.status_code == 422
    check(refused.text, (*data, "nope"), "subscribe errors")


async def test_the_subscribers_emails_have_no_untranslated_english(app: Any, settings: Settings) -> None:
    at = SystemClock().now()
    panel = SimpleNamespace(name="Ward Forum", slug="ward-forum")
    meeting = SimpleNamespace(id=2, starts_at=at, place="The Hall", online_url="https://x.invalid/m",
                              urgency_reason="Flooding.", cancelled_reason="Snow.")  # fmt: skip
    item = SimpleNamespace(
        position=1, title="Bins", exempt=True, withdrawn_reason="Sorted.", late_reason="New."
    )
    change = SimpleNamespace(moved=True, old_starts_at=at, new_starts_at=at + timedelta(days=2), old_place="The Hall",
                             new_place="The Library", new_online_url="", old_online_url="https://x.invalid/o",
                             reason="Clash.", urgency_reason="Storm.")  # fmt: skip
    base = {"panel": panel, "meeting": meeting, "unsubscribe_url": "https://x.invalid/u"}
    contexts = {
        "panels_confirm": {"panel": panel, "token": "t0k"},
        "panels_agenda": {**base, "items": [item]},
        "panels_agenda_changed": {**base, "item": item, "change": "withdrawn"},
        "panels_cancelled": base,
        "panels_decisions": {**base, "decisions": [SimpleNamespace(id=5, text="Fund the bins.")]},
        # A decision with no version in the reader's language says it is only in English.
        "panels_decisions only in English": {
            **base,
            "decisions": [SimpleNamespace(id=5, text="Fund the bins.", only_in="en")],
        },
        "panels_moved": {**base, "change": change},
    }
    data = ("Ward Forum", "The Hall", "The Library", "Flooding.", "Snow.", "Bins", "Sorted.", "Clash.", "Storm.",
            "Fund the bins.", settings.council_name)  # fmt: skip
    for name, context in contexts.items():
        template = name.split(" ")[0]
        subject, body, _ = app_state(app).mail.render(template, context, lang=PSEUDO)
        assert english_words(f"{subject}\n{body}", data=data) == [], template
    added = app_state(app).mail.render("panels_agenda_changed", {**contexts["panels_agenda_changed"],
                                                                 "change": "added"}, lang=PSEUDO)  # fmt: skip
    assert english_words(f"{added[0]}\n{added[1]}", data=(*data, "New.")) == []


async def test_a_welsh_subscriber_gets_the_confirmation_in_welsh(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    areas: None,
    app: Any,
    db: Database,
    web: WebClient,
    make_staff: StaffFactory,
    clock: FrozenClock,
) -> None:
    from sqlmodel import select

    from civic.panels.models import PanelSubscription

    await load_demo(app, db, make_staff, clock)
    await web.get("/?lang=cy")
    sent = await web.post_form(
        "/panels/fernbridge-central-community-panel/subscribe", {"email": "eli@example.org"}
    )
    assert sent.status_code == 303
    async with db.reading() as session:
        subscription = (await session.exec(select(PanelSubscription))).one()
        message = (
            await session.exec(select(OutboxMessage).where(OutboxMessage.to_address == "eli@example.org"))
        ).one()
    assert subscription.lang == "cy"
    assert message.subject.startswith("Cadarnhewch eich bod eisiau e-byst gan")
    assert "lang=cy" in message.body_text


async def test_the_clerks_page_for_a_decisions_versions_has_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    areas: None,
    app: Any,
    db: Database,
    web: WebClient,
    make_staff: StaffFactory,
    clock: FrozenClock,
    settings: Settings,
) -> None:
    await load_demo(app, db, make_staff, clock)
    clerk = await make_staff(Role.PANEL_CLERK)
    await web.login(clerk.email, PASSWORD)
    data = (*(await written(db, settings)), clerk.name, clerk.email)
    await web.get(f"/?lang={PSEUDO}")
    decision_id = (await web.get("/panels/decisions.json")).json()["data"][0]["id"]
    page = await web.get(f"/panels/manage/decisions/{decision_id}/versions")
    assert page.status_code == 200 and 'name="text__cy"' in page.text
    check(page.text, data, "versions form")
    refused = await web.post_form(
        f"/panels/manage/decisions/{decision_id}/versions", {"text__cy": "x" * 4001}
    )
    assert refused.status_code == 422
    check(refused.text, (*data, "x" * 4001), "versions form errors")
