"""What residents' surveys add to the app, named part by part (civic/features.py lists it)."""

from civic.core.features import Feature, NavEntry
from civic.core.home import staff_link
from civic.core.i18n import lazy_gettext
from civic.core.telemetry import StoredCount
from civic.core.users import Role
from civic.surveys import demo, jobs, metrics, models, opendata, privacy, queries, routes, rules, settings

FEATURE = Feature(
    name="surveys",
    models=models,
    mount="/surveys",
    routes=tuple(routes.routes),
    top_level=tuple(routes.top_level),
    nav=NavEntry(lazy_gettext("Surveys"), "/surveys/", position=6),
    staff_links=(
        staff_link(
            lazy_gettext("Residents' surveys: questions, codes and paper forms"),
            "/surveys/manage",
            Role.ADMIN.value,
        ),
    ),
    open_now=(queries.open_surveys,),
    jobs=jobs.JOBS,
    stored_counts=(StoredCount("survey_responses", "survey_response", "residents' survey responses stored"),),
    metrics=(metrics.latest_survey,),
    datasets=opendata.DATASETS,
    demo=(demo.load_surveys,),
    settings=settings.SETTINGS,
    rules=rules,
    personal_data=privacy.PERSONAL_DATA,
    subject_access=privacy.SUBJECT_ACCESS,
)
