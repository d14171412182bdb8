from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from civic.core.clock import FrozenClock
from civic.core.users import Role
from tests.conftest import PASSWORD, StaffFactory
from tests.responses.conftest import Asks, due_in
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("bodies")


async def publish(web: WebClient, target: str, summary: str = "Answer =1+1") -> str:
    saved = await web.post_form(f"/responses/write/ask/{target}", {"summary": summary, "details": "Details."})
    response_id = saved.headers["location"].split("/")[2]
    await web.post_form(f"/responses/{response_id}/publish")
    return response_id


async def test_report_cards_grade_bodies_and_wards(
    web: WebClient, asks: Asks, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    asks.add("1", due_at=due_in(clock, 5), asked_at=clock.now(), askers=[])
    asks.add(
        "2", due_at=due_in(clock, -5), asked_at=clock.now() - timedelta(days=30), askers=[], ward="E05900001"
    )
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    await publish(web, "1")
    cards = (await web.get("/responses/report-cards")).text
    assert "How the grade is worked out" in cards
    assert "share of responses on time (weight 60)" in cards
    assert "How commitments kept is worked out" in cards
    body = (await web.get("/responses/bodies/council")).text
    assert "50% of 2" in body  # one on time, one overdue
    assert "Ask number 2" in body
    ward = (await web.get("/responses/wards/E05900006")).text
    assert "100% of 1" in ward
    assert "<svg" in ward
    assert (await web.get("/responses/wards/E05000000")).status_code == 404
    assert (await web.get("/responses/bodies/nobody")).status_code == 404


# Summaries a spreadsheet would run as formulas, and what the CSV must hold instead: the core guard
# (civic/core/publish.py) puts an apostrophe before text that starts with = + - @ tab or CR. Only real
# numbers are written as they are; a summary is text even when it reads "-42".
FORMULAS = {
    "3": ('=HYPERLINK("http://evil.example","Click")', '\'=HYPERLINK("http://evil.example","Click")'),
    "4": ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
    "5": ("-2+3", "'-2+3"),
    "6": ("@cmd|' /C calc'!A0", "'@cmd|' /C calc'!A0"),
    "7": ("-42", "'-42"),
    "8": ("Answer =1+1", "Answer =1+1"),
}


async def test_open_data_has_no_personal_data_and_defuses_formulas(
    web: WebClient, asks: Asks, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    for target in FORMULAS:  # owed by the police team the officer below belongs to
        asks.add(
            target,
            due_at=None,
            asked_at=clock.now(),
            askers=[f"private.person{target}@example.org"],
            body="police-fernbridge-central",
        )
    police = await make_staff(Role.POLICE)
    await web.login(police.email, PASSWORD)
    for target, (summary, _) in FORMULAS.items():
        await publish(web, target, summary)
    data = (await web.get("/responses.json")).json()
    assert data["licence"] == "Open Government Licence v3.0"
    # JSON is not opened by spreadsheets: it keeps the summaries exactly as written.
    assert {r["target_id"]: r["summary"] for r in data["data"]} == {t: s for t, (s, _) in FORMULAS.items()}
    assert "private.person" not in str(data)
    csv_response = await web.get("/responses.csv")
    assert "public" in csv_response.headers["cache-control"]
    assert csv_response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "private.person" not in csv_response.text
    rows = list(csv.DictReader(io.StringIO(csv_response.text)))
    assert {r["target_id"]: r["summary"] for r in rows} == {t: cell for t, (_, cell) in FORMULAS.items()}
    assert {r["target_id"]: r["target_title"] for r in rows} == {t: f"Ask number {t}" for t in FORMULAS}
    atom = (await web.get("/responses.atom")).text
    assert "<feed" in atom
    assert "Ask number 3" in atom
    hub = (await web.get("/data")).text
    assert "Open Government Licence" in hub
    assert "/responses.csv" in hub


async def test_residents_and_moderators_cannot_write_responses(
    web: WebClient, asks: Asks, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    asks.add("4", due_at=None, asked_at=clock.now(), askers=[])
    assert (await web.get("/responses/queue")).status_code == 303
    assert (
        await web.post_form("/responses/write/ask/4", {"summary": "x", "details": "y"})
    ).status_code == 303
    moderator = await make_staff(Role.MODERATOR)
    await web.login(moderator.email, PASSWORD)
    assert (await web.get("/responses/queue")).status_code == 403
    assert (
        await web.post_form("/responses/write/ask/4", {"summary": "x", "details": "y"})
    ).status_code == 403


async def test_unknown_things_get_404_or_400_not_500(web: WebClient, asks: Asks) -> None:
    assert (await web.get("/responses/999")).status_code == 404
    assert (await web.get("/responses/abc")).status_code == 404
    assert (await web.get("/responses/follow/ask/404")).status_code == 404
    assert (await web.get("/responses/follow/nothing/1")).status_code == 404
    assert (await web.get("/responses/unsubscribe/garbage")).status_code == 400
    assert (await web.get("/responses/1/rate/garbage")).status_code == 400
    assert (await web.get("/responses/?kind=nonsense")).status_code == 400


async def test_a_target_without_a_set_up_body_gets_a_clear_conflict(
    web: WebClient, asks: Asks, make_staff: StaffFactory, clock: FrozenClock
) -> None:
    asks.add("5", due_at=None, asked_at=clock.now(), askers=[], body="missing-body")
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    response = await web.post_form("/responses/write/ask/5", {"summary": "x", "details": "y"})
    assert response.status_code == 409
    assert "not set up" in response.text


async def test_an_admin_adds_a_responsible_body(web: WebClient, make_staff: StaffFactory) -> None:
    admin = await make_staff(Role.ADMIN)
    await web.login(admin.email, PASSWORD)
    bad = await web.post_form("/responses/bodies", {"slug": "Not A Slug", "name": "", "kind": "wizards"})
    assert bad.status_code == 422
    assert "lower-case letters" in bad.text
    assert "Choose what kind of body" in bad.text
    added = await web.post_form(
        "/responses/bodies", {"slug": "housing", "name": "Housing Department", "kind": "department"}
    )
    assert added.status_code == 303
    listing = (await web.get("/responses/bodies")).text
    assert "Housing Department" in listing
    rows = {row.split("</td>")[0].split(">")[-2].removesuffix("</a"): row for row in listing.split("<tr")[2:]}
    assert "Admins only" in rows["Housing Department"] and "Councillors" in rows["Fernbridge Borough Council"]
    assert "fernbridge-central neighbourhood" in rows["Central Policing Team"]
    assert "Youth workers" in rows["Youth Service"] and "Panel clerks" in rows["Riverside Panel"]
    again = await web.post_form(
        "/responses/bodies", {"slug": "housing", "name": "Housing", "kind": "department"}
    )
    assert "already a body" in again.text
    await web.logout()
    councillor = await make_staff(Role.COUNCILLOR)
    await web.login(councillor.email, PASSWORD)
    assert (await web.get("/responses/bodies")).status_code == 403
