"""What petitions add to the app, named part by part (civic/features.py lists it)."""

from civic.core.features import Feature, NavEntry
from civic.core.home import staff_link
from civic.core.i18n import lazy_gettext
from civic.core.telemetry import StoredCount
from civic.core.users import Role
from civic.petitions import (
    answers,
    demo,
    jobs,
    metrics,
    models,
    opendata,
    privacy,
    queries_home,
    routes,
    rules,
    settings,
    web_state,
)

FEATURE = Feature(
    name="petitions",
    models=models,
    mount="/petitions",
    routes=tuple(routes.routes),
    top_level=tuple(routes.top_level),
    nav=NavEntry(lazy_gettext("Petitions"), "/petitions/", position=1),
    staff_links=(
        staff_link(
            lazy_gettext("Petitions waiting for moderation"), "/petitions/moderation", Role.MODERATOR.value
        ),
        staff_link(
            lazy_gettext("Record a petition handed in on paper"), "/petitions/paper/new", Role.MODERATOR.value
        ),
        staff_link(
            lazy_gettext("Petitions awaiting the council's response"),
            "/petitions?state=awaiting_response",
            Role.COUNCILLOR.value,
        ),
        staff_link(
            lazy_gettext("Petitions on the debate list"),
            "/petitions?state=awaiting_debate",
            Role.COUNCILLOR.value,
        ),
    ),
    open_now=(queries_home.open_petitions,),
    jobs=jobs.JOBS,
    target_kinds=(answers.TARGET_KIND,),
    metrics=(metrics.petitions_per_resident,),
    datasets=opendata.DATASETS,
    demo=(demo.load_petitions,),
    settings=settings.SETTINGS,
    per_process=(web_state.build,),
    rules=rules,
    stored_counts=(StoredCount("signatures", models.Signature.__tablename__, "Petition signatures stored"),),
    personal_data=privacy.PERSONAL_DATA,
    subject_access=privacy.SUBJECT_ACCESS,
    uploads=routes.UPLOADS,
)
