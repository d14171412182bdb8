"""Imports every table so Alembic, the tests and `create_app` see the whole schema.

Each feature adds its lines here: importing a feature's models, rules, jobs, demo, data and metrics
modules registers its tables, permission rules, scheduled jobs, demo loader, open datasets
and report-card rows.
"""

import civic.budgets.answers
import civic.budgets.demo
import civic.budgets.jobs
import civic.budgets.models
import civic.budgets.opendata
import civic.budgets.rules
import civic.budgets.settings
import civic.core.areas
import civic.core.audit
import civic.core.jobs
import civic.core.outbox
import civic.core.ratelimit
import civic.core.sessions
import civic.core.users
import civic.panels.answers
import civic.panels.demo
import civic.panels.jobs
import civic.panels.metrics
import civic.panels.models
import civic.panels.opendata
import civic.panels.rules
import civic.panels.service_minutes
import civic.panels.settings
import civic.petitions.feature
import civic.priorities.feature
import civic.responses.demo
import civic.responses.demo_answers  # after every feature's demo, whose asks it answers
import civic.responses.models
import civic.responses.opendata
import civic.responses.rules
import civic.responses.settings
import civic.site.jobs
