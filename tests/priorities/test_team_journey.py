"""The policing team runs a round: candidates, suggestions, meeting tallies, results and progress."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from civic.core.audit import AuditEntry
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.state import app_state
from civic.core.users import StaffUser
from civic.priorities.models import Priority, PriorityRound, RoundState, Suggestion
from tests.conftest import PASSWORD
from tests.priorities.conftest import Rounds, confirm_path, outbox
from tests.support.smtp import SmtpServer, body_of
from tests.support.web import WebClient


async def vote(
    web: WebClient, db: Database, round_id: int, email: str, choices: list[int], **extra: str
) -> None:
    data = {"email": email, "postcode": extra.pop("postcode", "FB6 1UU"), "choices": choices, **extra}
    assert (await web.post_form(f"/priorities/rounds/{round_id}/vote", data)).status_code == 303
    message = (await outbox(db, email))[-1]
    assert "Your vote is counted" in (await web.post_form(confirm_path(message.body_text))).text


async def the_round(db: Database) -> PriorityRound:
    async with db.reading() as session:
        return (await session.exec(select(PriorityRound).order_by(col(PriorityRound.id).desc()))).first()  # type: ignore[return-value]


async def test_the_team_publishes_results_and_adds_progress_and_opted_in_voters_get_one_email(
    mail_web: WebClient, mail_app: Any, smtp: SmtpServer, db: Database, clock: FrozenClock, police: StaffUser
) -> None:
    team = mail_web
    await team.login(police.email, PASSWORD)
    created = await team.post_form(
        "/priorities/manage/new",
        {
            "title": "Winter priorities",
            "opens_at": "2026-11-22",
            "closes_at": "2026-12-13",
            "choices": "2",
            "top_n": "2",
            "method": "approval",
        },
    )
    assert created.status_code == 303
    item = await the_round(db)
    base = f"/priorities/manage/rounds/{item.id}"
    for category, title in [
        ("drug_dealing", "Dealing by the station"),
        ("speeding", "Speeding on Castle Road"),
        ("street_drinking", "Drinking in Market Square"),
    ]:
        added = await team.post_form(
            f"{base}/candidates", {"category": category, "title": title, "description": "Evenings"}
        )
        assert added.status_code == 303
    assert (await team.post_form(f"{base}/state", {"action": "open_suggestions"})).status_code == 303

    resident = await mail_web.post_form(
        f"/priorities/rounds/{item.id}/suggest",
        {"category": "burglary", "text": "Shed break-ins on Abbey Lane"},
    )
    assert resident.status_code == 303
    await mail_web.post_form(
        f"/priorities/rounds/{item.id}/suggest", {"category": "other", "text": "Noisy neighbour at no. 4"}
    )
    async with db.reading() as session:
        sheds, noisy = (await session.exec(select(Suggestion).order_by(col(Suggestion.id)))).all()
    assert (
        await team.post_form(f"{base}/state", {"action": "open_voting"})
    ).status_code == 409  # not moderated yet
    no_reason = await team.post_form(f"{base}/suggestions/{noisy.id}", {"action": "decline", "reason": ""})
    assert no_reason.status_code == 422
    await team.post_form(
        f"{base}/suggestions/{noisy.id}", {"action": "decline", "reason": "A private dispute: call 101"}
    )
    await team.post_form(f"{base}/suggestions/{sheds.id}", {"action": "merge", "into": "new"})
    async with db.reading() as session:
        from civic.priorities.models import Candidate

        shed_candidate = (await session.exec(select(Candidate).order_by(col(Candidate.id).desc()))).first()
    assert shed_candidate is not None
    removed = await team.post_form(f"{base}/candidates/{shed_candidate.id}/remove")
    assert removed.status_code == 303  # removed by mistake: the suggestion waits for moderation again
    assert (await team.post_form(f"{base}/state", {"action": "open_voting"})).status_code == 409
    await team.post_form(f"{base}/suggestions/{sheds.id}", {"action": "merge", "into": "new"})
    assert (await team.post_form(f"{base}/state", {"action": "open_voting"})).status_code == 303
    page = await mail_web.get(f"/priorities/rounds/{item.id}")
    assert "Shed break-ins on Abbey Lane" in page.text and "A private dispute: call 101" in page.text

    async with db.reading() as session:
        from civic.priorities.service import candidates_of

        dealing, speeding, drinking, sheds_c = await candidates_of(session, row_id(item))
    await vote(mail_web, db, row_id(item), "ann@example.com", [dealing.id, speeding.id], opt_in="yes")
    await vote(
        mail_web, db, row_id(item), "ann@example.com", [dealing.id, sheds_c.id], opt_in="yes"
    )  # changes her mind
    await vote(mail_web, db, row_id(item), "bob@example.com", [speeding.id], opt_in="yes")
    await vote(mail_web, db, row_id(item), "cat@example.com", [drinking.id])  # no news wanted
    await vote(
        mail_web, db, row_id(item), "dev@work.example", [dealing.id], postcode="ZZ1 1AA", works_here="yes"
    )

    during = await team.get(base)
    assert (
        "Confirmed ballots so far: <strong>4</strong>" in during.text
    )  # Ann's second ballot replaced her first
    tally = {
        "held_on": "2026-11-21",
        "place": "Abbey community centre",
        "attendance": "12",
        f"hands_{dealing.id}": "3",
        f"hands_{speeding.id}": "9",
        f"hands_{drinking.id}": "0",
        f"hands_{sheds_c.id}": "2",
    }
    assert (
        await team.post_form(f"{base}/meetings", {**tally, f"hands_{speeding.id}": "13"})
    ).status_code == 422
    assert (await team.post_form(f"{base}/meetings", tally)).status_code == 303
    clock.advance(timedelta(days=4))
    await team.login(police.email, PASSWORD)  # her session timed out meanwhile
    assert (await team.post_form(f"{base}/state", {"action": "close"})).status_code == 303
    staff_view = await team.get(base)
    assert "Publish results" in staff_view.text
    assert (
        await mail_web.post_form(f"/priorities/rounds/{item.id}/vote", {"email": "late@example.com"})
    ).status_code == 403

    # Speeding: 1 online + 9 hands = 10; dealing: 1 resident + 1 worker + 3 hands = 5; sheds: 1 + 2 = 3.
    published = await team.post_form(f"{base}/publish", {"chosen": [speeding.id, dealing.id]})
    assert published.status_code == 303
    public = await mail_web.get(f"/priorities/rounds/{item.id}")
    assert "fewer than 5" in public.text and "Results published" in public.text
    assert "ann@example.com" not in public.text

    await app_state(mail_app).worker.pass_once()
    for person in ("ann@example.com", "bob@example.com"):
        [results_mail] = [m for m in smtp.to(person) if m["Subject"].startswith("Results")]
        assert "Speeding on Castle Road" in body_of(results_mail)
    assert not [m for m in smtp.to("cat@example.com") if m["Subject"].startswith("Results")]

    async with db.reading() as session:
        speeding_priority, _dealing_priority = (
            await session.exec(select(Priority).order_by(col(Priority.id)))
        ).all()
    assert speeding_priority.title == "Speeding on Castle Road"  # adopted in counted order
    edit = f"/priorities/manage/priorities/{speeding_priority.id}"
    plan = {
        "owner": "Roads policing unit",
        "target": "Speed checks every week",
        "review_on": "2027-02-01",
        "status": "adopted",
        "text": "Speedwatch volunteers recruited.",
    }
    assert (await team.post_form(edit, plan)).status_code == 303  # progress without a status change: no email
    assert (
        await team.post_form(edit, {**plan, "review_on": "2027-06-01"})
    ).status_code == 422  # beyond 90 days
    assert (await team.post_form(edit, {**plan, "status": "in_progress", "text": ""})).status_code == 422
    await app_state(mail_app).worker.pass_once()
    assert [m["Subject"] for m in smtp.to("ann@example.com")].count(
        "Police priority update: Speeding on Castle Road"
    ) == 0

    moved = {**plan, "status": "in_progress", "text": "Weekly checks started on Castle Road."}
    assert (await team.post_form(edit, moved)).status_code == 303
    await app_state(mail_app).worker.pass_once()
    await app_state(mail_app).worker.pass_once()
    for person in ("ann@example.com", "bob@example.com"):
        updates = [m for m in smtp.to(person) if m["Subject"].startswith("Police priority update")]
        assert len(updates) == 1 and "Weekly checks started" in body_of(updates[0])
    assert not [m for m in smtp.to("cat@example.com") if m["Subject"].startswith("Police priority update")]

    hood = await mail_web.get("/priorities/fernbridge-central")
    assert "You said, we did" in hood.text and "Weekly checks started on Castle Road." in hood.text
    async with db.reading() as session:
        actions = (
            await session.exec(select(AuditEntry.action).where(col(AuditEntry.public).is_(True)))
        ).all()
    for action in (
        "priorities.voting_open",
        "priorities.closed",
        "priorities.published",
        "priorities.decline_suggestion",
        "priorities.record_meeting",
        "priorities.status",
    ):
        assert action in actions


async def test_an_override_needs_a_public_reason(
    rounds: Rounds, web: WebClient, db: Database, police: StaffUser
) -> None:
    item, issues = await rounds.make(RoundState.CLOSED, top_n=2)
    await web.login(police.email, PASSWORD)
    url = f"/priorities/manage/rounds/{item.id}/publish"
    # No votes: the count puts the first two listed first; choosing the last two is an override.
    refused = await web.post_form(url, {"chosen": [issues[3].id, issues[4].id]})
    assert refused.status_code == 422 and "public reason" in refused.text
    reason = "Two burglaries this week: we are adding vehicle crime now."
    done = await web.post_form(url, {"chosen": [issues[3].id, issues[4].id], "reason": reason})
    assert done.status_code == 303
    page = await web.get(f"/priorities/rounds/{item.id}")
    assert reason in page.text
    async with db.reading() as session:
        titles = (await session.exec(select(Priority.title).order_by(col(Priority.id)))).all()
        entry = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "priorities.published"))
        ).one()
    assert list(titles) == [issues[3].title, issues[4].title]
    assert entry.public and reason in entry.reason


async def test_wrong_state_is_409_and_wrong_team_is_403(
    rounds: Rounds, web: WebClient, another_web: WebClient, make_staff: Any, police: StaffUser
) -> None:
    from civic.core.users import Role

    item, issues = await rounds.make(RoundState.DRAFT)
    await web.login(police.email, PASSWORD)
    base = f"/priorities/manage/rounds/{item.id}"
    assert (await web.post_form(f"{base}/state", {"action": "close"})).status_code == 409
    assert (await web.post_form(f"{base}/publish", {})).status_code == 409
    settings = {
        "title": "Spring priorities",
        "opens_at": "2026-11-22",
        "closes_at": "2026-11-20",
        "choices": "2",
        "top_n": "3",
        "method": "ranked",
    }
    backwards = await web.post_form(f"{base}/settings", settings)
    assert backwards.status_code == 422 and "closing date must be after" in backwards.text
    assert (
        await web.post_form(f"{base}/settings", {**settings, "closes_at": "2026-12-20"})
    ).status_code == 303
    page = await web.get(base)
    assert "Spring priorities" in page.text and "Rank in order, 2 choices per voter" in page.text
    assert (await web.post_form(f"{base}/state", {"action": "open_voting"})).status_code == 303
    assert (await web.post_form(f"{base}/state", {"action": "open_suggestions"})).status_code == 409
    added = await web.post_form(f"{base}/candidates", {"category": "other", "title": "Late idea"})
    assert added.status_code == 409
    assert (await web.post_form(f"{base}/candidates/{issues[0].id}/remove")).status_code == 409
    assert (
        await web.post_form(f"{base}/settings", {**settings, "closes_at": "2026-12-20"})
    ).status_code == 409
    assert (await web.post_form(f"{base}/state", {"action": "explode"})).status_code == 400

    north = await make_staff(Role.POLICE, neighbourhood="fernbridge-north")
    await another_web.login(north.email, PASSWORD)
    assert (await another_web.get(base)).status_code == 403
    assert (await another_web.post_form(f"{base}/state", {"action": "close"})).status_code == 403
    councillor = await make_staff(Role.COUNCILLOR)
    await another_web.logout()
    await another_web.login(councillor.email, PASSWORD)
    assert (await another_web.get("/priorities/manage")).status_code == 403


async def test_drafts_are_not_public(rounds: Rounds, web: WebClient) -> None:
    item, _ = await rounds.make(RoundState.DRAFT)
    for path in ("", "/vote", "/suggest", "/check-email"):
        # 404, not 403: a draft round's existence is not public
        assert (await web.get(f"/priorities/rounds/{item.id}{path}")).status_code == 404, path
    vote = await web.post_form(f"/priorities/rounds/{item.id}/vote", {"email": "a@example.com"})
    assert vote.status_code == 404
    assert (await web.get("/priorities/rounds/999")).status_code == 404
    assert (await web.get("/priorities/rounds/abc")).status_code == 404
    assert (await web.get("/priorities/nowhere")).status_code == 404


async def test_a_priority_without_an_update_for_90_days_is_flagged_stale(
    rounds: Rounds, web: WebClient, clock: FrozenClock, db: Database
) -> None:
    await rounds.make(RoundState.PUBLISHED)
    async with db.reading() as session:
        first = (await session.exec(select(Priority).order_by(col(Priority.id)))).first()
    assert first is not None
    assert "No update for over 90 days" not in (await web.get(f"/priorities/priority/{first.id}")).text
    clock.advance(timedelta(days=91))
    assert "No update for over 90 days" in (await web.get(f"/priorities/priority/{first.id}")).text
    assert "Stale" in (await web.get("/priorities/")).text
    data = (await web.get("/priorities/fernbridge-central/data.json")).json()
    assert all(p["stale"] for p in data["current_priorities"])
