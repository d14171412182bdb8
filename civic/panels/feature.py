"""What community panels add to the app, named part by part (civic/features.py lists it)."""

from civic.core.features import Feature, NavEntry
from civic.core.home import staff_link
from civic.core.i18n import lazy_gettext
from civic.core.users import Role
from civic.panels import (
    answers,
    answers_commitments,
    demo,
    jobs,
    metrics,
    models,
    opendata,
    privacy,
    queries,
    routes,
    rules,
    settings,
)

FEATURE = Feature(
    name="panels",
    models=models,
    mount="/panels",
    routes=tuple(routes.routes),
    top_level=tuple(routes.top_level),
    nav=NavEntry(lazy_gettext("Panels"), "/panels/", position=4),
    staff_links=(
        staff_link(
            lazy_gettext("Community panels: meetings and records"), "/panels/manage", Role.PANEL_CLERK.value
        ),
    ),
    open_now=(queries.upcoming_meetings,),
    jobs=jobs.JOBS,
    target_kinds=(answers.TARGET_KIND,),
    commitment_sources=(answers_commitments.COMMITMENTS,),
    metrics=(metrics.panel_actions_overdue,),
    datasets=opendata.DATASETS,
    demo=(demo.load_panels,),
    settings=settings.SETTINGS,
    rules=rules,
    personal_data=privacy.PERSONAL_DATA,
    subject_access=privacy.SUBJECT_ACCESS,
)
