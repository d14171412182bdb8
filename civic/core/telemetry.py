"""Prometheus metrics: what an operator watches to know Civic is healthy before residents complain.

Two kinds, because Civic runs as several processes:
- per-process counters (requests by route name, method and status class; request latency; resident
  memory), kept by `prometheus-client`. With `PROMETHEUS_MULTIPROC_DIR` set (`civic serve` sets it
  to `METRICS_DIR` when it starts several workers) every process writes its own files there and a
  scrape of any one process reads them all;
- figures that belong to the whole deployment (outbox depth and age, failed mail, scheduled-job lag,
  signatures and ballots stored), read from the database at scrape time, so they are the same
  whichever process answers.

The endpoint is off unless `METRICS_TOKEN` is set, and then needs `Authorization: Bearer <token>`.
Labels hold route names and numbers only, never anything a resident typed.
"""

from __future__ import annotations

import hmac
import os
import resource
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select, table
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import run_sql
from civic.core.jobs import Job, JobLease
from civic.core.outbox import OutboxMessage, OutboxStatus

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
# Buckets from a fast page (5 ms) to a slow export (10 s).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter("civic_http_requests", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram(
    "civic_http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["route"],
    buckets=LATENCY_BUCKETS,
)
MEMORY = Gauge(
    "civic_process_max_resident_memory_bytes",
    "Peak resident memory of each app process",
    multiprocess_mode="max",
)


class _Throttle:
    """True at most once per `seconds`."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.last = seconds, float("-inf")

    def due(self) -> bool:
        moment = time.monotonic()
        if moment - self.last < self.seconds:
            return False
        self.last = moment
        return True


_memory_due = _Throttle(1.0)


# (route, method, status class) -> that series' counter and the route's histogram. Looking a labelled
# child up in prometheus_client takes a lock and checks the labels each time, which cost more than the
# rest of a cached poll; the children live as long as the process, so they are kept. Bounded, as the
# method is whatever the client sent.
_series: dict[tuple[str, str, str], tuple[Any, Any]] = {}
MAX_SERIES = 2_000


def observe_request(route: str, method: str, status: int, seconds: float) -> None:
    key = (route, method, f"{status // 100}xx")
    found = _series.get(key)
    if found is None:
        found = (REQUESTS.labels(*key), LATENCY.labels(route))
        if len(_series) < MAX_SERIES:
            _series[key] = found
    found[0].inc()
    found[1].observe(seconds)
    _note_memory()


def _note_memory() -> None:
    """At most once a second: reading the figure on every request would cost more than it tells."""
    if _memory_due.due():
        MEMORY.set(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)  # Linux reports KiB


@dataclass(frozen=True)
class StoredCount:
    """A deployment figure a feature offers: rows of one table, e.g. signatures or ballots."""

    name: str  # the metric name's last part: civic_<name>_stored
    table: str
    help: str


# Filled from the feature contracts by civic/features.py, like the other lists the app keeps.
STORED: list[StoredCount] = []


async def deployment_metrics(
    session: AsyncSession, *, now: datetime, jobs: Sequence[Job], stored: Sequence[StoredCount]
) -> list[Metric]:
    """The figures that belong to the whole deployment, read from the database now."""
    families: list[Metric] = [*await _outbox(session, now), await _job_lag(session, now, jobs)]
    for count in stored:
        rows = (await run_sql(session, select(func.count()).select_from(table(count.table)))).scalar_one()
        family = GaugeMetricFamily(f"civic_{count.name}_stored", count.help)
        family.add_metric([], float(rows))
        families.append(family)
    return families


async def _outbox(session: AsyncSession, now: datetime) -> list[Metric]:
    statuses = select(col(OutboxMessage.status), func.count(), func.min(col(OutboxMessage.created_at)))
    rows: Sequence[Any] = (await run_sql(session, statuses.group_by(col(OutboxMessage.status)))).all()
    by_status: dict[str, tuple[int, datetime | None]] = {row[0]: (row[1], row[2]) for row in rows}
    queued, oldest = by_status.get(OutboxStatus.PENDING, (0, None))
    depth = GaugeMetricFamily("civic_outbox_queued_messages", "Messages waiting to be sent")
    depth.add_metric([], float(queued))
    age = GaugeMetricFamily(
        "civic_outbox_oldest_queued_age_seconds", "Age of the oldest message waiting (0 when none)"
    )
    age.add_metric([], 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds()))
    failed = GaugeMetricFamily("civic_outbox_failed_messages", "Messages marked failed")
    failed.add_metric([], float(by_status.get(OutboxStatus.FAILED, (0, None))[0]))
    return [depth, age, failed]


async def _job_lag(session: AsyncSession, now: datetime, jobs: Sequence[Job]) -> Metric:
    """How far behind each scheduled job is: time since it was due (0 when on time). A job that has
    never run counts as due since now, so a new deployment is not an alarm."""
    runs = await run_sql(session, select(col(JobLease.name), col(JobLease.last_run_at)))
    ran_at: Sequence[Any] = runs.all()
    last: dict[str, datetime | None] = {row[0]: row[1] for row in ran_at}
    family = GaugeMetricFamily(
        "civic_job_lag_seconds", "Seconds since a scheduled job was due", labels=["job"]
    )
    for job in sorted(jobs, key=lambda j: j.name):
        ran = last.get(job.name)
        lag = 0.0 if ran is None else max(0.0, (now - ran - job.every).total_seconds())
        family.add_metric([job.name], lag)
    return family


class _Fixed(Collector):
    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self.families


def exposition(deployment: Iterable[Metric]) -> bytes:
    """The scrape: every process's counters (all of them in multiprocess mode) and the figures."""
    if MULTIPROCESS:
        processes = CollectorRegistry()
        MultiProcessCollector(processes)  # type: ignore[no-untyped-call]
        text = generate_latest(processes)
    else:
        from prometheus_client import REGISTRY

        text = generate_latest(REGISTRY)
    figures = CollectorRegistry()
    figures.register(_Fixed(deployment))
    return text + generate_latest(figures)


def authorised(header: str, token: str) -> bool:
    """`Authorization: Bearer <token>`, compared in constant time; never true without a token."""
    scheme, _, given = header.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())
