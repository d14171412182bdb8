"""The pseudo-locale guard: pages and emails rendered with every message accented ("Šíĝñ ţĥíš") must
show no plain English word, except what residents and staff wrote, names and dates. An English word
left means a string bypassed translation: wrap it in `_()` (templates) or `gettext`/`lazy_gettext`
(Python), then `make messages` and translate it.

Covered: the layout, the home page, error pages, every public petition page and every petition email.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import select

from civic.config import Settings
from civic.core import i18n
from civic.core.areas import Ward
from civic.core.state import app_state
from civic.petitions.models import REASONS_BY_CODE, PetitionDebate, State
from tests.conftest import make_settings
from tests.petitions.conftest import NO_CACHE, PetitionMaker, sign_form
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import english_words, page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO), extra=dict(NO_CACHE))


def data_of(settings: Settings, *values: str) -> tuple[str, ...]:
    return (settings.council_name, settings.council_short_name, *values)


async def pseudo_get(web: WebClient, path: str) -> Any:
    joiner = "&" if "?" in path else "?"
    return await web.get(f"{path}{joiner}lang={PSEUDO}")


async def test_the_home_page_and_error_pages_have_no_untranslated_english(
    web: WebClient, settings: Settings, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    data = data_of(settings, petition.action)
    for path, status in (("/", 200), ("/no/such/page", 404), ("/petitions/999999", 404)):
        response = await pseudo_get(web, path)
        assert response.status_code == status
        assert f'<html lang="{i18n.html_lang(PSEUDO)}"' in response.text
        assert page_words(response.text, data) == [], (path, sorted(set(page_words(response.text, data))))


async def test_every_public_petition_page_has_no_untranslated_english(
    web: WebClient, settings: Settings, make_petition: PetitionMaker, db: Any, clock: Any
) -> None:
    petition = await make_petition()
    await make_petition.signatures(petition, 7, ward="E05900001")
    await make_petition.signatures(petition, 3, ward="E05900006")
    async with db.transaction() as session:
        session.add(PetitionDebate(petition_id=petition.id, scheduled_for=clock.now() + timedelta(days=9),
                                   updated_at=clock.now()))  # fmt: skip
    closed = await make_petition(State.CLOSED)
    rejected = await make_petition(State.REJECTED, rejection_code="duplicate")
    async with db.transaction() as session:
        wards = tuple(w.name for w in (await session.exec(select(Ward))).all())  # names are data
    data = data_of(settings, "zzz", petition.action, petition.background, closed.action, closed.background,
                   rejected.action, rejected.background, *wards)  # fmt: skip
    pid = petition.id
    paths = [
        "/petitions/", "/petitions/?state=closed&q=zzz", f"/petitions/{pid}", f"/petitions/{pid}/sign",
        f"/petitions/{pid}/count", f"/petitions/{pid}/sheet", f"/petitions/{pid}/signed",
        f"/petitions/{closed.id}", f"/petitions/{rejected.id}", "/petitions/new",
        "/petitions/new/check-email", "/petitions/confirm?token=x", f"/petitions/{pid}/support?key=x",
        *(f"/petitions/{pid}/thanks?result={r}" for r in ("confirmed", "already", "closed", "removed")),
    ]  # fmt: skip
    for path in paths:
        response = await pseudo_get(web, path)
        assert response.status_code in {200, 400, 404}, path  # a bad link's page is checked too
        assert page_words(response.text, data) == [], (path, sorted(set(page_words(response.text, data))))
    no_sheet = await pseudo_get(web, f"/petitions/{closed.id}/sheet")  # sheets print for open petitions only
    assert no_sheet.status_code == 409
    assert page_words(no_sheet.text, data) == [], sorted(set(page_words(no_sheet.text, data)))


async def test_forms_with_errors_have_no_untranslated_english(
    web: WebClient, settings: Settings, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    await pseudo_get(web, "/")  # the cookie now keeps the pseudo-locale
    bad_sign = sign_form(name="=SUM(A1)", email="not-an-email", postcode="nowhere")
    bad_petition = {"stage": "petition", "action": "", "background": "x" * 400}
    for path, form in ((f"/petitions/{petition.id}/sign", bad_sign), ("/petitions/new", bad_petition)):
        response = await web.post_form(path, form)
        assert response.status_code == 422, path
        data = data_of(settings, petition.action, "=SUM(A1)", "not-an-email", "nowhere", "x" * 400)
        assert page_words(response.text, data) == [], (path, sorted(set(page_words(response.text, data))))
    unknown = await web.post_form(f"/petitions/{petition.id}/sign", sign_form(postcode="ZZ9 9ZZ"))
    assert page_words(unknown.text, data_of(settings, petition.action, "ZZ9 9ZZ")) == []


async def test_every_petition_email_has_no_untranslated_english(
    app: Any, settings: Settings, make_petition: PetitionMaker, clock: Any
) -> None:
    petition = await make_petition()
    debate = PetitionDebate(petition_id=petition.id, scheduled_for=clock.now(), outcome="Agreed.",
                            updated_at=clock.now())  # fmt: skip
    context = {
        "petition": petition, "name": "Sam Signer", "token": "t0k", "pending": True, "needed": 5,
        "reason": REASONS_BY_CODE["duplicate"], "resubmit_token": "r3s", "debate": debate,
        "response": SimpleNamespace(summary="Yes, we will."), "unsubscribe_url": "https://x.invalid/u",
    }  # fmt: skip
    templates = [
        "petitions_already_signed", "petitions_approved", "petitions_confirm_creator",
        "petitions_confirm_signature", "petitions_debate", "petitions_in_moderation",
        "petitions_rejected", "petitions_response", "petitions_supporters",
    ]  # fmt: skip
    data = data_of(settings, petition.action, "Sam Signer", "Agreed.", "Yes, we will.")
    for template in templates:
        subject, body, _ = app_state(app).mail.render(template, context, lang=PSEUDO)
        assert english_words(f"{subject}\n{body}", data=data) == [], template
        if "http" in body:  # links open the page in the email's language
            assert "lang=en_XA" in body, template


def test_the_guard_itself_finds_english() -> None:
    """A page with one string that bypassed translation is caught (so the guard can fail)."""
    html = "<p>⟦Šíĝñ ţĥíš⟧</p><p>Continue</p><button aria-label='Close'>⟦x⟧</button><script>var a</script>"
    assert page_words(html, ()) == ["Continue", "Close"]
    assert page_words(html, ("", "⟦x⟧")) == ["Continue", "Close"]  # an empty value hides nothing
