#!/usr/bin/env python3
"""Petition signing benchmark: Civic as deployed (uvicorn, 1 and 2 worker processes) on SQLite and on
PostgreSQL, beside a bare Starlette "hello" app measured in the same run.

Measures, with wrk on 127.0.0.1 at 64 connections: sign submissions/s, confirmations/s, petition page
and count fragment requests/s, p50/p99 latency, and peak memory (VmHWM) per process; prints ratios to
the hello app. Afterwards it sends known signatures (each twice, concurrently) and checks that every
acknowledged one is stored exactly once. Sign is measured after a 2 s warm-up on the fresh server
process, whose figures are printed as "sign (cold)".

    .venv/bin/python bench/signing.py [--duration 6] [--connections 64] [--engines sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from civic import features  # noqa: E402, F401
from civic.commands import upgrade  # noqa: E402
from civic.core.csrf import token_for  # noqa: E402
from civic.core.db import Database  # noqa: E402
from civic.core.tokens import make_token  # noqa: E402
from civic.demo import load_areas  # noqa: E402
from civic.petitions.models import Petition, Signature, SignatureState, State  # noqa: E402
from tests.support.postgres import PostgresServer, free_port  # noqa: E402

SECRET = "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - a throwaway server
COOKIE = "benchcookie"
UVICORN = str(ROOT / ".venv" / "bin" / "uvicorn")
LUA = Path(tempfile.mkdtemp(prefix="civic-bench-lua-"))

COMMON_LUA = """
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
response = function(status, headers, body)
  if status < 400 then ok = ok + 1 else bad = bad + 1 end
end
done = function(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("ok"); b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %.3f %.3f %d %d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000, a, b))
end
"""
SIGN_LUA = """
counter = 0
function init(args) prefix = args[1]; path = args[2]; token = args[3]; ok = 0; bad = 0 end
request = function()
  counter = counter + 1
  local body = "csrf_token=" .. token .. "&name=Bench+Signer&email=" .. prefix .. "-" .. id .. "-" .. counter ..
    "%40bench.example&postcode=FB6+1UU&residency=live&notify=yes"
  local ip = "10." .. id .. "." .. (math.floor(counter / 200) % 250) .. "." .. (counter % 200)
  return wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "civic_csrf=benchcookie", ["X-Forwarded-For"] = ip}, body)
end
"""
CONFIRM_LUA = """
function init(args)
  token = args[2]; ok = 0; bad = 0; tokens = {}; n = 0
  local i = 0
  for line in io.lines(args[1]) do
    i = i + 1
    if i % tonumber(args[3]) == id - 1 then table.insert(tokens, line) end
  end
end
request = function()
  n = n % #tokens + 1
  -- Each confirmation comes from its own address, as residents' clicks do: from one address the
  -- per-IP limit (PETITION_CONFIRMATIONS_PER_HOUR) would answer 429 after a few hundred.
  local ip = "10." .. (100 + id) .. "." .. (math.floor(n / 200) % 250) .. "." .. (n % 200)
  return wrk.format("POST", "/petitions/confirm", {["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "civic_csrf=benchcookie", ["X-Forwarded-For"] = ip}, "csrf_token=" .. token .. "&token=" .. tokens[n])
end
"""
GET_LUA = """
function init(args) path = args[1]; hx = args[2] == "hx"; ok = 0; bad = 0 end
request = function()
  -- Accept-Encoding as a browser sends it, so pages are measured compressed, as residents get them.
  local headers = {["Cookie"] = "civic_csrf=benchcookie", ["Accept-Encoding"] = "gzip, deflate, br"}
  if hx then headers["HX-Request"] = "true" end
  return wrk.format("GET", path, headers)
end
"""


@dataclass
class Result:
    name: str
    rps: float
    p50: float
    p99: float
    ok: int
    bad: int
    errors: int


def write_scripts() -> dict[str, Path]:
    scripts = {}
    for name, body in (("sign", SIGN_LUA), ("confirm", CONFIRM_LUA), ("get", GET_LUA)):
        path = LUA / f"{name}.lua"
        path.write_text(body + COMMON_LUA)
        scripts[name] = path
    return scripts


def run_wrk(port: int, script: Path, args: list[str], name: str, duration: int, connections: int) -> Result:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script),
               f"http://127.0.0.1:{port}", "--", *args]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+) (\d+)", output)
    assert found, output
    requests, micros, errors, p50, p99, ok, bad = found.groups()
    return Result(
        name, int(requests) / (int(micros) / 1e6), float(p50), float(p99), int(ok), int(bad), int(errors)
    )


def tree(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def peak_mb(pids: list[int]) -> list[float]:
    peaks = []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        if match and "python" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
            peaks.append(int(match.group(1)) / 1024)
    return peaks


class Server:
    def __init__(self, app: str, workers: int, env: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [UVICORN, app, "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
             "--no-access-log", "--log-level", "warning"],
            env={**os.environ, **env, "BASE_URL": f"http://127.0.0.1:{self.port}"},
            cwd=ROOT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/", timeout=1).status_code < 500:
                    time.sleep(0.5 if workers > 1 else 0.1)
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"{app} did not start")

    def stop(self) -> list[float]:
        peaks = peak_mb(tree(self.process.pid))
        self.process.terminate()
        self.process.wait(timeout=30)
        return peaks


async def seed(url: str) -> int:
    db = Database(url)
    now = datetime.now(UTC)
    async with db.transaction() as session:
        await load_areas(session)
        petition = Petition(
            action="Reopen the public toilets on Castle Street", background="Benchmark petition.",
            creator_name="Bench", creator_email="bench@example.org", creator_key="bench", created_at=now,
            updated_at=now, state=State.OPEN, opened_at=now, closes_at=now + timedelta(days=180),
            response_threshold=100, debate_threshold=1500,
        )  # fmt: skip
        session.add(petition)
    await db.dispose()
    assert petition.id is not None
    return petition.id


async def pending_tokens(url: str, prefix: str) -> list[str]:
    db = Database(url)
    expires = datetime.now(UTC) + timedelta(days=1)
    async with db.reading() as session:
        rows = await session.exec(
            select(Signature.id)
            .where(Signature.state == SignatureState.PENDING)
            .where(col(Signature.email).like(f"{prefix}-%"))
        )
        ids = list(rows.all())
    await db.dispose()
    return [make_token(SECRET, "petitions.confirm", str(i), expires=expires) for i in ids]


class RawClient:
    """A minimal HTTP/1.1 keep-alive client that sends each request in one write. (httpx sends headers
    and body separately and, through Nagle and delayed ACKs, managed only ~60 requests/s here.)"""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, form: dict[str, str], headers: dict[str, str]) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        body = urlencode(form).encode()
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n{head}\r\n".encode()
            + body
        )
        status = int((await self.reader.readline()).split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def exactly_once(
    url: str, port: int, petition_id: int, prefix: str, people: int = 600, copies: int = 2
) -> str:
    """Each person signs twice at once; every acknowledged person must be stored exactly once."""
    token = token_for(SECRET, COOKIE)
    acked: set[str] = set()
    started = time.monotonic()
    work = [(n, copy) for n in range(people) for copy in range(copies)]

    async def sender() -> None:
        client = RawClient(port)
        try:
            while work:
                n, copy = work.pop()
                email = f"{prefix}-{n}@bench.example"
                status = await client.post(
                    f"/petitions/{petition_id}/sign",
                    {"csrf_token": token, "name": "Once", "email": email if copy == 0 else email.upper(),
                     "postcode": "FB6 1UU", "residency": "live"},
                    {"Cookie": f"civic_csrf={COOKIE}", "X-Forwarded-For": f"10.99.{n // 200}.{n % 200}"},
                )  # fmt: skip
                if status == 303:
                    acked.add(email)
        finally:
            await client.close()

    await asyncio.gather(*(sender() for _ in range(64)))
    elapsed = time.monotonic() - started
    db = Database(url)
    async with db.reading() as session:
        rows = await session.exec(
            select(Signature.email_canonical, func.count())
            .where(col(Signature.email_canonical).like(f"{prefix}-%"))
            .group_by(col(Signature.email_canonical))
        )
        stored = {email: int(n) for email, n in rows.all()}
    await db.dispose()
    duplicates = sum(1 for n in stored.values() if n > 1)
    missing = len(acked - set(stored))
    verdict = "OK" if duplicates == 0 and missing == 0 else "FAILED"
    return (f"{copies * people} attempts by {people} people: acknowledged {len(acked)}, stored {len(stored)}, "
            f"duplicates {duplicates}, missing {missing} -> {verdict} ({elapsed:.1f}s)")  # fmt: skip


def database_for(engine: str, workdir: Path, postgres: PostgresServer | None) -> str:
    if engine == "sqlite":
        return f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    assert postgres is not None
    return postgres.create_database(f"bench_{int(time.time())}")


def bench_app(engine: str, url: str, workers: int, opts: argparse.Namespace, scripts: dict[str, Path],
              petition_id: int, workdir: Path, hello: float) -> None:  # fmt: skip
    env = {"DATABASE_URL": url, "SECRET_KEY": SECRET, "ENVIRONMENT": "production", "MAIL_WORKER": "0",
           "TRUST_PROXY_HEADERS": "1", "LOG_LEVEL": "WARNING"}  # fmt: skip
    server = Server("civic.asgi:app", workers, env)
    try:
        token = token_for(SECRET, COOKIE)
        prefix = f"{engine}{workers}w{int(time.time())}"
        d, c = opts.duration, opts.connections
        sign_path = f"/petitions/{petition_id}/sign"
        # A fresh process's first requests compile templates and SQL and open connections. Every other
        # scenario runs on a process already warm, so sign first gets a 2 s warm-up of its own, shown as
        # the "sign (cold)" row (its signatures use another prefix and are not counted below).
        cold = run_wrk(server.port, scripts["sign"], [prefix + "warm", sign_path, token], "sign (cold)", 2, c)
        results = [run_wrk(server.port, scripts["sign"], [prefix, sign_path, token], "sign", d, c)]
        tokens = workdir / "tokens.txt"
        made = asyncio.run(pending_tokens(url, prefix))
        tokens.write_text("\n".join(made) + "\n")
        count = len(made)
        results.append(run_wrk(server.port, scripts["confirm"], [str(tokens), token, "2"], "confirm", d, c))
        results.append(
            run_wrk(server.port, scripts["get"], [f"/petitions/{petition_id}"], "petition page", d, c)
        )
        results.append(
            run_wrk(
                server.port, scripts["get"], [f"/petitions/{petition_id}/count", "hx"], "count fragment", d, c
            )
        )
        check = asyncio.run(exactly_once(url, server.port, petition_id, prefix + "x"))
    finally:
        peaks = server.stop()
    print(f"\n== Civic on {engine}, {workers} worker(s), {c} connections, {d}s each ==")
    print(
        f"{'scenario':<16}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ok':>8}{'4xx/5xx':>9}{'sock err':>9}{'x hello':>9}"
    )
    for r in [cold, *results]:
        print(
            f"{r.name:<16}{r.rps:>9.0f}{r.p50:>9.1f}{r.p99:>9.1f}{r.ok:>8}{r.bad:>9}{r.errors:>9}{r.rps / hello:>9.2f}"
        )
    print(f"signatures acknowledged in the sign run: {results[0].ok}; confirmation tokens made: {count}")
    print(f"exactly-once check: {check}")
    print("peak memory per process (MB): " + ", ".join(f"{p:.0f}" for p in peaks))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=6)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--workers", default="1,2")
    opts = parser.parse_args()
    scripts = write_scripts()
    workers_list = [int(w) for w in opts.workers.split(",")]
    hello: dict[int, float] = {}
    for workers in workers_list:
        server = Server("bench.hello:app", workers, {})
        try:
            result = run_wrk(server.port, scripts["get"], ["/"], "hello", opts.duration, opts.connections)
        finally:
            peaks = server.stop()
        hello[workers] = result.rps
        print(f"bare Starlette hello, {workers} worker(s): {result.rps:.0f} req/s, p50 {result.p50:.1f} ms, "
              f"p99 {result.p99:.1f} ms, peak MB {', '.join(f'{p:.0f}' for p in peaks)}")  # fmt: skip
    postgres = None
    try:
        for engine in opts.engines.split(","):
            if engine == "postgresql" and postgres is None:
                postgres = PostgresServer()
                postgres.start()
            with tempfile.TemporaryDirectory(prefix="civic-bench-") as raw:
                workdir = Path(raw)
                url = database_for(engine, workdir, postgres)
                upgrade(url)
                petition_id = asyncio.run(seed(url))
                for workers in workers_list:
                    bench_app(engine, url, workers, opts, scripts, petition_id, workdir, hello[workers])
    finally:
        if postgres is not None:
            postgres.stop()


if __name__ == "__main__":
    main()
