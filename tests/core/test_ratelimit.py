from __future__ import annotations

import asyncio
from datetime import timedelta

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.ratelimit import Limit, hit, peek, purge_old_counters

BURST, SUSTAINED = Limit(3, 60), Limit(5, 3600)


async def hits(db: Database, clock: FrozenClock, key: str, n: int) -> list[bool]:
    results = []
    for _ in range(n):
        async with db.transaction() as session:
            results.append((await hit(session, key, [BURST, SUSTAINED], now=clock.now())).allowed)
    return results


async def test_burst_then_sustained_windows(db: Database, clock: FrozenClock) -> None:
    clock.set(clock.now().replace(minute=0, second=0))
    assert await hits(db, clock, "sign:1.2.3.4", 4) == [True, True, True, False]
    clock.advance(timedelta(minutes=1))
    assert await hits(db, clock, "sign:1.2.3.4", 2) == [True, False]  # 6th in the hour
    async with db.transaction() as session:
        verdict = await hit(session, "sign:1.2.3.4", [BURST, SUSTAINED], now=clock.now())
    assert verdict.retry_after > 60
    assert await hits(db, clock, "sign:5.6.7.8", 1) == [True]  # other keys are untouched


async def test_processes_share_one_count(db: Database, clock: FrozenClock, database_url: str) -> None:
    second_process = Database(database_url)
    try:
        await hits(db, clock, "login:ip", 2)
        async with second_process.transaction() as session:
            assert await peek(session, "login:ip", BURST, now=clock.now()) == 2
            assert not (await hit(session, "login:ip", [Limit(2, 60)], now=clock.now())).allowed
    finally:
        await second_process.dispose()


async def test_concurrent_hits_are_all_counted(db: Database, clock: FrozenClock) -> None:
    async def one() -> None:
        async with db.transaction() as session:
            await hit(session, "busy", [Limit(1000, 3600)], now=clock.now())

    await asyncio.gather(*(one() for _ in range(60)))
    async with db.reading() as session:
        assert await peek(session, "busy", Limit(1000, 3600), now=clock.now()) == 60


async def test_old_windows_are_purged(db: Database, clock: FrozenClock) -> None:
    await hits(db, clock, "old", 1)
    clock.advance(timedelta(days=3))
    async with db.transaction() as session:
        assert await purge_old_counters(session, now=clock.now()) == 2


async def test_a_route_over_its_limit_gets_a_429_page_with_retry_after(
    app: object, clock: FrozenClock
) -> None:
    import httpx
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route

    from civic.core.db import transaction
    from civic.core.ratelimit import enforce

    async def limited(request: Request) -> Response:
        async with transaction(request) as session:
            await enforce(session, "demo", [Limit(2, 60)], now=clock.now())
        return PlainTextResponse("ok")

    app.router.routes.insert(0, Route("/limited", limited))  # type: ignore[attr-defined]
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        codes = [(await client.get("/limited")).status_code for _ in range(3)]
        refused = await client.get("/limited")
    assert codes == [200, 200, 429]
    assert "Too many requests" in refused.text
    assert int(refused.headers["retry-after"]) > 0
