"""The feature contract: one `Feature` value per feature says everything the app needs from it.

Each feature's `feature.py` builds its `FEATURE`, naming its parts explicitly; `civic/features.py`
lists every feature, and the app, the CLI, the scheduled jobs, the demo, the navigation, the home page,
the staff dashboard, open data and the report cards are all built by looping over that list. Nothing
is registered by importing a module. Every type named here lives in core, so core imports no feature.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from starlette.routing import BaseRoute

from civic.config import Setting, Settings
from civic.core.commitments import CommitmentSource
from civic.core.demo import DemoLoader
from civic.core.home import Provider, StaffLink
from civic.core.i18n import LazyString
from civic.core.jobs import Job
from civic.core.opendata import Dataset
from civic.core.privacy import Cookie, PersonalData, SubjectAccess
from civic.core.reportcard import MetricProvider
from civic.core.security import Upload
from civic.core.state import PartFactory
from civic.core.targets import TargetKind
from civic.core.telemetry import StoredCount

CommandHandler = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


@dataclass(frozen=True)
class NavEntry:
    """The feature's link in the main navigation. `position` orders the navigation, the home page's
    "open now" list and the mounts (the busiest public feature, petitions, is first)."""

    label: str | LazyString  # lazy: translated in the reader's language when a page shows it
    href: str
    position: int


@dataclass(frozen=True)
class Commands:
    """`civic <feature> ...`: `add_parser(sub)` adds the sub-commands to the `civic` parser and
    `handlers` maps "<feature> <action>" to the coroutine that does it."""

    add_parser: Callable[[Any], None]
    handlers: Mapping[str, CommandHandler]


@dataclass(frozen=True)
class Feature:
    """Everything one feature adds to the app. Lists keep their order: the order features are listed
    in civic/features.py, and within a feature the order given here, is the order they run or show."""

    name: str
    models: ModuleType  # its tables (Alembic and the tests see every feature's)
    mount: str  # the path its `routes` are mounted at, e.g. "/petitions"
    routes: tuple[BaseRoute, ...]
    top_level: tuple[BaseRoute, ...] = ()  # routes beside the mount, e.g. /petitions.json
    nav: NavEntry | None = None
    staff_links: tuple[StaffLink, ...] = ()
    open_now: tuple[Provider, ...] = ()  # home-page "open now" providers
    commands: Commands | None = None
    jobs: tuple[Job, ...] = ()
    target_kinds: tuple[TargetKind, ...] = ()  # what the responses feature answers for it
    commitment_sources: tuple[CommitmentSource, ...] = ()  # promises it tracks, for "was it done?"
    metrics: tuple[MetricProvider, ...] = ()  # report-card rows
    datasets: tuple[Dataset, ...] = ()  # open data
    demo: tuple[DemoLoader, ...] = ()
    settings: tuple[Setting, ...] = ()
    per_process: tuple[PartFactory, ...] = ()  # built at startup into the app's AppState.parts
    stored_counts: tuple[StoredCount, ...] = ()  # rows residents stored, for /metrics
    rules: ModuleType | None = None  # its `rules.py`, whose predicates civic.core.rules knows by name
    personal_data: tuple[PersonalData, ...] = ()  # its retention register entries (its `privacy.py`)
    subject_access: SubjectAccess | None = None  # search, export and erase one email address's data
    cookies: tuple[Cookie, ...] = ()  # the cookies it sets, for the cookies page
    uploads: tuple[Upload, ...] = ()  # routes taking files over MAX_BODY_BYTES, and their size settings
