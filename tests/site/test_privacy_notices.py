"""The privacy notices and the cookies page say what the register and the settings say: change a
retention setting and the notice changes; every cookie the code names is listed; forms link to them."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import httpx
import pytest

from civic.app import create_app
from civic.core.clock import FrozenClock
from civic.core.notices import features_with_notices
from civic.core.state import app_state
from tests.conftest import make_settings
from tests.support.web import WebClient

CIVIC = Path(__file__).resolve().parents[2] / "civic"


async def page_of(database_url: str, clock: FrozenClock, path: str, **extra: str) -> httpx.Response:
    """One page from an app started with these registered settings."""
    app = create_app(make_settings(database_url, extra=extra), clock=clock)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.get(path)
    finally:
        await app_state(app).db.dispose()


async def test_each_feature_has_a_notice_and_the_overview_links_them(web: WebClient) -> None:
    overview = await web.get("/privacy")
    assert overview.status_code == 200
    assert "Fernbridge Borough Council is the data controller" in overview.text
    assert "dpo@fernbridge.invalid" in overview.text
    for feature in ("site", "petitions", "priorities", "budgets", "panels", "responses"):
        assert feature in features_with_notices()
        assert f'href="/privacy/{feature}"' in overview.text
        page = await web.get(f"/privacy/{feature}")
        assert page.status_code == 200, feature
        assert "How long we keep it" in page.text and "Lawful basis" in page.text
    assert (await web.get("/privacy/nothing-here")).status_code == 404


async def test_a_retention_setting_changes_the_notice(database_url: str, clock: FrozenClock) -> None:
    default = await page_of(database_url, clock, "/privacy/petitions")
    changed = await page_of(database_url, clock, "/privacy/petitions", PETITION_ANONYMISE_DAYS="45")
    assert "45 days after the petition closes" in changed.text
    assert "45 days" not in default.text
    outbox = await page_of(database_url, clock, "/privacy/site", OUTBOX_KEEP_DAYS="1")
    assert "Address and text removed 1 day after the email is sent or fails" in outbox.text


async def test_the_controller_and_officer_come_from_settings(database_url: str, clock: FrozenClock) -> None:
    page = await page_of(
        database_url,
        clock,
        "/privacy/panels",
        DATA_CONTROLLER_NAME="Riverton District Council",
        DPO_CONTACT="privacy@riverton.example",
    )
    assert "Riverton District Council is the data controller" in page.text
    assert "privacy@riverton.example" in page.text


def _cookie_names() -> set[str]:
    """Every cookie name the code defines (constants naming a cookie), read from the source."""
    names = set()
    for path in CIVIC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
                value = node.value.value
                named = any("COOKIE" in t for t in targets)
                if named and isinstance(value, str) and value.startswith("civic_"):
                    names.add(value)
    return names


async def test_the_cookies_page_lists_every_cookie_the_code_sets(web: WebClient) -> None:
    page = await web.get("/cookies")
    assert page.status_code == 200
    names = _cookie_names()
    assert {"civic_csrf", "civic_staff", "civic_signin", "civic_budget_pass"} <= names
    for name in names:
        assert f"<code>{name}</code>" in page.text, f"{name} is set but not on the cookies page"
    assert "12 hours at most" in page.text  # the session's lifetime, from SESSION_MAX_HOURS


@pytest.mark.parametrize("path", ["/", "/privacy", "/cookies"])
async def test_the_footer_links_the_notice_and_cookies(web: WebClient, path: str) -> None:
    page = await web.get(path)
    assert 'class="govuk-footer__link" href="/privacy"' in page.text
    assert 'class="govuk-footer__link" href="/cookies"' in page.text


async def test_forms_that_collect_personal_data_link_their_notice(web: WebClient, app: Any) -> None:
    for path, feature in (("/login", "site"), ("/privacy/your-data", "")):
        page = await web.get(path)
        assert "How we use your information" in page.text
        assert f'href="/privacy{"/" + feature if feature else ""}"' in page.text


TEMPLATES = CIVIC.parent / "templates"
# Residents' forms that ask for an email address, a name or free text, with the notice each links.
RESIDENT_FORMS = {
    "petitions/sign.html": "petitions",
    "petitions/new.html": "petitions",
    "priorities/vote.html": "priorities",
    "priorities/suggest.html": "priorities",
    "priorities/rsvp.html": "priorities",
    "surveys/survey.html": "surveys",
    "budgets/idea_form.html": "budgets",
    "panels/subscribe.html": "panels",
    "responses/follow.html": "responses",
    "responses/rate.html": "responses",
    "site/login.html": "site",
}

STAFF_FORMS = {"petitions/signatures.html": "moderators search signatures by address"}


def test_every_resident_form_asking_for_an_email_links_its_notice() -> None:
    for path in TEMPLATES.rglob("*.html"):
        name = str(path.relative_to(TEMPLATES))
        source = path.read_text()
        public = not name.startswith(("site/privacy/", "site/staff", "emails/")) and "/staff/" not in name
        asks = 'input("email"' in source or 'name="email"' in source
        if public and asks and name not in STAFF_FORMS:
            assert name in RESIDENT_FORMS, f"{name} asks for an email address: link its privacy notice"
    for name, feature in RESIDENT_FORMS.items():
        assert f'privacy_link("{feature}")' in (TEMPLATES / name).read_text(), name
