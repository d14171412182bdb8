"""Staff two-factor sign-in: enrolment, codes, replay, recovery codes, lockout, admin reset, sessions."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pyotp
import pytest
from sqlmodel import select
from webauthn.helpers import bytes_to_base64url

from civic.app import create_app
from civic.config import Settings
from civic.core.audit import AuditEntry
from civic.core.clock import FrozenClock
from civic.core.outbox import OutboxMessage
from civic.core.passkeys import PasskeyError, RelyingParty, StaffPasskey, register, registration_options
from civic.core.sessions import StaffSession
from civic.core.signins import SigninEvent, purge_old
from civic.core.state import app_state
from civic.core.totp import StaffRecoveryCode, StaffTotp
from civic.core.users import Role, StaffUser
from tests.conftest import PASSWORD, SECRET, StaffFactory, make_settings
from tests.support.web import WebClient

SECRET_TEXT = re.compile(r"data-totp-secret>([A-Z2-7 ]+)<")
RECOVERY = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The real default for a council: publishers (every staff role today) need a second factor."""
    return make_settings(database_url, staff_2fa_required="publishers")


@pytest.fixture
async def web(app: Any) -> AsyncIterator[WebClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 51000))
    headers = {"User-Agent": "TestBrowser/1.0"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=headers
    ) as client:
        yield WebClient(client, SECRET)


def code_at(secret: str, clock: FrozenClock, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30 * steps))


async def enrol(web: WebClient, user: StaffUser, clock: FrozenClock) -> tuple[str, list[str]]:
    """Password, then the forced enrolment page, then a code: the member ends signed in."""
    response = await web.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 303 and response.headers["location"] == "/account/authenticator"
    page = await web.get("/account/authenticator")
    assert (
        page.status_code == 200
        and "<svg" in page.text
        and "style=" not in page.text.split("<svg", 1)[1].split("</svg>")[0]
    )
    match = SECRET_TEXT.search(page.text)
    assert match
    secret = match.group(1).replace(" ", "")
    done = await web.post_form("/account/authenticator", {"code": code_at(secret, clock)})
    assert done.status_code == 200, done.text
    codes = RECOVERY.findall(done.text)
    assert len(codes) == 10
    return secret, codes


async def test_a_moderator_must_enrol_and_can_do_nothing_else_first(
    web: WebClient, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    user = await make_staff(Role.MODERATOR)
    response = await web.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert response.headers["location"] == "/account/authenticator"
    assert (await web.get("/staff")).status_code == 303  # no session yet
    assert (await web.get("/admin/staff")).status_code == 303
    _secret, _codes = await enrol(web, user, clock)
    assert (await web.get("/staff")).status_code == 200


async def test_the_secret_is_sealed_and_recovery_codes_stored_as_hashes(
    web: WebClient, make_staff: StaffFactory, clock: FrozenClock, db: Any
) -> None:
    user = await make_staff(Role.COUNCILLOR)
    secret, codes = await enrol(web, user, clock)
    async with db.reading() as session:
        row = await session.get(StaffTotp, user.id)
        hashes = (await session.exec(select(StaffRecoveryCode.code_hash))).all()
    assert row is not None and secret not in row.secret_sealed
    assert len(hashes) == 10 and not set(codes) & set(hashes)


async def test_sign_in_with_a_code_and_a_code_cannot_be_replayed(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    user = await make_staff(Role.POLICE)
    secret, _ = await enrol(web, user, clock)
    await web.logout()
    clock.advance(timedelta(seconds=30))
    await web.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert (await web.get("/staff")).status_code == 303
    code = code_at(secret, clock)
    wrong = await web.post_form("/login/code", {"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 422 and "Enter a correct code" in wrong.text
    ok = await web.post_form("/login/code", {"code": code})
    assert ok.status_code == 303 and ok.headers["location"] == "/staff"
    await another_web.post_form("/login", {"email": user.email, "password": PASSWORD})
    replay = await another_web.post_form("/login/code", {"code": code})
    assert replay.status_code == 422  # the same step's code, used once already
    earlier = await another_web.post_form("/login/code", {"code": code_at(secret, clock, -1)})
    assert earlier.status_code == 422  # an earlier step is refused too


async def test_a_recovery_code_works_once(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, clock: FrozenClock, db: Any
) -> None:
    user = await make_staff(Role.PANEL_CLERK)
    _, codes = await enrol(web, user, clock)
    await another_web.post_form("/login", {"email": user.email, "password": PASSWORD})
    ok = await another_web.post_form("/login/code", {"code": codes[3].upper()})
    assert ok.status_code == 303
    await another_web.logout()
    await another_web.post_form("/login", {"email": user.email, "password": PASSWORD})
    again = await another_web.post_form("/login/code", {"code": codes[3]})
    assert again.status_code == 422
    async with db.reading() as session:
        factors = (await session.exec(select(SigninEvent.factor).order_by(SigninEvent.id))).all()
    assert [f.value for f in factors] == ["totp", "recovery"]


async def test_wrong_codes_lock_the_account_like_passwords(
    web: WebClient, make_staff: StaffFactory, clock: FrozenClock, db: Any
) -> None:
    user = await make_staff(Role.YOUTH_WORKER)
    secret, _ = await enrol(web, user, clock)
    await web.logout()
    clock.advance(timedelta(seconds=60))
    await web.post_form("/login", {"email": user.email, "password": PASSWORD})
    for _ in range(5):
        assert (await web.post_form("/login/code", {"code": "12345x"})).status_code == 422
    locked = await web.post_form("/login/code", {"code": code_at(secret, clock)})
    assert locked.status_code == 429 and "Too many failed attempts" in locked.text
    async with db.reading() as session:
        actions = (await session.exec(select(AuditEntry.action))).all()
    assert "staff.locked_out" in actions


async def test_off_lets_staff_without_a_factor_in_with_a_password(
    database_url: str, clock: FrozenClock, make_staff: StaffFactory
) -> None:
    application = create_app(make_settings(database_url, staff_2fa_required="off"), clock=clock)
    user = await make_staff(Role.MODERATOR)
    transport = httpx.ASGITransport(app=application, client=("203.0.113.8", 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await WebClient(client, SECRET).login(user.email, PASSWORD)
    assert response.headers["location"] == "/staff"
    await app_state(application).db.dispose()


async def test_recent_sign_ins_are_deleted_after_the_history_period(
    web: WebClient, make_staff: StaffFactory, clock: FrozenClock, db: Any, settings: Settings
) -> None:
    user = await make_staff(Role.MODERATOR)
    await enrol(web, user, clock)
    async with db.transaction() as session:
        assert await purge_old(session, settings, clock.now() + timedelta(days=89)) == 0
    async with db.transaction() as session:
        assert await purge_old(session, settings, clock.now() + timedelta(days=91)) == 1
    async with db.reading() as session:
        assert (await session.exec(select(SigninEvent))).all() == []


async def test_a_member_sees_recent_sign_ins_and_ends_other_sessions(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, clock: FrozenClock, db: Any
) -> None:
    user = await make_staff(Role.MODERATOR)
    secret, _ = await enrol(web, user, clock)
    clock.advance(timedelta(seconds=30))
    await another_web.post_form("/login", {"email": user.email, "password": PASSWORD})
    await another_web.post_form("/login/code", {"code": code_at(secret, clock)})
    assert (await another_web.get("/staff")).status_code == 200
    page = await web.get("/account")
    assert page.status_code == 200
    assert "203.0.113.7" in page.text and "198.51.100.9" in page.text
    assert "TestBrowser/1.0" in page.text and "Password and authenticator app" in page.text
    ended = await web.post_form("/account/sessions/end-others", {})
    assert ended.status_code == 303
    assert (await another_web.get("/staff")).status_code == 303  # signed out there
    assert (await web.get("/staff")).status_code == 200  # still signed in here
    async with db.reading() as session:
        assert len((await session.exec(select(StaffSession))).all()) == 1


async def test_an_admin_resets_a_members_second_factor_audited_and_emailed(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, clock: FrozenClock, db: Any
) -> None:
    admin, member = await make_staff(Role.ADMIN), await make_staff(Role.COUNCILLOR)
    await enrol(another_web, member, clock)
    await enrol(web, admin, clock)
    reset = await web.post_form(f"/admin/staff/{member.id}", {"action": "reset_second_factor"})
    assert reset.status_code == 303
    assert (await another_web.get("/staff")).status_code == 303  # their sessions ended
    async with db.reading() as session:
        assert await session.get(StaffTotp, member.id) is None
        audit = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "staff.reset_second_factor"))
        ).all()
        mail = (
            await session.exec(select(OutboxMessage).where(OutboxMessage.to_address == member.email))
        ).all()
    assert len(audit) == 1 and audit[0].actor_id == admin.id
    assert len(mail) == 1 and "second sign-in factor was reset" in mail[0].subject
    again = await another_web.post_form("/login", {"email": member.email, "password": PASSWORD})
    assert again.headers["location"] == "/account/authenticator"  # enrols afresh
    own = await web.post_form(f"/admin/staff/{admin.id}", {"action": "reset_second_factor"})
    assert own.status_code == 422 and "cannot reset your own" in own.text


async def test_a_passkey_challenge_works_once_and_only_for_its_member(
    web: WebClient, make_staff: StaffFactory, clock: FrozenClock, db: Any, settings: Settings
) -> None:
    user, other = await make_staff(Role.MODERATOR), await make_staff(Role.MODERATOR)
    rp = RelyingParty.of(settings)
    assert (rp.rp_id, rp.origin) == ("testserver", "http://testserver")
    async with db.transaction() as session:
        options = json.loads(await registration_options(session, user, rp, now=clock.now()))
    client_data = json.dumps(
        {"type": "webauthn.create", "challenge": options["challenge"], "origin": rp.origin}
    )
    credential = {"id": "x", "response": {"clientDataJSON": bytes_to_base64url(client_data.encode())}}

    async def attempt(member: StaffUser) -> str:
        async with db.transaction() as session:  # as the handler does: the failure still commits
            try:
                await register(session, member, rp, credential, name="", now=clock.now())
            except PasskeyError as exc:
                return str(exc)
        return ""

    assert "already been used or was never made" in await attempt(other)
    assert "could not be registered" in await attempt(user)  # taken now: it holds no attestation
    assert "already been used" in await attempt(user)


async def test_without_javascript_the_pages_say_passkeys_need_it(web: WebClient) -> None:
    page = await web.get("/login")
    assert "Passkeys need JavaScript" in page.text and 'data-passkey="signin"' in page.text
    assert re.search(
        r'<script type="module" src="/static/js/passkeys\.[0-9a-f]{12}\.js"></script>', page.text
    )


async def test_bad_passkey_posts_get_a_clear_message_not_a_server_error(web: WebClient) -> None:
    token = await web.csrf_token()
    headers = {"X-CSRF-Token": token, "Content-Type": "application/json"}
    for body in ("not json", "[1]", '{"credential": {"id": "x"}}'):
        response = await web.http.post("/login/passkey", content=body, headers=headers)
        assert response.status_code == 422 and response.json()["error"]
    options = await web.http.post("/login/passkey/options", content="{}", headers=headers)
    assert options.status_code == 200 and options.json()["rpId"] == "testserver"


async def test_a_member_removes_their_own_passkey_only(
    web: WebClient, make_staff: StaffFactory, clock: FrozenClock, db: Any
) -> None:
    user, other = await make_staff(Role.MODERATOR), await make_staff(Role.MODERATOR)
    await enrol(web, user, clock)
    async with db.transaction() as session:
        for owner, name in ((user, "Mine"), (other, "Theirs")):
            session.add(
                StaffPasskey(
                    user_id=owner.id, credential_id=name, public_key=b"k", name=name, created_at=clock.now()
                )
            )
        await session.flush()
        ids = {p.name: p.id for p in (await session.exec(select(StaffPasskey))).all()}
    assert "Mine" in (await web.get("/account")).text
    assert (await web.post_form(f"/account/passkeys/{ids['Theirs']}/remove", {})).status_code == 404
    removed = await web.post_form(f"/account/passkeys/{ids['Mine']}/remove", {})
    assert removed.status_code == 303
    async with db.reading() as session:
        left = [p.name for p in (await session.exec(select(StaffPasskey))).all()]
        actions = (await session.exec(select(AuditEntry.action))).all()
    assert left == ["Theirs"] and "staff.passkey_remove" in actions
