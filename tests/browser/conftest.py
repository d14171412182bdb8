"""Browser suite: a real uvicorn server on loopback and Debian's Chromium driven by Playwright.

Every page a test visits should be checked with `assert_accessible(page)`, which runs axe-core
(installed by `npm ci`) against WCAG 2.2 A/AA rules; any violation fails the test.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from civic.app import create_app
from civic.config import Settings
from civic.core.db import Database
from civic.core.staff import create_staff
from civic.core.users import Role
from tests.conftest import PASSWORD, make_settings, unavailable
from tests.support.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass
class LiveServer:
    url: str
    settings: Settings
    db: Database
    staff: dict[Role, str]  # role -> email; every password is PASSWORD


async def _seed(settings: Settings) -> dict[Role, str]:
    """The demo council with one known-password account per role, then every feature's demo content,
    so the accessibility checks see realistic pages."""
    from civic import features  # noqa: F401 - fills in the feature demo loaders
    from civic.core.clock import SystemClock
    from civic.core.demo import LOADERS, DemoContext
    from civic.core.outbox import Mail
    from civic.core.templating import make_templates
    from civic.demo import load_areas

    db = Database(settings.database_url)
    staff: dict[Role, str] = {}
    ctx = DemoContext(settings=settings, mail=Mail(make_templates().env, settings))
    async with db.transaction() as session:
        await load_areas(session)
        for role in Role:
            extra: dict[str, Any] = {}
            if role == Role.COUNCILLOR:
                extra["wards"] = ["E05900006"]
            if role == Role.POLICE:
                extra["neighbourhood"] = "fernbridge-central"
            email = f"{role.value}@browser.example"
            ctx.staff[role] = await create_staff(
                session,
                actor=None,
                email=email,
                name=f"{role.label} Person",
                role=role,
                password=PASSWORD,
                now=SystemClock().now(),
                hash_cost="fast",
                **extra,
            )
            staff[role] = email
        for loader in LOADERS:
            await loader(session, ctx)
    await db.dispose()
    return staff


@pytest.fixture(scope="session")
def live_server(migrated_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    if not migrated_template.startswith("sqlite"):
        source_url = migrated_template
    else:
        target = tmp_path_factory.mktemp("live") / "civic.db"
        shutil.copy(migrated_template.split(":///", 1)[1], target)
        source_url = f"sqlite+aiosqlite:///{target}"
    port = free_port()
    settings = make_settings(source_url, base_url=f"http://127.0.0.1:{port}", environment="development")
    staff = asyncio.run(_seed(settings))
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        pytest.fail("the live server did not start")
    yield LiveServer(f"http://127.0.0.1:{port}", settings, Database(source_url), staff)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    try:
        from playwright.async_api import async_playwright
    except ImportError as exc:
        unavailable(f"Playwright is not installed: {exc}")
        return
    if not Path(CHROMIUM).exists():
        unavailable("Chromium is not installed (Debian package 'chromium')")
    if not AXE.exists():
        unavailable("axe-core is not installed (run npm ci)")
    async with async_playwright() as playwright:
        instance = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        await instance.close()


@pytest.fixture
async def page(browser: Any, live_server: LiveServer) -> AsyncIterator[Any]:
    context = await browser.new_context(base_url=live_server.url, java_script_enabled=True)
    tab = await context.new_page()
    yield tab
    await context.close()


@pytest.fixture
async def page_without_js(browser: Any, live_server: LiveServer) -> AsyncIterator[Any]:
    context = await browser.new_context(base_url=live_server.url, java_script_enabled=False)
    tab = await context.new_page()
    yield tab
    await context.close()


async def assert_accessible(page: Any) -> None:
    """Run axe-core in the page (through the DevTools protocol, so the site's CSP stays strict).
    A click that navigates returns before the new page has its stylesheet; unstyled links are small,
    so axe would judge a half-loaded page. Wait for the whole page first."""
    await page.wait_for_load_state("load")
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    result = await page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    assert not violations, f"axe-core found violations on {page.url}:\n{json.dumps(violations, indent=1)}"


async def sign_in(page: Any, email: str) -> None:
    await page.goto("/login")
    await page.fill("#email", email)
    await page.fill("#password", PASSWORD)
    await page.click("button:has-text('Sign in')")
    await page.wait_for_url("**/staff")
