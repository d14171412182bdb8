"""Staff pages of the site in another language: the pseudo-locale guard over sign-in and its second
factor, the account security page, the staff area, the staff accounts admin, the outbox and the
development mailbox, the data request pages, their form errors, and the staff emails.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pyotp
import pytest
from sqlmodel import select

from civic.app import create_app
from civic.config import Settings
from civic.core.areas import list_neighbourhoods, list_wards
from civic.core.clock import FrozenClock
from civic.core.data_requests import DataRequest
from civic.core.db import Database
from civic.core.duties import Duty, set_duty
from civic.core.outbox import OutboxMessage, OutboxStatus
from civic.core.state import app_state
from civic.core.users import Role, StaffUser
from tests.conftest import PASSWORD, SECRET, StaffFactory, make_settings
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import english_words, page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")

BROWSER = "TestBrowser/1.0"
SECRET_TEXT = re.compile(r"data-totp-secret>([A-Z2-7 ]+)<")
RECOVERY = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")
COUNCIL = (Settings.council_name, Settings.council_short_name)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO), staff_2fa_required="publishers")


@pytest.fixture
async def web(app: Any) -> AsyncIterator[WebClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 51000))
    headers = {"User-Agent": BROWSER}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=headers
    ) as client:
        yield WebClient(client, SECRET)


async def area_names(db: Database) -> tuple[str, ...]:
    async with db.reading() as session:
        wards = [w.name for w in await list_wards(session)]
        neighbourhoods = [n.name for n in await list_neighbourhoods(session)]
    return (*wards, *neighbourhoods)


def check(html: str, data: tuple[str, ...], where: str) -> None:
    words = page_words(html, (*data, *COUNCIL))
    assert words == [], (where, sorted(set(words)))


async def enrol(web: WebClient, user: StaffUser, clock: FrozenClock, data: tuple[str, ...]) -> list[str]:
    """Sign in with the password, set up an app (checking each page on the way), end signed in."""
    await web.get(f"/?lang={PSEUDO}")
    check((await web.get("/login")).text, data, "sign in")
    check((await web.get("/login?signed_out=1")).text, data, "signed out")
    refused = await web.post_form("/login", {"email": "", "password": ""})
    assert refused.status_code == 422
    check(refused.text, data, "sign in errors")
    wrong = await web.post_form("/login", {"email": user.email, "password": "not the password"})
    check(wrong.text, data, "wrong password")
    started = await web.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert started.headers["location"] == "/account/authenticator"
    page = await web.get("/account/authenticator")
    match = SECRET_TEXT.search(page.text)
    assert match
    secret = match.group(1)
    check(page.text, (*data, secret), "set up an app")
    for code in ("", "000000"):
        again = await web.post_form("/account/authenticator", {"code": code})
        assert again.status_code == 422
        check(again.text, (*data, secret), f"set up an app, code {code!r}")
    done = await web.post_form(
        "/account/authenticator", {"code": pyotp.TOTP(secret.replace(" ", "")).at(clock.now())}
    )
    codes = RECOVERY.findall(done.text)
    assert len(codes) == 10
    check(done.text, (*data, *codes), "recovery codes")
    return codes


async def test_sign_in_and_the_account_pages_have_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    web: WebClient,
    make_staff: StaffFactory,
    clock: FrozenClock,
) -> None:
    user = await make_staff(Role.MODERATOR)
    data = (user.name, user.email, BROWSER)
    codes = await enrol(web, user, clock, data)
    check((await web.get("/account")).text, data, "account")
    check((await web.get("/account?removed=1&ended=1")).text, data, "account notices")
    check((await web.get("/account/authenticator")).text, data, "already has an app")
    check((await web.get("/staff")).text, data, "staff area")
    await web.logout()
    await web.post_form("/login", {"email": user.email, "password": PASSWORD})
    check((await web.get("/login/code")).text, data, "second factor")
    for code in ("", "000000"):
        refused = await web.post_form("/login/code", {"code": code})
        assert refused.status_code == 422
        check(refused.text, data, f"second factor, code {code!r}")
    signed_in = await web.post_form("/login/code", {"code": codes[0]})
    assert signed_in.status_code == 303
    check((await web.get("/account")).text, data, "account after a recovery code")


async def admin(web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock) -> StaffUser:
    """An administrator with the data protection duty, signed in and reading the pseudo-locale."""
    user = await make_staff(Role.ADMIN, email="dpo@council.example")
    async with db.transaction() as session:
        await set_duty(session, user, Duty.DATA_PROTECTION, held=True, actor=None, now=clock.now())
    await enrol(web, user, clock, (user.name, user.email, BROWSER))
    return user


async def test_the_staff_admin_pages_and_their_errors_have_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    web: WebClient,
    make_staff: StaffFactory,
    db: Database,
    clock: FrozenClock,
) -> None:
    me = await admin(web, make_staff, db, clock)
    other = await make_staff(Role.COUNCILLOR, party="Independent")
    data = (me.name, me.email, other.name, other.email, "Independent", BROWSER, *(await area_names(db)))
    for path in ("/staff", "/admin/staff", "/admin/staff/new", f"/admin/staff/{other.id}",
                 f"/admin/staff/{other.id}?created=1", f"/admin/staff/{other.id}?saved=role",
                 f"/admin/staff/{me.id}"):  # fmt: skip
        response = await web.get(path)
        assert response.status_code == 200, path
        check(response.text, data, path)
    new = {"email": "new@council.example", "name": "Nia Hughes", "role": "police", "password": "short"}
    for form in (new, {**new, "password": "long enough password"}, {**new, "role": "mayor"},
                 {**new, "email": other.email, "password": "long enough password"},
                 {**new, "email": "bad", "password": "long enough password"},
                 {**new, "role": "councillor", "password": "long enough password"},
                 {**new, "neighbourhood": "nowhere", "password": "long enough password"}):  # fmt: skip
        refused = await web.post_form("/admin/staff/new", form)
        assert refused.status_code == 422, form
        check(refused.text, (*data, "Nia Hughes", "new@council.example", "nowhere", "bad"), f"new {form}")
    for target, form in (
        (other, {"action": "role", "role": "police"}),
        (other, {"action": "role", "role": "councillor", "wards": "E99999999"}),
        (other, {"action": "password", "password": "short"}),
        (other, {"action": "grant_duty"}),
        (other, {"action": "unknown"}),
        (me, {"action": "disable"}),
        (me, {"action": "reset_second_factor"}),
    ):
        refused = await web.post_form(f"/admin/staff/{target.id}", form)
        assert refused.status_code == 422, form
        check(refused.text, (*data, "E99999999"), f"change {form}")
    disabled = await web.post_form(f"/admin/staff/{other.id}", {"action": "disable", "reason": "Left"})
    assert disabled.status_code == 303
    check((await web.get("/admin/staff")).text, data, "a disabled account in the list")
    check((await web.get(f"/admin/staff/{other.id}")).text, (*data, "Left"), "a disabled account")


async def test_the_outbox_and_data_request_pages_have_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    web: WebClient,
    make_staff: StaffFactory,
    db: Database,
    clock: FrozenClock,
    app: Any,
) -> None:
    me = await admin(web, make_staff, db, clock)
    data = (me.name, me.email, BROWSER)
    async with db.transaction() as session:
        await app_state(app).mail.enqueue(
            session, to="rita@example.org", template="mail_check", context={"name": "Rita", "link": "/"},
            now=clock.now() - timedelta(minutes=30), lang="en",
        )  # fmt: skip
        message = (await session.exec(select(OutboxMessage))).one()
        message.status, message.last_error = OutboxStatus.FAILED, "550 mailbox unavailable"
        message.last_attempt_at = clock.now()
        session.add(message)
    failed = (message.subject, "example.org", "550 mailbox unavailable")
    check((await web.get("/admin/outbox")).text, (*data, *failed), "outbox")
    retried = await web.post_form("/admin/outbox/retry-failed")
    check((await web.get(retried.headers["location"])).text, (*data, *failed), "outbox after a retry")
    day = (clock.now() - timedelta(days=2)).date()
    letter = {"email": "sam@example.org", "received-day": str(day.day), "received-month": str(day.month),
              "received-year": str(day.year)}  # fmt: skip
    for form in ({**letter, "received-day": ""}, {**letter, "received-day": "31", "received-month": "2"},
                 {**letter, "received-year": "2099"}, {**letter, "received-year": "1999"},
                 {**letter, "email": "nope"}):  # fmt: skip
        refused = await web.post_form("/admin/data-requests/new", form)
        assert refused.status_code == 422, form
        check(refused.text, (*data, "sam@example.org", "nope"), f"record a request {form}")
    recorded = await web.post_form("/admin/data-requests/new", letter)
    assert recorded.status_code == 303
    detail = recorded.headers["location"].split("?")[0]
    page = await web.get(detail)
    # What each feature's register says it holds (titles and notes) is the privacy notices' text, which
    # is not translated yet; everything around it is.
    register = tuple(
        html.unescape(text)
        for text in re.findall(
            r'<h2 class="govuk-heading-m">([^<]+)</h2>|<div class="govuk-inset-text">([^<]+)</div>', page.text
        )
        for text in text
        if text and "⟦" not in text
    )
    kept = (*data, "sam@example.org", *register)
    for path in ("/admin/data-requests", "/admin/data-requests?q=sam", "/admin/data-requests?q=zed",
                 "/admin/data-requests/new", detail):  # fmt: skip
        check((await web.get(path)).text, (*kept, "sam", "zed"), path)
    refused = await web.post_form(f"{detail}/erase", {})
    assert refused.status_code == 422
    check(refused.text, kept, "erase without confirming")
    await web.post_form(f"{detail}/erase", {"confirm": "yes"})
    async with db.reading() as session:
        erased = (await session.exec(select(DataRequest))).one()
    kept = (*kept, erased.erasure_summary or "")  # what erasure did, as recorded then
    check((await web.get(f"{detail}?done=erased")).text, kept, "erased")
    await web.post_form(f"{detail}/close")
    check((await web.get(f"{detail}?done=closed")).text, kept, "closed")
    check((await web.get("/admin/data-requests")).text, kept, "the list after erasure")


async def test_the_development_mailbox_has_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    database_url: str,
    clock: FrozenClock,
) -> None:
    settings = make_settings(database_url, languages=("en", "cy", PSEUDO), environment="development")
    application = create_app(settings, clock=clock)
    try:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            empty = await client.get(f"/dev/mailbox?lang={PSEUDO}")
            assert empty.status_code == 200
            check(empty.text, (), "empty mailbox")
            async with app_state(application).db.transaction() as session:
                await app_state(application).mail.enqueue(
                    session, to="rita@example.org", template="mail_check", context={"name": "Rita", "link": "/"},
                    now=clock.now(), lang=PSEUDO,
                )  # fmt: skip
            full = await client.get(f"/dev/mailbox?lang={PSEUDO}")
            check(full.text, ("rita@example.org", "Rita", settings.council_name, "pending"), "mailbox")
    finally:
        await app_state(application).db.dispose()


async def test_the_staff_emails_have_no_untranslated_english(
    app: Any, settings: Settings, clock: FrozenClock
) -> None:
    contexts = {
        "mail_check": {"name": "Rita", "link": "/"},
        "staff_second_factor_reset": {"name": "Rita", "actor": "Cai Jones", "when": clock.now()},
    }
    data = ("Rita", "Cai Jones", settings.council_name)
    for template, context in contexts.items():
        subject, body, _ = app_state(app).mail.render(template, context, lang=PSEUDO)
        assert english_words(f"{subject}\n{body}", data=data) == [], template
