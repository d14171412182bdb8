"""A data request for one address finds the survey responses it answered (only a keyed hash is
stored) and erasure unlinks them, leaving the anonymous answers in the counts."""

from __future__ import annotations

from civic.config import Settings
from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.identity import email_hash
from civic.core.privacy import Subject
from civic.surveys import privacy, queries, service_answering
from civic.surveys.models import Survey
from civic.surveys.service_answering import Pending
from tests.surveys.conftest import CENTRAL


async def test_search_finds_the_address_and_erasure_keeps_the_counts(
    db: Database, clock: FrozenClock, settings: Settings, survey: Survey
) -> None:
    assert survey.id is not None
    key = email_hash(settings.secret_key, "Kim@Example.org")
    pending = Pending(survey.id, CENTRAL, key, {"influence": "strongly_agree"})
    subject = Subject("kim@example.org", settings.secret_key)
    async with db.transaction() as session:
        await service_answering.confirm(session, survey, pending, now=clock.now())
        held = await privacy.search(session, subject)
        assert [(h.kind, h.fields["survey"], h.fields["ward"]) for h in held] == [
            ("Survey response", survey.title, CENTRAL)
        ]
        assert (await privacy.search(session, Subject("other@example.org", settings.secret_key))) == []
        erased = await privacy.erase(session, subject, clock.now())
        assert erased.changed == 1
        assert await privacy.search(session, subject) == []
        assert await queries.counts_of(session, survey.id) == {("influence", CENTRAL, "strongly_agree"): 1}
