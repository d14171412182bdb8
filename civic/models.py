"""Imports every table so Alembic, the tests and `create_app` see the whole schema.

Each feature adds one import line here; importing a feature's models also registers its rules and jobs.
"""

from civic.core import areas, audit, jobs, outbox, ratelimit, sessions, users  # noqa: F401
from civic.petitions import feature as petitions  # noqa: F401
from civic.site import jobs as site_jobs  # noqa: F401
