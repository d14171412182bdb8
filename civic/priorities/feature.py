"""What neighbourhood police priorities add to the app, named part by part (civic/features.py lists it)."""

from civic.core.features import Feature, NavEntry
from civic.core.home import staff_link
from civic.core.i18n import lazy_gettext
from civic.core.telemetry import StoredCount
from civic.priorities import (
    answers,
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
    name="priorities",
    models=models,
    mount="/priorities",
    routes=tuple(routes.routes),
    nav=NavEntry(lazy_gettext("Police priorities"), "/priorities/", position=2),
    staff_links=(staff_link("Police priorities: rounds and progress", "/priorities/manage", "police"),),
    open_now=(queries.open_rounds,),
    jobs=jobs.JOBS,
    target_kinds=(answers.TARGET_KIND,),
    metrics=(metrics.priorities_updated,),
    datasets=opendata.DATASETS,
    demo=(demo.load_priorities_demo,),
    settings=settings.SETTINGS,
    rules=rules,
    stored_counts=(
        StoredCount("priorities_ballots", models.Ballot.__tablename__, "Police priorities ballots counted"),
    ),
    personal_data=privacy.PERSONAL_DATA,
    subject_access=privacy.SUBJECT_ACCESS,
)
