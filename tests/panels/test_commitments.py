"""A panel decision's actions are commitments read from the panel's own tables: what, who and by
when as the clerk recorded them, counted against the panel's body; once due, the panel's confirmed
subscribers are asked "was it done?" once, and the commitment has its own public page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import select

from civic.core.clock import FrozenClock
from civic.core.commitments import Kept
from civic.core.db import Database, row_id
from civic.core.state import app_state
from civic.panels import answers_commitments, service_actions
from civic.panels.models import PanelAction, PanelSubscription, SubscriptionStatus
from civic.panels.procedure import ActionStatus
from civic.responses.queries_commitments import all_commitments
from civic.responses.queries_members import panel_body
from tests.panels import steps
from tests.panels.conftest import PanelSetup
from tests.support.smtp import SmtpServer
from tests.support.web import WebClient


async def test_a_panel_action_is_a_commitment_and_its_subscribers_are_asked_once(
    mail_app: Any, db: Database, clock: FrozenClock, setup: PanelSetup, smtp: SmtpServer, web: WebClient
) -> None:
    async with db.transaction() as session:
        session.add(
            PanelSubscription(
                panel_id=row_id(setup.panel), email="priya@example.org", email_hash="h",
                status=SubscriptionStatus.CONFIRMED, created_at=clock.now(),
            )
        )  # fmt: skip
    decision = await steps.decide(db, clock, setup)
    async with db.reading() as session:
        [action] = (await session.exec(select(PanelAction))).all()
        [item] = [c for c in await all_commitments(session) if c.kind == answers_commitments.KIND]
        assert await answers_commitments.for_decision(session, str(decision.id)) == [item]
        assert await answers_commitments.for_decision(session, str(row_id(decision) + 1)) == []
    assert (item.what, item.owner, item.due_on, item.state) == (
        "Pay the grant", "Community team", action.due_on, Kept.OPEN,
    )  # fmt: skip
    assert item.body_slug == panel_body(row_id(setup.panel)) and item.ward_codes == ("E05900006",)
    assert (item.asked_kind, item.asked_ref) == ("panel_decision", str(decision.id))
    page = await web.get(f"/responses/commitments/panel_action/{action.id}")
    assert page.status_code == 200 and "Pay the grant" in page.text and "Community team" in page.text
    listed = await web.get(f"/responses/bodies/{item.body_slug}/commitments")
    assert "Pay the grant" in listed.text and "Panel action" in listed.text

    worker = app_state(mail_app).worker
    await worker.jobs_once(force=True)
    assert not [m for m in smtp.messages if m["Subject"].startswith("Was it done?")]  # not yet due
    clock.advance(timedelta(days=15))
    await worker.jobs_once(force=True)
    await worker.jobs_once(force=True)
    while await worker.pass_once():
        pass
    asked = [m for m in smtp.messages if m["Subject"].startswith("Was it done?")]
    assert [m["To"] for m in asked] == ["priya@example.org"]
    assert (await web.get(f"/responses/bodies/{item.body_slug}/commitments")).text.count("(late)") == 1


async def test_a_panel_actions_statuses_map_onto_kept(
    db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    await steps.decide(db, clock, setup)
    async with db.transaction() as session:
        [action] = (await session.exec(select(PanelAction))).all()
        await service_actions.update_action(
            session, action, actor=None, now=clock.now(), status=ActionStatus.DONE, note="Paid"
        )
    async with db.reading() as session:
        item = await answers_commitments.load(session, str(action.id))
        assert item is not None and item.state == Kept.DONE and item.closed_on == clock.now().date()
        assert await answers_commitments.load(session, "999") is None
        assert await answers_commitments.load(session, "x") is None
