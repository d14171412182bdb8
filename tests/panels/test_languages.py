"""A panel decision in Welsh as well as English: the clerk writes its Welsh version when recording it or
afterwards, each reader sees their language (or is told it exists only in English), each subscriber's
email is in theirs, a council that publishes bilingually cannot record or announce a decision without
it, and open data carries `decision_cy`."""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

from sqlmodel import col, select

from civic.core import content_languages
from civic.core.audit import AuditEntry
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.outbox import OutboxMessage
from civic.core.state import app_state
from civic.core.users import Role
from civic.panels import service, service_record
from civic.panels.models import Decision, MinutesVersion, PanelMember, PanelSubscription, SubscriptionStatus
from civic.panels.procedure import AttendanceStatus, Tally
from tests.conftest import PASSWORD, StaffFactory
from tests.panels import steps
from tests.panels.conftest import PanelSetup
from tests.support.web import WebClient

WELSH = {
    "text__cy": "Rhoi £2,000 i'r clwb ieuenctid",
    "reasons__cy": "Y cais mwyaf poblogaidd",
    "alternatives__cy": "Rhannu'r gronfa",
}
MINUTES_CY = "Cofnodion y cyfarfod: rhoi grant i'r clwb ieuenctid."
ONLY_ENGLISH = "Mae'r testun hwn ar gael yn Saesneg yn unig."


def _text(page: Any) -> str:
    return html.unescape(page.text)


async def _clerk(web: WebClient, make_staff: StaffFactory) -> None:
    clerk = await make_staff(Role.PANEL_CLERK)
    await web.login(clerk.email, PASSWORD)


async def _versions_saved(db: Database) -> list[AuditEntry]:
    async with db.reading() as session:
        rows = await session.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "panels.versions_saved")
            .order_by(col(AuditEntry.id))
        )
        return list(rows.all())


async def test_the_clerk_adds_a_welsh_version_and_each_reader_sees_their_language(
    web: WebClient, db: Database, clock: FrozenClock, setup: PanelSetup, make_staff: StaffFactory
) -> None:
    decision = await steps.decide(db, clock, setup)
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    assert (await web.get(f"/panels/manage/decisions/{decision.id}/versions")).status_code == 403
    assert (await web.post_form(f"/panels/manage/decisions/{decision.id}/versions", WELSH)).status_code == 403
    await web.logout()
    await _clerk(web, make_staff)
    assert "Versions in other languages" in (await web.get(f"/panels/decisions/{decision.id}")).text
    form = await web.get(f"/panels/manage/decisions/{decision.id}/versions")
    assert form.status_code == 200 and 'name="reasons__cy"' in form.text and 'lang="cy"' in form.text
    too_long = await web.post_form(
        f"/panels/manage/decisions/{decision.id}/versions", {**WELSH, "reasons__cy": "x" * 4001}
    )
    assert too_long.status_code == 422 and "4,000 characters or fewer" in too_long.text
    assert WELSH["alternatives__cy"] in _text(too_long)  # what was typed stays
    saved = await web.post_form(f"/panels/manage/decisions/{decision.id}/versions", WELSH)
    assert saved.status_code == 303
    (entry,) = await _versions_saved(db)
    assert (entry.object_id, entry.reason) == (str(decision.id), "cy")
    assert (await web.post_form(f"/panels/manage/decisions/{decision.id}/versions", WELSH)).status_code == 303
    assert len(await _versions_saved(db)) == 1  # nothing changed, nothing logged
    await web.logout()

    welsh = _text(await web.get(f"/panels/decisions/{decision.id}?lang=cy"))
    assert all(text in welsh for text in WELSH.values())
    assert f'<h1 class="govuk-heading-l">{WELSH["text__cy"]}</h1>' in welsh and ONLY_ENGLISH not in welsh
    assert '<p class="govuk-body">Most requested</p>' not in welsh
    english = _text(await web.get(f"/panels/decisions/{decision.id}?lang=en"))
    assert "Grant £2,000 to the youth club" in english and WELSH["text__cy"] not in english
    assert WELSH["text__cy"] in _text(await web.get(f"/panels/meetings/{setup.meeting.id}?lang=cy"))
    assert WELSH["text__cy"] in _text(await web.get(f"/panels/{setup.panel.slug}?lang=cy"))
    assert "Grant £2,000" in _text(await web.get(f"/panels/{setup.panel.slug}?lang=en"))

    (record,) = (await web.get("/panels/decisions.json")).json()["data"]
    assert (record["decision"], record["decision_cy"], record["reasons_cy"]) == (
        "Grant £2,000 to the youth club",
        WELSH["text__cy"],
        WELSH["reasons__cy"],
    )
    header = (await web.get("/panels/decisions.csv")).text.splitlines()[0]
    assert header.endswith(",url,decision_cy,reasons_cy,alternatives_cy")


async def test_a_welsh_reader_of_a_decision_without_a_version_is_told_it_is_in_english(
    web: WebClient, db: Database, clock: FrozenClock, setup: PanelSetup
) -> None:
    decision = await steps.decide(db, clock, setup)
    page = await web.get(f"/panels/decisions/{decision.id}?lang=cy")
    assert ONLY_ENGLISH in _text(page)
    assert '<h1 class="govuk-heading-l" lang="en">Grant £2,000 to the youth club</h1>' in page.text
    assert ONLY_ENGLISH not in _text(await web.get(f"/panels/decisions/{decision.id}?lang=en"))
    assert (await web.get("/panels/decisions.json")).json()["data"][0]["decision_cy"] is None


async def _to_decide(db: Database, clock: FrozenClock, setup: PanelSetup) -> dict[str, str]:
    """Hold the meeting, take attendance and carry a motion; the form that records its decision."""
    await steps.hold(db, clock, setup)
    async with db.transaction() as session:
        meeting, panel = await service.get_meeting(session, row_id(setup.meeting))
        rec = await service_record.load(session, meeting, panel)
        entries = {setup.id(n): (AttendanceStatus.PRESENT, "") for n in steps.PRESENT}
        await service_record.record_attendance(session, rec, entries, actor=None, now=clock.now())
        item = row_id(rec.items[0])
        motion = await service_record.record_motion(
            session, rec, actor=None, now=clock.now(), item_id=item, text="Fund the youth club",
            proposer_id=setup.id("Joan Okafor"), seconder_id=setup.id("Ravi Menon"), tally=Tally(3, 1, 0),
        )  # fmt: skip
    return {
        "item": str(item),
        "motion": str(motion.id),
        "text": "Grant £2,000 to the youth club",
        "reasons": "Most requested",
        "alternatives": "",
    }


async def test_a_council_that_publishes_in_every_language_records_a_decision_only_with_its_welsh_version(
    app: Any, web: WebClient, db: Database, clock: FrozenClock, setup: PanelSetup, make_staff: StaffFactory
) -> None:
    state = app_state(app)
    state.settings = replace(state.settings, publish_in_all_languages=True)
    form = await _to_decide(db, clock, setup)
    await _clerk(web, make_staff)
    url = f"/panels/manage/meetings/{setup.meeting.id}/decisions"
    refused = await web.post_form(url, {**form, "text__cy": WELSH["text__cy"]})
    assert refused.status_code == 422
    assert "Add the Welsh version of the reasons for the decision before publishing it." in refused.text
    assert "alternatives considered before" not in refused.text  # none were recorded, so none to translate
    assert WELSH["text__cy"] in _text(refused)  # what was typed stays
    async with db.reading() as session:
        assert (await session.exec(select(Decision))).all() == []
    recorded = await web.post_form(
        url, {**form, "text__cy": WELSH["text__cy"], "reasons__cy": WELSH["reasons__cy"]}
    )
    assert recorded.status_code == 303
    async with db.reading() as session:
        (decision,) = (await session.exec(select(Decision))).all()
    assert WELSH["text__cy"] in _text(await web.get(f"/panels/decisions/{decision.id}?lang=cy"))


async def test_subscribers_read_the_decisions_in_their_language_once_the_minutes_may_be_published(
    app: Any, web: WebClient, db: Database, clock: FrozenClock, setup: PanelSetup, make_staff: StaffFactory
) -> None:
    async with db.transaction() as session:
        for n, lang in enumerate(("cy", "en")):
            session.add(
                PanelSubscription(
                    panel_id=row_id(setup.panel), email=f"{lang}@example.org", email_hash=f"h{n}",
                    status=SubscriptionStatus.CONFIRMED, created_at=clock.now(), lang=lang,
                )
            )  # fmt: skip
    await steps.approve(db, clock, setup)
    state = app_state(app)
    state.settings = replace(state.settings, publish_in_all_languages=True)
    await _clerk(web, make_staff)
    publish = f"/panels/manage/meetings/{setup.meeting.id}/publish-minutes"
    refused = await web.post_form(publish)
    assert refused.status_code == 422
    assert "Add the Welsh version of the decision before publishing it." in refused.text
    async with db.reading() as session:
        decision = (await session.exec(select(Decision))).one()
    await web.post_form(f"/panels/manage/decisions/{decision.id}/versions", WELSH)
    assert (await web.post_form(publish, {"body__cy": MINUTES_CY})).status_code == 303
    async with db.reading() as session:
        mails = {m.to_address: m.body_text for m in (await session.exec(select(OutboxMessage))).all()}
    assert WELSH["text__cy"] in mails["cy@example.org"] and "Grant £2,000" not in mails["cy@example.org"]
    assert "Grant £2,000 to the youth club" in mails["en@example.org"]
    assert WELSH["text__cy"] not in mails["en@example.org"]


async def test_the_chair_cannot_sign_and_so_publish_minutes_whose_decisions_lack_a_welsh_version(
    app: Any, web: WebClient, db: Database, clock: FrozenClock, setup: PanelSetup, make_staff: StaffFactory
) -> None:
    chair = await make_staff(Role.COUNCILLOR, name="Cllr Joan Okafor")
    async with db.transaction() as session:
        seat = await session.get(PanelMember, setup.id("Joan Okafor"))
        assert seat is not None
        seat.user_id = chair.id
        session.add(seat)
    await steps.approve(db, clock, setup)
    state = app_state(app)
    state.settings = replace(state.settings, publish_in_all_languages=True)
    await web.login(chair.email, PASSWORD)
    sign = f"/panels/meetings/{setup.meeting.id}/sign"
    refused = await web.post_form(sign)
    assert refused.status_code == 409
    assert "Add the Welsh version of the decision before publishing it." in refused.text
    async with db.transaction() as session:
        decision = (await session.exec(select(Decision))).one()
        await content_languages.save(session, "panel_decision", row_id(decision), "cy", {
            "text": WELSH["text__cy"], "reasons": WELSH["reasons__cy"], "alternatives": WELSH["alternatives__cy"],
        }, at=clock.now())  # fmt: skip
    refused = await web.post_form(sign)
    assert refused.status_code == 409 and "Add the Welsh version of the minutes" in refused.text
    async with db.transaction() as session:
        (minutes,) = (await session.exec(select(MinutesVersion))).all()
        await content_languages.save(
            session, "panel_minutes_version", row_id(minutes), "cy", {"body": MINUTES_CY}, at=clock.now()
        )
    assert (await web.post_form(sign)).status_code == 303


async def test_the_clerk_writes_welsh_minutes_in_the_draft_and_a_reader_sees_their_language(
    web: WebClient, db: Database, clock: FrozenClock, setup: PanelSetup, make_staff: StaffFactory
) -> None:
    await steps.decide(db, clock, setup)
    await _clerk(web, make_staff)
    base = f"/panels/manage/meetings/{setup.meeting.id}"
    assert (await web.post_form(f"{base}/draft-minutes")).status_code == 303
    assert 'name="body__cy"' in (await web.get(base)).text
    saved = await web.post_form(f"{base}/minutes", {"body": "The minutes.", "body__cy": MINUTES_CY})
    assert saved.status_code == 303
    assert MINUTES_CY in _text(await web.get(base))  # the box shows it again
    (entry,) = await _versions_saved(db)
    assert entry.object_type == "MinutesVersion"


async def test_published_minutes_and_each_correction_carry_their_own_welsh_version(
    app: Any, web: WebClient, db: Database, clock: FrozenClock, setup: PanelSetup, make_staff: StaffFactory
) -> None:
    await steps.approve(db, clock, setup)
    async with db.transaction() as session:  # the decision has its Welsh version already
        decision = (await session.exec(select(Decision))).one()
        fields = {k.removesuffix("__cy"): v for k, v in WELSH.items()}
        await content_languages.save(
            session, "panel_decision", row_id(decision), "cy", fields, at=clock.now()
        )
    state = app_state(app)
    state.settings = replace(state.settings, publish_in_all_languages=True)
    await _clerk(web, make_staff)
    base = f"/panels/manage/meetings/{setup.meeting.id}"
    refused = await web.post_form(f"{base}/publish-minutes", {"body__cy": ""})
    assert refused.status_code == 422
    assert "Add the Welsh version of the minutes before publishing them." in refused.text
    assert (await web.post_form(f"{base}/publish-minutes", {"body__cy": MINUTES_CY})).status_code == 303
    meeting = f"/panels/meetings/{setup.meeting.id}"
    welsh = _text(await web.get(f"{meeting}?lang=cy"))
    assert MINUTES_CY in welsh and ONLY_ENGLISH not in welsh
    assert MINUTES_CY not in _text(await web.get(f"{meeting}?lang=en"))

    correction = {"body": "The corrected minutes.", "correction_note": "A name was wrong."}
    refused = await web.post_form(f"{base}/corrections", correction)
    assert refused.status_code == 422 and "Add the Welsh version of the minutes" in refused.text
    fixed = await web.post_form(
        f"{base}/corrections", {**correction, "body__cy": "Y cofnodion wedi'u cywiro."}
    )
    assert fixed.status_code == 303
    welsh = _text(await web.get(f"{meeting}?lang=cy"))
    assert "Y cofnodion wedi'u cywiro." in welsh and MINUTES_CY in welsh  # the earlier version keeps its own
