#!/usr/bin/env python3
"""Page weight: the bytes a phone downloads for a petition page, on a first visit and on a repeat one.

Serves the demo council with uvicorn (as deployed: ENVIRONMENT=production, one worker), opens an open
petition in Debian's Chromium through Playwright (the browser suite's launch flags) and adds up what
crossed the wire for each request, headers included (Chrome's `encodedDataLength`). The repeat visit
is a new page in the same browser profile, the way a resident comes back to the petition from a link.

Targets: a first visit at most 60 KB; a repeat visit asks for nothing but the HTML (static files have
hashed names and are cached immutable). Prints figures; asserts nothing about time.

    .venv/bin/python bench/pageweight.py
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from tests.support.postgres import free_port  # noqa: E402

BIN = ROOT / ".venv" / "bin"
SECRET = "pageweight-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - a throwaway server
FIRST_VISIT_TARGET = 60 * 1024


@dataclass
class Visit:
    """Each request of one page load: URL, status, bytes over the wire, and whether the cache answered."""

    requests: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(r.get("bytes", 0) for r in self.requests.values())

    def from_network(self) -> list[dict[str, Any]]:
        return [r for r in self.requests.values() if not r.get("cached") and r.get("bytes", 0) > 0]


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(BIN / "uvicorn"), "civic.asgi:app", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        env={**os.environ, **env, "BASE_URL": url}, cwd=ROOT,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("the server did not start")


async def visit(context: Any, url: str) -> Visit:
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Network.enable")
    seen = Visit()

    def response(event: dict[str, Any]) -> None:
        r = event["response"]
        seen.requests.setdefault(event["requestId"], {}).update(
            url=r["url"], status=r["status"], encoding=r.get("headers", {}).get("content-encoding", ""),
            cached=bool(r.get("fromDiskCache") or r.get("fromMemoryCache") or r.get("fromPrefetchCache")),
        )  # fmt: skip

    def finished(event: dict[str, Any]) -> None:
        seen.requests.setdefault(event["requestId"], {})["bytes"] = int(event["encodedDataLength"])

    def from_cache(event: dict[str, Any]) -> None:
        seen.requests.setdefault(event["requestId"], {})["cached"] = True

    cdp.on("Network.responseReceived", response)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.requestServedFromCache", from_cache)
    await page.goto(url, wait_until="networkidle")
    await page.wait_for_timeout(300)  # let the last loadingFinished events arrive
    await page.close()
    return seen


def report(name: str, seen: Visit) -> None:
    print(f"\n{name}: {seen.total:,} bytes over the wire ({seen.total / 1024:.1f} KB)")
    for r in sorted(seen.requests.values(), key=lambda r: r.get("url", "")):
        where = "cache" if r.get("cached") else "network"
        path = r.get("url", "?").split("/", 3)[-1]
        print(
            f"  {r.get('bytes', 0):>8,} B  {r.get('status', '?'):>3}  {where:<7} {r.get('encoding') or '-':<5} /{path}"
        )


async def measure(url: str, petition: str) -> tuple[Visit, Visit]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        context = await browser.new_context(
            viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True, device_scale_factor=2
        )
        first = await visit(context, f"{url}{petition}")
        repeat = await visit(context, f"{url}{petition}")
        await browser.close()
    return first, repeat


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="civic-pageweight-"))
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'civic.db'}",
        "SECRET_KEY": SECRET,
        "ENVIRONMENT": "production",
        "MAIL_WORKER": "0",
    }
    for command in (["migrate"], ["demo", "load"]):
        subprocess.run([str(BIN / "civic"), *command], env={**os.environ, **env}, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
    process, url = serve(env)
    try:
        listing = httpx.get(f"{url}/petitions.json", params={"state": "open"}).json()
        petition = f"/petitions/{listing['petitions'][0]['id']}"
        first, repeat = asyncio.run(measure(url, petition))
    finally:
        process.terminate()
        process.wait(timeout=30)
    report(f"first visit to {petition}", first)
    report(f"repeat visit to {petition}", repeat)
    fetched = repeat.from_network()
    only_html = all(r.get("url", "").rstrip("/").endswith(petition) for r in fetched)
    print(
        f"\nfirst visit {first.total / 1024:.1f} KB (target at most {FIRST_VISIT_TARGET // 1024} KB: "
        f"{'met' if first.total <= FIRST_VISIT_TARGET else 'MISSED'}); repeat visit {repeat.total / 1024:.1f} KB "
        f"in {len(fetched)} request(s) from the network ({'only the HTML' if only_html else 'MORE than the HTML'})"
    )
    return 0 if first.total <= FIRST_VISIT_TARGET and only_html else 1


if __name__ == "__main__":
    sys.exit(main())
