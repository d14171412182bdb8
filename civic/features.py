"""Every feature of the app. Adding a feature is one line in `FEATURES`.

Each entry is the feature's contract (civic/core/features.py). Importing this module imports every
table (Alembic and the tests see the whole schema) and fills the app's lists from the contracts, in
the order given here: demo loaders, scheduled jobs, response target kinds, report-card rows, settings
and staff links follow it, so responses, listed last, loads its demo answers after every other
feature's demo has made the asks they answer. The navigation, the home page's "open now" list and the
mounts follow each feature's navigation position instead (petitions, the busiest, first).
"""

from __future__ import annotations

from dataclasses import replace

import civic.core.areas
import civic.core.audit
import civic.core.boundaries
import civic.core.content_languages
import civic.core.countrecord
import civic.core.data_requests
import civic.core.duties
import civic.core.jobs
import civic.core.outbox
import civic.core.passkeys
import civic.core.ratelimit
import civic.core.sessions
import civic.core.signins
import civic.core.totp
import civic.core.users  # noqa: F401 - the core tables
from civic import config
from civic.budgets.feature import FEATURE as BUDGETS
from civic.core import demo, home, opendata, privacy, privacy_core, telemetry, templating
from civic.core.features import Feature
from civic.core.home import staff_link
from civic.core.i18n import lazy_gettext
from civic.core.jobs import REGISTRY, Job
from civic.panels.feature import FEATURE as PANELS
from civic.petitions.feature import FEATURE as PETITIONS
from civic.priorities.feature import FEATURE as PRIORITIES
from civic.responses import queries_commitments, queries_report, queries_targets
from civic.responses.feature import FEATURE as RESPONSES
from civic.site import jobs as site_jobs
from civic.surveys.feature import FEATURE as SURVEYS

FEATURES: tuple[Feature, ...] = (BUDGETS, PANELS, PETITIONS, PRIORITIES, SURVEYS, RESPONSES)

# What the site (home, sign-in, admin) adds: it is part of the app, not a feature.
SITE_JOBS: tuple[Job, ...] = site_jobs.JOBS
SITE_STAFF_LINKS = (staff_link(lazy_gettext("Outbox: email delivery"), "/admin/outbox"),)


def by_position() -> list[Feature]:
    """Features in navigation order (any without a navigation entry last): the navigation, the home
    page and the mounts use it."""
    return sorted(FEATURES, key=lambda f: f.nav.position if f.nav else len(FEATURES) + 1_000)


def install() -> None:
    """Fill the app's lists from the contracts. Safe to call again: each list is rebuilt."""
    config.register(*privacy_core.SETTINGS, *(setting for f in FEATURES for setting in f.settings))
    REGISTRY.clear()
    REGISTRY.update({job.name: job for job in (*(j for f in FEATURES for j in f.jobs), *SITE_JOBS)})
    demo.LOADERS[:] = [loader for f in FEATURES for loader in f.demo]
    opendata.DATASETS.clear()
    for dataset in (d for f in FEATURES for d in f.datasets):
        opendata.register_dataset(dataset)
    home.STAFF_LINKS[:] = [*(link for f in FEATURES for link in f.staff_links), *SITE_STAFF_LINKS]
    home.PROVIDERS[:] = [provider for f in by_position() for provider in f.open_now]
    templating.NAVIGATION[:] = [(f.nav.label, f.nav.href) for f in by_position() if f.nav]
    queries_report.METRICS.clear()
    for metric in (m for f in FEATURES for m in f.metrics):
        queries_report.report_metric(metric)
    telemetry.STORED[:] = [count for f in FEATURES for count in f.stored_counts]
    privacy.REGISTER[:] = [
        *privacy_core.CORE_PERSONAL_DATA,
        *(replace(entry, feature=f.name) for f in FEATURES for entry in f.personal_data),
    ]
    privacy.COOKIES[:] = [cookie for f in FEATURES for cookie in f.cookies]
    privacy.ACCESS[:] = [
        privacy.FeatureAccess("site", privacy_core.SUBJECT_ACCESS),
        *(privacy.FeatureAccess(f.name, f.subject_access) for f in FEATURES if f.subject_access),
    ]
    queries_targets.KINDS.clear()
    for f in FEATURES:
        for kind in f.target_kinds:
            queries_targets.register_kind(kind)
    queries_commitments.SOURCES.clear()
    for source in (s for f in FEATURES for s in f.commitment_sources):
        queries_commitments.register_source(source)


install()
