"""The privacy pages in another language: the pseudo-locale guard over the privacy notice (the overview
and each feature's notice, built from the retention register), the cookies page, a resident's data
request (the form and its error, check your email, the emailed link's page, what is held, after asking
for erasure) and its email; and the notices read in Welsh.
"""

from __future__ import annotations

import html
from typing import Any

import pytest
from sqlmodel import select

from civic.config import Settings
from civic.core.db import Database
from civic.core.notices import cookies, features_with_notices
from civic.core.outbox import OutboxMessage
from civic.core.state import app_state
from tests.conftest import make_settings
from tests.site.test_data_requests import ADDRESS, RITA, emailed_link, held  # noqa: F401
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import english_words, page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")

# What residents and staff wrote, names and the codes a record is stored with (data, shown as held).
HELD = ("Reopen the Castle Street toilets", "Rita Resident", "Skate park", "By the river", "Music room",
        "In the library", "Riverside Panel", "Too slow, Rita", "Residents survey 2026", "Police priorities",
        "Youth fund 2026", "Rita", "petition", "confirmed", "validated", "published", "pending", "sent")  # fmt: skip


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


def check(page: str, data: tuple[str, ...], where: str) -> None:
    words = page_words(page, data)
    assert words == [], (where, sorted(set(words)))


async def test_the_privacy_notices_and_cookies_page_have_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    web: WebClient,
    settings: Settings,
) -> None:
    data = (
        settings.council_name,
        settings.council_short_name,
        settings.value("DATA_CONTROLLER_NAME"),
        settings.value("DPO_CONTACT"),
        *(c["name"] for c in cookies(settings)),
    )  # fmt: skip - names are codes
    await web.get(f"/?lang={PSEUDO}")
    paths = ["/privacy", "/cookies", *(f"/privacy/{feature}" for feature in features_with_notices())]
    assert "/privacy/surveys" in paths and "/privacy/site" in paths
    for path in paths:
        response = await web.get(path)
        assert response.status_code == 200, path
        check(response.text, data, path)


async def test_a_data_request_has_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    web: WebClient,
    settings: Settings,
    db: Database,
    held: None,  # noqa: F811 - something in every feature
) -> None:
    data = (settings.council_name, settings.council_short_name, RITA, ADDRESS, *HELD)
    await web.get(f"/?lang={PSEUDO}")
    check((await web.get("/privacy/your-data")).text, data, "ask")
    refused = await web.post_form("/privacy/your-data", {"email": "not an address"})
    assert refused.status_code == 422
    check(refused.text, data, "ask errors")
    check((await web.post_form("/privacy/your-data", {"email": RITA})).text, data, "ask sent")
    link = await emailed_link(db, ADDRESS)
    check((await web.get(link)).text, data, "confirm")
    assert (await web.post_form(link)).status_code == 303
    shown = await web.get(f"{link}/held")
    assert shown.status_code == 200 and "<h3" in shown.text
    check(shown.text, data, "held")
    assert (await web.post_form(f"{link}/erase")).status_code == 303
    asked = await web.get(f"{link}/held")
    check(asked.text, data, "erasure asked")


async def test_the_data_request_email_has_no_untranslated_english(app: Any, settings: Settings) -> None:
    subject, body, _ = app_state(app).mail.render(
        "privacy_data_request", {"link": "https://x.invalid/l", "hours": 24}, lang=PSEUDO
    )
    assert english_words(f"{subject}\n{body}", data=(settings.council_name,)) == []


async def test_the_notices_and_a_data_request_read_in_welsh(web: WebClient, db: Database) -> None:
    await web.get("/?lang=cy")
    await web.post_form("/privacy/your-data", {"email": RITA})
    async with db.reading() as session:
        [sent] = (await session.exec(select(OutboxMessage))).all()
    assert sent.subject.startswith("Gweld y data sydd gan") and "?lang=cy" in sent.body_text
    page = html.unescape((await web.get("/privacy/petitions")).text)
    assert "Eich hawliau" in page and "diwrnod ar ôl i'r ddeiseb gau" in page
    cookies = html.unescape((await web.get("/cookies")).text)
    assert "Cwcis" in cookies
