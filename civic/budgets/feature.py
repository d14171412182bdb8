"""What youth budgets add to the app, named part by part (civic/features.py lists it)."""

from civic.budgets import (
    answers,
    answers_commitments,
    cli,
    demo,
    jobs,
    models,
    opendata,
    privacy,
    queries,
    routes,
    rules,
    settings,
)
from civic.core.features import Commands, Feature, NavEntry
from civic.core.home import staff_link
from civic.core.i18n import lazy_gettext
from civic.core.telemetry import StoredCount

FEATURE = Feature(
    name="budgets",
    models=models,
    mount="/budgets",
    routes=tuple(routes.routes),
    nav=NavEntry(lazy_gettext("Youth budgets"), "/budgets/", position=3),
    staff_links=(staff_link(lazy_gettext("Youth budgets"), "/budgets/staff", "youth_worker"),),
    open_now=(queries.open_budgets,),
    commands=Commands(cli.add_parser, cli.HANDLERS),
    jobs=jobs.JOBS,
    target_kinds=(answers.TARGET_KIND,),
    commitment_sources=(answers_commitments.COMMITMENTS,),
    datasets=opendata.DATASETS,
    demo=(demo.load_budgets,),
    settings=settings.SETTINGS,
    rules=rules,
    stored_counts=(
        StoredCount("budget_ballots", models.BudgetBallot.__tablename__, "Youth budget ballots cast"),
    ),
    personal_data=privacy.PERSONAL_DATA,
    subject_access=privacy.SUBJECT_ACCESS,
    cookies=privacy.COOKIES,
)
