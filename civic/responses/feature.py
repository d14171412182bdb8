"""What responses and accountability add to the app, named part by part (civic/features.py lists it).

Its demo answers run after its demo bodies and, because responses is listed last, after every other
feature's demo, whose asks they answer."""

from civic.core.features import Feature, NavEntry
from civic.core.home import staff_link
from civic.core.i18n import lazy_gettext
from civic.responses import demo, demo_answers, jobs, models, opendata, privacy, routes, rules, settings

FEATURE = Feature(
    name="responses",
    models=models,
    mount="/responses",
    routes=tuple(routes.routes),
    top_level=tuple(routes.top_level),
    nav=NavEntry(lazy_gettext("Responses"), "/responses/", position=5),
    staff_links=(
        staff_link(
            lazy_gettext("Responses to write"),
            "/responses/queue",
            "councillor",
            "police",
            "youth_worker",
            "panel_clerk",
        ),
        staff_link(
            lazy_gettext("Link the steps of an ask"),
            "/responses/links",
            "councillor",
            "police",
            "youth_worker",
            "panel_clerk",
        ),
        staff_link(lazy_gettext("Comments to moderate"), "/responses/comments", "moderator"),
        staff_link(lazy_gettext("Bodies that answer asks"), "/responses/bodies", "admin"),
    ),
    datasets=opendata.DATASETS,
    demo=(demo.load_bodies, demo_answers.load_answers),
    settings=settings.SETTINGS,
    rules=rules,
    jobs=jobs.JOBS,
    personal_data=privacy.PERSONAL_DATA,
    subject_access=privacy.SUBJECT_ACCESS,
)
