"""Over HTTP: staff set up, open and close a survey, make codes and type in paper forms twice;
residents answer by email link or with a code; the results page, open data and report cards."""

from __future__ import annotations

import csv
import io
import json
import re

from sqlmodel import col, select

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.outbox import OutboxMessage
from civic.core.users import Role
from civic.responses.models import BodyKind
from civic.responses.queries_members import COUNCIL_BODY
from civic.responses.service import ensure_body
from civic.surveys.models import Survey
from tests.conftest import PASSWORD, StaffFactory
from tests.support.web import WebClient
from tests.surveys.conftest import ABBEY_POSTCODE, CENTRAL_POSTCODE, make_survey

ANSWERS = {"q_influence": "tend_to_agree", "q_council_satisfaction": "very_satisfied"}
TOKEN = re.compile(r"/surveys/confirm\?token=(\S+)")


async def _admin(web: WebClient, make_staff: StaffFactory) -> None:
    admin = await make_staff(Role.ADMIN)
    await web.login(admin.email, PASSWORD)


async def test_staff_set_a_survey_up_and_only_admins_may(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, db: Database
) -> None:
    form = {"title": "Residents' survey 2027", "area": "neighbourhood:fernbridge-central",
            "questions": ["influence", "police_confidence"]}  # fmt: skip
    response = await web.post_form("/surveys/manage", form)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    councillor = await make_staff(Role.COUNCILLOR)
    await another_web.login(councillor.email, PASSWORD)
    assert (await another_web.post_form("/surveys/manage", form)).status_code == 403
    assert (await another_web.get("/surveys/manage")).status_code == 403
    await _admin(web, make_staff)
    bad = await web.post_form("/surveys/manage", {"title": "", "area": "ward:E0", "questions": ["made_up"]})
    assert bad.status_code == 422
    for message in ("Enter the survey", "Choose the area", "Choose at least one question"):
        assert message in bad.text
    created = await web.post_form("/surveys/manage", form)
    assert created.status_code == 303
    async with db.transaction() as session:
        survey = (await session.exec(select(Survey))).one()
    assert (survey.slug, survey.neighbourhood_slug, survey.questions) == (
        "residents-survey-2027", "fernbridge-central", "influence,police_confidence")  # fmt: skip
    assert (await web.get("/surveys/residents-survey-2027")).status_code == 404  # a draft is not public
    assert (await web.post_form("/surveys/residents-survey-2027", {})).status_code == 404
    assert (await web.post_form(f"/surveys/manage/{survey.id}/close")).status_code == 409
    assert (await web.post_form(f"/surveys/manage/{survey.id}/open")).status_code == 303
    page = await web.get("/surveys/residents-survey-2027")
    assert page.status_code == 200 and "confidence in the police in this area" in page.text
    assert (await web.post_form(f"/surveys/manage/{survey.id}/open")).status_code == 409


async def test_a_resident_answers_and_confirms_by_email_once(
    web: WebClient, db: Database, clock: FrozenClock, areas: None
) -> None:
    await make_survey(db, clock)
    missing = await web.post_form(
        "/surveys/spring-2027", {"postcode": CENTRAL_POSTCODE, "email": "jo@example.org"}
    )
    assert missing.status_code == 422 and "Choose an answer to: Do you agree" in missing.text
    outside = await web.post_form(
        "/surveys/spring-2027", {**ANSWERS, "postcode": "ZZ1 1AA", "email": "jo@example.org"}
    )
    assert outside.status_code == 422 and "not in this council area" in outside.text
    sent = await web.post_form(
        "/surveys/spring-2027", {**ANSWERS, "postcode": CENTRAL_POSTCODE, "email": "jo@example.org"}
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/surveys/spring-2027/check"
    async with db.transaction() as session:
        message = (await session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id).desc()))).first()
    assert message is not None and message.to_address == "jo@example.org"
    match = TOKEN.search(message.body_text)
    assert match is not None
    page = await web.get(f"/surveys/confirm?token={match.group(1)}")
    assert page.status_code == 200 and "Count my answers" in page.text
    first = await web.post_form("/surveys/confirm", {"token": match.group(1)})
    assert first.status_code == 200 and "Your answers are counted" in first.text
    second = await web.post_form("/surveys/confirm", {"token": match.group(1)})
    assert second.status_code == 200 and "You have already answered" in second.text
    assert (await web.get("/surveys/confirm?token=nonsense")).status_code == 400
    assert (await web.post_form("/surveys/confirm", {"token": "nonsense"})).status_code == 400


async def test_codes_are_shown_once_and_each_answers_once(
    web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock
) -> None:
    survey = await make_survey(db, clock)
    await _admin(web, make_staff)
    bad = await web.post_form(f"/surveys/manage/{survey.id}/codes", {"label": "", "size": "0"})
    assert bad.status_code == 422 and "Enter how many codes as a whole number" in bad.text
    made = await web.post_form(
        f"/surveys/manage/{survey.id}/codes", {"label": "Letters to Abbey", "size": "2"}
    )
    assert made.status_code == 200
    codes = re.findall(r"<code>([2-9A-Z]{5}-[2-9A-Z]{5})</code>", made.text)
    assert len(codes) == 2
    answer = {**ANSWERS, "postcode": ABBEY_POSTCODE, "code": codes[0]}
    used = await web.post_form("/surveys/spring-2027", answer)
    assert used.status_code == 303 and used.headers["location"] == "/surveys/spring-2027/thanks"
    again = await web.post_form("/surveys/spring-2027", answer)
    assert again.status_code == 422 and "has been used already" in again.text
    detail = await web.get(f"/surveys/manage/{survey.id}")
    assert "Letters to Abbey" in detail.text and codes[1] not in detail.text  # never shown again


async def test_paper_forms_are_typed_twice_by_two_people_then_counted(
    web: WebClient, another_web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock
) -> None:
    survey = await make_survey(db, clock)
    await _admin(web, make_staff)
    second = await make_staff(Role.ADMIN)
    await another_web.login(second.email, PASSWORD)
    added = await web.post_form(f"/surveys/manage/{survey.id}/paper",
                                {"paper_label": "Library box", "ward_code": "E05900006", "sheets": "3"})  # fmt: skip
    assert added.status_code == 303
    batch = added.headers["location"]
    refused = await web.post_form(f"{batch}/enter", {"lines": "1 1\n9 1\n2 2"})
    assert refused.status_code == 422 and "Sheet 2: answers are numbers from 1 to 6" in refused.text
    assert (await web.post_form(f"{batch}/enter", {"lines": "1 1\n4 5\n- -"})).status_code == 303
    same = await web.post_form(f"{batch}/enter", {"lines": "1 1\n4 5\n- -"})
    assert same.status_code == 422 and "different person" in same.text
    assert (await another_web.post_form(f"{batch}/enter", {"lines": "1 1\n4 4\n- -"})).status_code == 303
    early = await web.post_form(f"{batch}/count")
    assert early.status_code == 422 and "every difference settled" in early.text
    page = await web.get(batch)
    assert "Differs" in page.text and "entry 1 says “4,5”, entry 2 says “4,4”" in page.text
    assert (await web.post_form(f"{batch}/resolve", {"sheet": "2", "answers": "4 5"})).status_code == 303
    assert (await web.post_form(f"{batch}/count")).status_code == 303
    assert (await web.post_form(f"{batch}/count")).status_code == 422  # counted already
    detail = await web.get(f"/surveys/manage/{survey.id}")
    assert re.search(r"Responses</dt><dd[^>]*>2<", detail.text)  # the blank third form is not a response


async def test_closed_results_publish_shares_intervals_and_open_data(
    web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock
) -> None:
    survey = await make_survey(db, clock)
    await _admin(web, make_staff)
    batch = (await web.post_form(f"/surveys/manage/{survey.id}/paper",
                                 {"paper_label": "Meeting", "ward_code": "E05900006", "sheets": "6"})).headers["location"]  # fmt: skip
    lines = "1 1\n2 2\n2 1\n4 4\n5 5\n1 -"  # influence: 4 of 6 agree; satisfaction: 3 of 5
    await web.post_form(f"{batch}/enter", {"lines": lines})
    other = await make_staff(Role.ADMIN)
    await web.logout()
    await web.login(other.email, PASSWORD)
    await web.post_form(f"{batch}/enter", {"lines": lines})
    await web.post_form(f"{batch}/count")
    assert "published when the survey closes" in (await web.get("/surveys/spring-2027/results")).text
    assert (await web.post_form(f"/surveys/manage/{survey.id}/close")).status_code == 303
    page = await web.get("/surveys/spring-2027/results")
    assert page.status_code == 200
    assert "66.7%" in page.text and "30.0% to 90.3%" in page.text  # 4/6, Wilson 95%
    assert "60.0%" in page.text and "23.1% to 88.2%" in page.text  # 3/5
    assert "National figure" in page.text and "Community Life Survey" in page.text
    assert 'class="civic-bar-chart"' in page.text and "<caption" in page.text
    rows = list(csv.DictReader(io.StringIO((await web.get("/surveys/results.csv")).text)))
    central = [r for r in rows if r["area_code"] == "E05900006" and r["question"] == "influence"]
    assert central[0]["answers"] == "6" and central[0]["percent"] == "66.7" and central[0]["ci_low"] == "30.0"
    abbey = [r for r in rows if r["area_code"] == "E05900001" and r["question"] == "influence"]
    assert abbey[0]["answers"] == "0" and abbey[0]["percent"] == ""
    data = json.loads((await web.get("/surveys/results.json")).text)
    assert data["licence"].startswith("Open Government Licence")
    overall = next(
        d for d in data["data"] if d["area_code"] == "" and d["question"] == "council_satisfaction"
    )
    assert (overall["answers"], overall["percent"], overall["ci_high"]) == (5, 60.0, 88.2)
    card = await web.get("/responses/wards/E05900006")
    assert (
        "Agree they can influence decisions affecting their local area" in card.text and "66.7%" in card.text
    )
    async with db.transaction() as session:  # the council's own card (an SQLite template may have it already)
        await ensure_body(session, COUNCIL_BODY, "The council", BodyKind.DEPARTMENT)
    council = await web.get(f"/responses/bodies/{COUNCIL_BODY}")
    assert "Satisfied with the way the council runs things" in council.text and "60.0%" in council.text


async def test_small_numbers_show_no_share(
    web: WebClient, make_staff: StaffFactory, db: Database, clock: FrozenClock
) -> None:
    survey = await make_survey(db, clock)
    await _admin(web, make_staff)
    batch = (await web.post_form(f"/surveys/manage/{survey.id}/paper",
                                 {"paper_label": "Stall", "ward_code": "E05900006", "sheets": "3"})).headers["location"]  # fmt: skip
    await web.post_form(f"{batch}/enter", {"lines": "1 1\n1 1\n5 5"})
    other = await make_staff(Role.ADMIN)
    await web.logout()
    await web.login(other.email, PASSWORD)
    await web.post_form(f"{batch}/enter", {"lines": "1 1\n1 1\n5 5"})
    await web.post_form(f"{batch}/count")
    await web.post_form(f"/surveys/manage/{survey.id}/close")
    closed = await web.post_form(
        "/surveys/spring-2027", {**ANSWERS, "postcode": CENTRAL_POSTCODE, "email": "a@example.org"}
    )
    assert closed.status_code == 409 and "it has closed" in closed.text
    page = await web.get("/surveys/spring-2027/results")
    assert "66.7%" not in page.text and "No figure" in page.text
    assert 'numeric">fewer than 5</td>' in page.text
    rows = list(csv.DictReader(io.StringIO((await web.get("/surveys/results.csv")).text)))
    overall = next(r for r in rows if r["area_code"] == "" and r["question"] == "influence")
    assert (overall["answers"], overall["positive"], overall["percent"]) == ("fewer than 5", "", "")
    card = await web.get("/responses/wards/E05900006")
    assert "fewer than 5 answers" in card.text


async def test_one_address_gets_three_confirmation_emails_an_hour_then_429(
    web: WebClient, db: Database, clock: FrozenClock, areas: None
) -> None:
    await make_survey(db, clock)
    form = {**ANSWERS, "postcode": CENTRAL_POSTCODE, "email": "pat@example.org"}
    codes = [(await web.post_form("/surveys/spring-2027", form)).status_code for _ in range(4)]
    assert codes == [303, 303, 303, 429]
    async with db.transaction() as session:
        sent = (
            await session.exec(select(OutboxMessage).where(OutboxMessage.to_address == "pat@example.org"))
        ).all()
    assert len(sent) == 3
