"""The team's words in two languages: a round's title, its issues, the priorities and their updates
are written in English with Welsh versions, shown in the reader's language, required before publishing
when the council publishes in every language, audited and carried by the open data."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from sqlmodel import col, select

from civic.core.audit import AuditEntry
from civic.core.content_languages import ContentVersion
from civic.core.db import Database
from civic.core.state import app_state
from civic.core.users import StaffUser
from civic.priorities.models import Candidate, Priority, PriorityRound
from tests.conftest import PASSWORD
from tests.priorities.conftest import confirm_path, outbox
from tests.support.web import WebClient

ROUND = {
    "title": "Winter priorities",
    "title__cy": "Blaenoriaethau'r gaeaf",
    "opens_at": "2026-11-22",
    "closes_at": "2026-12-13",
    "choices": "2",
    "top_n": "1",
    "method": "approval",
}


async def newest(db: Database, kind: Any) -> Any:
    async with db.reading() as session:
        return (await session.exec(select(kind).order_by(col(kind.id).desc()))).first()


async def candidates(db: Database) -> list[Candidate]:
    async with db.reading() as session:
        return list((await session.exec(select(Candidate).order_by(col(Candidate.id)))).all())


def require_every_language(app: Any, required: bool = True) -> None:
    state = app_state(app)
    state.settings = dataclasses.replace(state.settings, publish_in_all_languages=required)


async def start_round(team: WebClient, db: Database, police: StaffUser, **extra: str) -> str:
    await team.login(police.email, PASSWORD)
    assert (await team.post_form("/priorities/manage/new", {**ROUND, **extra})).status_code == 303
    item = await newest(db, PriorityRound)
    return f"/priorities/manage/rounds/{item.id}"


async def test_a_welsh_reader_sees_the_welsh_versions_and_is_told_what_exists_only_in_english(
    web: WebClient, another_web: WebClient, db: Database, police: StaffUser
) -> None:
    base = await start_round(web, db, police)
    for data in (
        {"title": "Speeding on Castle Road", "description": "Mornings", "title__cy": "Goryrru ar Heol y Castell",
         "description__cy": "Yn y boreau"},
        {"title": "Dealing by the station", "description": ""},
    ):  # fmt: skip
        assert (
            await web.post_form(f"{base}/candidates", {"category": "speeding", **data})
        ).status_code == 303
    speeding, dealing = await candidates(db)
    removed = {"category": "other", "title": "Mistake", "title__cy": "Camgymeriad"}
    assert (await web.post_form(f"{base}/candidates", removed)).status_code == 303
    mistake = (await candidates(db))[-1]
    assert (await web.post_form(f"{base}/candidates/{mistake.id}/remove")).status_code == 303
    async with db.reading() as session:
        left = (await session.exec(select(ContentVersion).where(ContentVersion.item_id == mistake.id,
                ContentVersion.kind == "priorities_candidate"))).all()  # fmt: skip
    assert left == []  # a removed candidate's versions go with it
    manage = (await web.get(base)).text
    assert 'name="title__cy"' in manage and "Goryrru ar Heol y Castell" in manage
    assert (await web.post_form(f"{base}/state", {"action": "open_voting"})).status_code == 303
    item = await newest(db, PriorityRound)
    page = f"/priorities/rounds/{item.id}"

    english = (await another_web.get(page)).text
    assert "Winter priorities" in english and "Speeding on Castle Road" in english
    assert "Goryrru" not in english and "civic-only-in" not in english

    welsh = (await another_web.get(page + "?lang=cy")).text
    assert "Blaenoriaethau&#39;r gaeaf</h1>" in welsh and "Goryrru ar Heol y Castell" in welsh
    assert "Yn y boreau" in welsh and "Speeding on Castle Road" not in welsh
    # the issue with no Welsh version is shown in English, marked so, with one notice for the round
    assert '<span lang="en">Dealing by the station</span>' in welsh
    assert welsh.count("civic-only-in") == 1
    vote = (await another_web.get(page + "/vote")).text
    assert "Goryrru ar Heol y Castell" in vote and '<span lang="en">Dealing by the station</span>' in vote

    # a version added later, through the candidate's own boxes, removes the notice
    saved = await web.post_form(
        f"{base}/candidates/{dealing.id}/versions", {"title__cy": "Delio ger yr orsaf"}
    )
    assert saved.status_code == 409  # candidates are fixed once voting has opened
    async with db.reading() as session:
        audited = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "priorities.versions_saved"))
        ).all()
    assert {(a.object_type, a.object_id) for a in audited} == {
        ("priorities_round", str(item.id)),
        ("priorities_candidate", str(speeding.id)),
        ("priorities_candidate", str(mistake.id)),
    }


async def test_versions_longer_than_the_text_allows_are_refused_and_kept(
    web: WebClient, db: Database, police: StaffUser
) -> None:
    base = await start_round(web, db, police)
    long = "G" * 121
    refused = await web.post_form(
        f"{base}/candidates", {"category": "speeding", "title": "Speeding", "title__cy": long}
    )
    assert refused.status_code == 422
    assert "120 characters or fewer" in refused.text and long in refused.text
    assert await candidates(db) == []


async def test_publishing_in_every_language_waits_for_each_version(
    app: Any, web: WebClient, another_web: WebClient, db: Database, police: StaffUser
) -> None:
    require_every_language(app)
    base = await start_round(web, db, police, title__cy="")
    for title in ("Speeding on Castle Road", "Dealing by the station"):
        data = {"category": "speeding", "title": title, "description": "Evenings"}
        assert (await web.post_form(f"{base}/candidates", data)).status_code == 303
    speeding, dealing = await candidates(db)

    waiting = (await web.get(base)).text
    assert "Add the Welsh version of the title of “Winter priorities” before publishing it" in waiting
    refused = await web.post_form(f"{base}/state", {"action": "open_voting"})
    assert refused.status_code == 422
    assert "Add the Welsh version of the title of “Winter priorities” before publishing it" in refused.text
    assert "Add the Welsh version of the description of “Dealing by the station”" in refused.text
    assert (await newest(db, PriorityRound)).state.value == "draft"

    settings = {k: v for k, v in ROUND.items() if k != "title__cy"} | {"title__cy": "Y gaeaf"}
    assert (await web.post_form(f"{base}/settings", settings)).status_code == 303
    for c in (speeding, dealing):
        versions = {"title__cy": f"Cymraeg {c.id}", "description__cy": "Gyda'r nos"}
        assert (await web.post_form(f"{base}/candidates/{c.id}/versions", versions)).status_code == 303
    assert (await web.post_form(f"{base}/state", {"action": "open_voting"})).status_code == 303
    # once public, a new issue needs its versions there and then (none can be added after voting opens)
    assert (await newest(db, PriorityRound)).state.value == "voting_open"
    # a Welsh voter who asks for news: every email gives the team's words in Welsh
    await another_web.get(f"/priorities/rounds/{speeding.round_id}?lang=cy")
    ballot = {
        "email": "nia@example.com",
        "postcode": "FB6 1UU",
        "choices": [str(speeding.id)],
        "opt_in": "yes",
    }
    assert (
        await another_web.post_form(f"/priorities/rounds/{speeding.round_id}/vote", ballot)
    ).status_code == 303
    (confirm,) = await outbox(db, "nia@example.com")
    assert "Y gaeaf" in confirm.subject + confirm.body_text
    await another_web.post_form(confirm_path(confirm.body_text))

    assert (await web.post_form(f"{base}/state", {"action": "close"})).status_code == 303
    published = await web.post_form(f"{base}/publish", {"chosen": [str(speeding.id)], "reason": ""})
    assert published.status_code == 303
    priority = await newest(db, Priority)
    manage = f"/priorities/manage/priorities/{priority.id}"
    # the priority took its issue's versions, which its page shows in the boxes the form sends back
    assert f'value="Cymraeg {speeding.id}"' in (await web.get(manage)).text
    update = {"owner": "PC Shah", "target": "Fewer than five reports", "review_on": "2026-12-20", "status": "in_progress",
              "text": "Speed checks every morning", "title__cy": f"Cymraeg {speeding.id}",
              "description__cy": "Gyda'r nos"}  # fmt: skip
    refused = await web.post_form(manage, update)
    assert refused.status_code == 422
    assert "Add the Welsh version of the update before publishing it" in refused.text
    assert "Add the Welsh version of the target before publishing it" in refused.text
    assert "Speed checks every morning" in refused.text
    assert (
        await web.post_form(
            manage,
            update | {"text__cy": "Gwiriadau cyflymder bob bore", "target__cy": "Llai na phum adroddiad"},
        )
    ).status_code == 303

    results, status = (await outbox(db, "nia@example.com"))[1:]
    assert "Y gaeaf" in results.subject and f"Cymraeg {speeding.id}" in results.body_text
    assert "Speeding" not in results.body_text
    assert f"Cymraeg {speeding.id}" in status.subject and "Gwiriadau cyflymder bob bore" in status.body_text
    # the reader sees the priority and its update in Welsh
    hood = (await another_web.get("/priorities/fernbridge-central?lang=cy")).text
    assert f"Cymraeg {speeding.id}" in hood and "Gwiriadau cyflymder bob bore" in hood
    assert "Speed checks" not in hood
    welsh = (await another_web.get(f"/priorities/priority/{priority.id}?lang=cy")).text
    assert f"Cymraeg {speeding.id}</h1>" in welsh and "Gwiriadau cyflymder bob bore" in welsh
    assert "Llai na phum adroddiad" in welsh and "Fewer than five" not in welsh
    assert "civic-only-in" not in welsh
    english = (await another_web.get(f"/priorities/priority/{priority.id}?lang=en")).text
    assert "Speed checks every morning" in english and "Gwiriadau" not in english

    data = json.loads((await another_web.get("/priorities/fernbridge-central/data.json")).text)
    current = data["current_priorities"][0]
    assert current["issue_cy"] == f"Cymraeg {speeding.id}" and current["description_cy"] == "Gyda'r nos"
    assert current["updates"][0]["text_cy"] == "Gwiriadau cyflymder bob bore"
    assert current["target_cy"] == "Llai na phum adroddiad"
    assert data["rounds"][0]["title_cy"] == "Y gaeaf"
    assert {r["issue_cy"] for r in data["rounds"][0]["results"]} == {
        f"Cymraeg {c.id}" for c in (speeding, dealing)
    }
    csv = (await another_web.get("/priorities/fernbridge-central/priorities.csv")).text
    assert csv.splitlines()[0].endswith("latest_action,issue_cy,latest_action_cy")
    assert "Gwiriadau cyflymder bob bore" in csv


async def test_a_round_set_to_open_by_itself_waits_for_its_versions(
    app: Any, db: Database, clock: Any, areas: None
) -> None:
    from datetime import timedelta

    from civic.core.content_languages import save
    from civic.priorities.jobs import open_due_rounds
    from tests.priorities.test_opening_job import draft, run, state_of

    require_every_language(app)
    round_id = await draft(db, clock, automatic=True, issues=2)
    clock.advance(timedelta(days=2, minutes=1))
    assert await run(open_due_rounds, db, clock, app) == "opened 0 round(s); 1 not ready"
    assert (await state_of(db, round_id)).value == "draft"
    async with db.transaction() as session:
        await save(session, "priorities_round", round_id, "cy", {"title": "Y chwarter nesaf"}, at=clock.now())
        for c in (await session.exec(select(Candidate).where(Candidate.round_id == round_id))).all():
            await save(
                session, "priorities_candidate", c.id or 0, "cy", {"title": f"Mater {c.id}"}, at=clock.now()
            )
    assert await run(open_due_rounds, db, clock, app) == "opened 1 round(s); 0 not ready"
    assert (await state_of(db, round_id)).value == "voting_open"
