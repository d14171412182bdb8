#!/usr/bin/env python3
"""In-process cost of the petition hot paths, without a server or a network in the way.

Calls the ASGI app directly (one request at a time, on SQLite) and prints microseconds per request for
the count fragment, the petition page and the sign POST beside the bare Starlette "hello" app, so the
framework and middleware overhead can be seen apart from uvicorn's. With --profile NAME it runs that
scenario under cProfile and prints the top functions by cumulative and by own time.

    .venv/bin/python bench/hotpaths.py [--requests 3000] [--profile count|page|sign|hello]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from starlette.types import ASGIApp, Message  # noqa: E402

from bench.hello import app as hello_app  # noqa: E402
from bench.signing import COOKIE, SECRET, seed  # noqa: E402
from civic.app import create_app  # noqa: E402
from civic.commands import upgrade  # noqa: E402
from civic.config import Settings  # noqa: E402
from civic.core.csrf import token_for  # noqa: E402
from civic.core.state import app_state  # noqa: E402

Headers = list[tuple[bytes, bytes]]


async def call(app: ASGIApp, method: str, path: str, headers: Headers, body: bytes = b"") -> int:
    """One request straight into the ASGI app; returns the status."""
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), *headers], "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }  # fmt: skip
    delivered = False
    status = 0

    async def receive() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def scenarios(app: ASGIApp, petition_id: int) -> dict[str, Callable[[int], Awaitable[int]]]:
    cookie = (b"cookie", f"civic_csrf={COOKIE}".encode())
    token = token_for(SECRET, COOKIE)

    async def sign(n: int) -> int:
        form = {"csrf_token": token, "name": "Bench Signer", "email": f"hot-{n}@bench.example",
                "postcode": "FB6 1UU", "residency": "live", "notify": "yes"}  # fmt: skip
        headers = [cookie, (b"content-type", b"application/x-www-form-urlencoded"),
                   (b"x-forwarded-for", f"10.1.{n // 200 % 250}.{n % 200}".encode())]  # fmt: skip
        return await call(app, "POST", f"/petitions/{petition_id}/sign", headers, urlencode(form).encode())

    return {
        "hello": lambda n: call(hello_app, "GET", "/", [cookie]),
        "count": lambda n: call(app, "GET", f"/petitions/{petition_id}/count", [cookie, (b"hx-request", b"true")]),
        "page": lambda n: call(app, "GET", f"/petitions/{petition_id}", [cookie]),
        "sign": sign,
    }  # fmt: skip


async def measure(run: Callable[[int], Awaitable[int]], requests: int, offset: int) -> tuple[float, int]:
    for n in range(50):  # warm caches, compiled statements and templates
        await run(offset + n)
    started = time.perf_counter()
    statuses = [await run(offset + 100 + n) for n in range(requests)]
    micros = (time.perf_counter() - started) / requests * 1e6
    return micros, max(statuses)


async def main(opts: argparse.Namespace, url: str) -> None:
    if True:
        petition_id = await seed(url)
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": SECRET, "ENVIRONMENT": "production",
               "MAIL_WORKER": "0", "TRUST_PROXY_HEADERS": "1", "LOG_LEVEL": "WARNING"}  # fmt: skip
        app = create_app(Settings.from_env(env))
        runs = scenarios(app, petition_id)
        if opts.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            await measure(runs[opts.profile], opts.requests, 0)
            profiler.disable()
            stats = pstats.Stats(profiler).strip_dirs()
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
        else:
            results = {
                name: await measure(run, opts.requests, i * 1_000_000)
                for i, (name, run) in enumerate(runs.items())
            }
            hello = results["hello"][0]
            for name, (micros, status) in results.items():
                print(f"{name:<8}{micros:>9.0f} us/request  status {status}  x hello {hello / micros:.2f}")
        await app_state(app).db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--profile", choices=["hello", "count", "page", "sign"])
    with tempfile.TemporaryDirectory(prefix="civic-hot-") as raw:
        database_url = f"sqlite+aiosqlite:///{Path(raw) / 'hot.db'}"
        upgrade(database_url)  # runs its own event loop
        asyncio.run(main(parser.parse_args(), database_url))
