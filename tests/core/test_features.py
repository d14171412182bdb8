"""The app is built from the feature list: what each feature's contract names is what the app has."""

from __future__ import annotations

from starlette.routing import Mount

from civic.app import build_routes
from civic.core import demo, home, opendata, templating
from civic.core.jobs import REGISTRY
from civic.features import FEATURES, SITE_JOBS, SITE_STAFF_LINKS, by_position
from civic.responses import queries_report, queries_targets


def test_every_feature_is_mounted_once_in_navigation_order_with_petitions_first() -> None:
    mounts = [route for route in build_routes() if isinstance(route, Mount) and route.name != "static"]
    assert [m.name for m in mounts] == [f.name for f in by_position()]
    assert mounts[0].name == "petitions"
    assert sorted(m.name for m in mounts) == sorted(f.name for f in FEATURES)


def test_the_app_lists_are_built_from_the_contracts() -> None:
    assert list(REGISTRY.values()) == [*(j for f in FEATURES for j in f.jobs), *SITE_JOBS]
    assert [loader for f in FEATURES for loader in f.demo] == demo.LOADERS
    assert [d for f in FEATURES for d in f.datasets] == opendata.DATASETS
    assert [*(link for f in FEATURES for link in f.staff_links), *SITE_STAFF_LINKS] == home.STAFF_LINKS
    assert [p for f in by_position() for p in f.open_now] == home.PROVIDERS
    assert [(f.nav.label, f.nav.href) for f in by_position() if f.nav] == templating.NAVIGATION
    assert [m for f in FEATURES for m in f.metrics] == queries_report.METRICS
    assert list(queries_targets.KINDS.values()) == [k for f in FEATURES for k in f.target_kinds]


def test_responses_demo_answers_run_after_every_other_features_demo() -> None:
    assert FEATURES[-1].name == "responses"
    assert demo.LOADERS[-1].__name__ == "load_answers"
