"""What neighbourhood police priorities add to the app, named part by part (civic/features.py lists it)."""

from civic.core.features import Commands, Feature, NavEntry
from civic.core.home import staff_link
from civic.core.i18n import lazy_gettext
from civic.core.telemetry import StoredCount
from civic.priorities import (
    answers,
    answers_commitments,
    cli,
    demo,
    jobs,
    metrics,
    models,
    opendata,
    privacy,
    queries,
    queries_meetings,
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
    staff_links=(
        staff_link(lazy_gettext("Police priorities: rounds and progress"), "/priorities/manage", "police"),
    ),
    open_now=(queries.open_rounds, queries_meetings.open_meetings),
    jobs=jobs.JOBS,
    target_kinds=(answers.TARGET_KIND,),
    commitment_sources=(answers_commitments.COMMITMENTS,),
    metrics=(metrics.priorities_updated,),
    datasets=opendata.DATASETS,
    demo=(demo.load_priorities_demo,),
    settings=settings.SETTINGS,
    rules=rules,
    commands=Commands(cli.add_parser, cli.HANDLERS),
    stored_counts=(
        StoredCount("priorities_ballots", models.Ballot.__tablename__, "Police priorities ballots counted"),
    ),
    personal_data=privacy.PERSONAL_DATA,
    subject_access=privacy.SUBJECT_ACCESS,
)
