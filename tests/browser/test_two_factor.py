"""Two-factor staff sign-in in Chromium: an authenticator-app code, and passkeys through the
DevTools virtual authenticator (register one while enrolling, sign out, sign in with it alone).

The server runs at `localhost`: a WebAuthn relying party must be a domain name, not an IP address."""

from __future__ import annotations

import asyncio
import re
import shutil
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pyotp
import pytest
import uvicorn

from civic.app import create_app
from civic.core.db import Database
from civic.core.staff import create_staff
from civic.core.users import Role
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD, make_settings
from tests.support.postgres import free_port

pytestmark = pytest.mark.browser


async def _seed(url: str) -> None:
    from civic import features  # noqa: F401

    db = Database(url)
    async with db.transaction() as session:  # moderators need no wards or neighbourhoods
        for name in ("app", "passkey"):
            await create_staff(
                session,
                actor=None,
                email=f"{name}@twofactor.example",
                name=f"{name.title()} Moderator",
                role=Role.MODERATOR,
                password=PASSWORD,
                now=datetime.now(UTC),
                hash_cost="fast",
            )
    await db.dispose()


@pytest.fixture(scope="module")
def server(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if migrated_template.startswith("sqlite"):
        target = tmp_path_factory.mktemp("twofactor") / "civic.db"
        shutil.copy(migrated_template.split(":///", 1)[1], target)
        url = f"sqlite+aiosqlite:///{target}"
    else:
        url = migrated_template  # as the shared live server does on PostgreSQL
    asyncio.run(_seed(url))
    port = free_port()
    base = f"http://localhost:{port}"
    settings = make_settings(url, base_url=base, environment="development", staff_2fa_required="publishers")
    live = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield base
    live.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
async def tab(browser: Any, server: str) -> AsyncIterator[Any]:
    context = await browser.new_context(base_url=server)
    page = await context.new_page()
    yield page
    await context.close()


async def _password(page: Any, email: str) -> None:
    await page.goto("/login")
    await assert_accessible(page)
    await page.fill("#email", email)
    await page.fill("#password", PASSWORD)
    await page.click("button:has-text('Sign in')")


async def test_a_moderator_enrols_an_app_and_signs_in_with_a_code(tab: Any) -> None:
    await _password(tab, "app@twofactor.example")
    await tab.wait_for_url("**/account/authenticator")
    await assert_accessible(tab)
    secret = re.sub(r"\s", "", await tab.inner_text("[data-totp-secret]"))
    await tab.fill("#code", pyotp.TOTP(secret).now())
    await tab.click("button:has-text('Confirm')")
    await tab.wait_for_selector("[data-recovery-codes]")
    await assert_accessible(tab)
    await tab.click("text=I have saved my codes, continue")
    await tab.wait_for_url("**/staff")
    await tab.goto("/account")
    await assert_accessible(tab)
    await tab.goto("/staff")
    await tab.click("button:has-text('Sign out')")
    await tab.wait_for_url("**/login?signed_out=1")
    await _password(tab, "app@twofactor.example")
    await tab.wait_for_url("**/login/code")
    await assert_accessible(tab)
    totp = pyotp.TOTP(secret)
    await tab.fill("#code", totp.at(time.time() + 30))  # the next step: the last one was used
    await tab.click("button:has-text('Continue')")
    await tab.wait_for_url("**/staff")


async def test_a_passkey_is_registered_and_then_signs_in_alone(tab: Any) -> None:
    cdp = await tab.context.new_cdp_session(tab)
    await cdp.send("WebAuthn.enable")
    await cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    await _password(tab, "passkey@twofactor.example")
    await tab.wait_for_url("**/account/authenticator")
    assert await tab.is_hidden("[data-passkey-nojs]")
    await tab.fill("#passkey_name", "Test laptop")
    await tab.click("button:has-text('Register a passkey')")
    await tab.wait_for_url("**/staff")
    await tab.goto("/account")
    await assert_accessible(tab)
    assert "Test laptop" in await tab.content()
    await tab.goto("/staff")
    await tab.click("button:has-text('Sign out')")
    await tab.wait_for_url("**/login?signed_out=1")
    await assert_accessible(tab)
    await tab.click("button:has-text('Sign in with a passkey')")
    await tab.wait_for_url("**/staff")
    await tab.goto("/account")
    assert "Passkey" in await tab.inner_text("table:last-of-type")
