"""A panel decision that asks for action is an ask in the responses feature: the panel's own body
answers it there (its clerks report back), the panel's subscribers hear once, and the decision page
links the answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.state import app_state
from civic.core.users import Role
from civic.panels import answers
from civic.panels.models import PanelSubscription, SubscriptionStatus
from tests.conftest import PASSWORD, SECRET, StaffFactory
from tests.panels import steps
from tests.panels.conftest import PanelSetup
from tests.support.smtp import SmtpServer, body_of
from tests.support.web import WebClient


@pytest.fixture
async def mail_web(mail_app: Any) -> AsyncIterator[WebClient]:
    transport = httpx.ASGITransport(app=mail_app, client=("203.0.113.60", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield WebClient(client, SECRET)


async def test_the_panel_clerk_answers_a_panel_decision_and_subscribers_hear(
    mail_app: Any,
    mail_web: WebClient,
    db: Database,
    clock: FrozenClock,
    setup: PanelSetup,
    make_staff: StaffFactory,
    smtp: SmtpServer,
) -> None:
    async with db.transaction() as session:
        session.add(
            PanelSubscription(
                panel_id=row_id(setup.panel), email="priya@example.org", email_hash="h",
                status=SubscriptionStatus.CONFIRMED, created_at=clock.now(),
            )
        )  # fmt: skip
    decision = await steps.decide(db, clock, setup)
    page = (await mail_web.get(f"/panels/decisions/{decision.id}")).text
    assert "A response is due by" in page
    clock.advance(timedelta(days=30))
    assert "and is overdue" in (await mail_web.get(f"/panels/decisions/{decision.id}")).text
    clerk = await make_staff(Role.PANEL_CLERK, name="Dana Reid")
    await mail_web.login(clerk.email, PASSWORD)
    assert "Grant £2,000 to the youth club" in (await mail_web.get("/responses/queue")).text
    saved = await mail_web.post_form(
        f"/responses/write/{answers.KIND}/{decision.id}",
        {"summary": "We will match the grant.", "details": "The youth service adds £1,000."},
    )
    assert saved.status_code == 303, saved.text[:2000]
    response_id = saved.headers["location"].split("/")[2]
    assert (await mail_web.post_form(f"/responses/{response_id}/publish")).status_code == 303
    await app_state(mail_app).worker.pass_once()
    received = smtp.to("priya@example.org")
    assert len(received) == 1 and "We will match the grant." in body_of(received[0])
    page = (await mail_web.get(f"/panels/decisions/{decision.id}")).text
    assert f'href="/responses/{response_id}"' in page and "Dana Reid" in page


async def test_a_decision_asking_for_action_is_due_an_answer_in_28_days(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    decision = await steps.decide(db, clock, setup)
    async with db.reading() as session:
        assert [t.id for t in await answers.awaiting(session, clock.now())] == [str(decision.id)]
        info = await answers.load(session, str(decision.id))
        assert (
            info is not None
            and info.ward_codes == ("E05900006",)
            and info.due_at == decision.decided_at + answers.ANSWER_WITHIN
        )
        assert await answers.load(session, "999") is None and await answers.load(session, "x") is None
