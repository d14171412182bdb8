"""Subject access and erasure over HTTP, across every feature: a resident asks by email, confirms the
signed link, sees and downloads what is held, asks for erasure; a data protection officer erases it.
A counted signature stays counted, a secret ballot is never linkable, published answers stay."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from civic.budgets.models import BallotType, BudgetIdea, BudgetProcess, IdeaStatus
from civic.budgets.privacy import BALLOTS_UNLINKABLE
from civic.core import privacy_core
from civic.core.audit import AuditEntry
from civic.core.clock import FrozenClock
from civic.core.data_requests import DataRequest
from civic.core.db import Database, row_id
from civic.core.duties import Duty, set_duty
from civic.core.identity import email_hash
from civic.core.outbox import OutboxMessage, OutboxStatus
from civic.core.privacy import Subject
from civic.core.ratelimit import Limit, RateCounter, hit
from civic.core.state import app_state
from civic.core.users import Role, StaffUser
from civic.panels import service_membership
from civic.panels.models import AreaKind, PanelSubscription, SubscriptionStatus
from civic.petitions.models import Petition, Signature, SignatureState, State
from civic.priorities.models import Ballot, Contact, PriorityRound, RoundState
from civic.responses import service
from civic.responses.models import BodyKind, CommentState, Follower, Rating, Response, ResponseState
from civic.surveys.models import AreaKind as SurveyArea
from civic.surveys.models import Channel, Survey, SurveyResponse, SurveyState
from tests.conftest import PASSWORD, SECRET, StaffFactory
from tests.support.web import WebClient

RITA = "Rita.Resident@Example.org"
ADDRESS = RITA.lower()
OTHER = "someone.else@example.net"
LINK = re.compile(r"http://testserver(/privacy/your-data/[A-Za-z0-9_\-.]+)")


async def _petition(session: Any, at: Any) -> Petition:
    petition = Petition(
        action="Reopen the Castle Street toilets", background="They closed.", state=State.OPEN,
        creator_name="Rita Resident", creator_email=ADDRESS, creator_key="k", created_at=at, updated_at=at,
        opened_at=at,
    )  # fmt: skip
    session.add(petition)
    await session.flush()
    for name, email in (("Rita Resident", RITA), ("Sam Else", OTHER)):
        session.add(
            Signature(
                petition_id=row_id(petition), name=name, email=email, email_canonical=email.lower(),
                postcode="FB1 1AA", ward_code="E05900006", notify=True, state=SignatureState.VALIDATED,
                created_at=at, validated_at=at, ip_address="192.0.2.10",
            )
        )  # fmt: skip
    return petition


async def _others(session: Any, at: Any, petition: Petition) -> None:
    key = email_hash(SECRET, RITA)
    round_ = PriorityRound(
        neighbourhood_slug="fernbridge-central", title="Police priorities", state=RoundState.CLOSED,
        opens_at=at - timedelta(days=21), closes_at=at, closed_at=at, created_at=at - timedelta(days=30),
    )  # fmt: skip
    process = BudgetProcess(
        slug="youth-fund", title="Youth fund 2026", total=10_000, ballot_type=BallotType.APPROVAL, age_as_of=at,
        ideas_open_at=at, review_at=at, voting_opens_at=at, voting_closes_at=at, delivery_at=at, created_at=at,
    )  # fmt: skip
    panel = await service_membership.create_panel(
        session, actor=None, now=at, name="Riverside Panel", area_kind=AreaKind.WARD, ward_code="E05900006",
        area_name="Riverside", purpose="Residents meet monthly.", meeting_frequency="Monthly", quorum_rule="3",
    )  # fmt: skip
    await service.ensure_body(session, "council", "Fernbridge Borough Council", BodyKind.DEPARTMENT)
    survey = Survey(
        slug="residents-2026", title="Residents survey 2026", area_kind=SurveyArea.COUNCIL,
        area_name="Fernbridge", questions="influence", state=SurveyState.OPEN, created_at=at, opened_at=at,
    )  # fmt: skip
    session.add_all([round_, process, survey])
    await session.flush()
    answer = Response(
        target_kind="petition", target_id=str(petition.id), target_title=petition.action, body_slug="council",
        author_name="Wendy Writer", state=ResponseState.PUBLISHED, created_at=at, first_published_at=at, version=1,
    )  # fmt: skip
    session.add(answer)
    await session.flush()
    session.add_all(
        [
            Ballot(round_id=row_id(round_), email_hash=key, ward_code="E05900006", choices_json="[1, 2]",
                   pending_id=1, cast_on=at, confirmed_at=at),
            Contact(round_id=row_id(round_), email_hash=key, email=ADDRESS, created_at=at),
            BudgetIdea(process_id=row_id(process), title="Skate park", body="By the river", first_name="Rita",
                       email=ADDRESS, status=IdeaStatus.PUBLISHED, created_at=at),
            BudgetIdea(process_id=row_id(process), title="Music room", body="In the library", first_name="Rita",
                       email=ADDRESS, status=IdeaStatus.PENDING, created_at=at),
            PanelSubscription(panel_id=row_id(panel), email=ADDRESS, email_hash=key,
                              status=SubscriptionStatus.CONFIRMED, created_at=at, confirmed_at=at),
            Follower(target_kind="petition", target_id=str(petition.id), email=ADDRESS, email_hash=key,
                     created_at=at, confirmed_at=at),
            Rating(response_id=row_id(answer), version=1, rater_hash=key, score=2, comment="Too slow, Rita",
                   comment_state=CommentState.PENDING, created_at=at),
            SurveyResponse(survey_id=row_id(survey), ward_code="E05900006", channel=Channel.EMAIL, voter_key=key,
                           created_at=at),
        ]
    )  # fmt: skip


@pytest.fixture
async def held(db: Database, clock: FrozenClock, areas: None) -> None:
    """Rita has something in every feature; Sam signed the same petition."""
    at = clock.now() - timedelta(days=3)
    async with db.transaction() as session:
        petition = await _petition(session, at)
        await _others(session, at, petition)


@pytest.fixture
async def officer(db: Database, make_staff: StaffFactory, clock: FrozenClock) -> StaffUser:
    user = await make_staff(Role.ADMIN, email="dpo@council.example")
    async with db.transaction() as session:
        await set_duty(session, user, Duty.DATA_PROTECTION, held=True, actor=None, now=clock.now())
    return user


async def emailed_link(db: Database, to: str) -> str:
    async with db.reading() as session:
        rows = await session.exec(select(OutboxMessage).where(OutboxMessage.to_address == to))
        messages = list(rows.all())
    assert messages, f"no email to {to}"
    found = LINK.search(messages[-1].body_text)
    assert found
    return found.group(1)


async def outbox_size(db: Database) -> int:
    async with db.reading() as session:
        return len((await session.exec(select(OutboxMessage))).all())


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


async def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(
    web: WebClient, db: Database, held: None
) -> None:
    known = await web.post_form("/privacy/your-data", {"email": RITA})
    unknown = await web.post_form("/privacy/your-data", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert main_of(known.text) == main_of(unknown.text)
    assert await emailed_link(db, ADDRESS) and await emailed_link(db, "nobody@example.com")


async def test_bad_addresses_get_a_clear_error(web: WebClient, db: Database) -> None:
    response = await web.post_form("/privacy/your-data", {"email": "not an address"})
    assert response.status_code == 422
    assert "Enter an email address in the correct format" in response.text
    assert await outbox_size(db) == 0


async def test_the_form_needs_its_csrf_token(web: WebClient, db: Database) -> None:
    response = await web.http.post("/privacy/your-data", data={"email": RITA})
    assert response.status_code == 403
    assert await outbox_size(db) == 0


async def test_one_address_gets_a_few_links_a_day_and_the_answer_does_not_change(
    web: WebClient, db: Database
) -> None:
    pages = [await web.post_form("/privacy/your-data", {"email": RITA}) for _ in range(4)]
    assert {p.status_code for p in pages} == {200}
    assert len({main_of(p.text) for p in pages}) == 1
    assert await outbox_size(db) == 3  # DATA_REQUESTS_PER_ADDRESS_PER_DAY


async def test_one_ip_address_is_limited(web: WebClient, db: Database) -> None:
    for n in range(10):
        assert (await web.post_form("/privacy/your-data", {"email": f"p{n}@example.com"})).status_code == 200
    refused = await web.post_form("/privacy/your-data", {"email": "p10@example.com"})
    assert refused.status_code == 429
    assert await outbox_size(db) == 10


async def test_a_bad_or_expired_link_is_refused(web: WebClient, db: Database, clock: FrozenClock) -> None:
    await web.post_form("/privacy/your-data", {"email": RITA})
    link = await emailed_link(db, ADDRESS)
    assert (await web.get(link[:-3] + "abc")).status_code == 400
    assert (await web.get(link.replace("your-data/", "your-data/x"))).status_code == 400
    clock.advance(timedelta(hours=25))
    expired = await web.get(link)
    assert expired.status_code == 400 and "expired" in expired.text
    assert (await web.post_form(link)).status_code == 400


async def test_nothing_is_shown_before_the_link_is_confirmed(
    web: WebClient, db: Database, held: None
) -> None:
    await web.post_form("/privacy/your-data", {"email": RITA})
    link = await emailed_link(db, ADDRESS)
    page = await web.get(link)
    assert page.status_code == 200 and "Show my data" in page.text and "Castle Street" not in page.text
    early = await web.get(f"{link}/held", follow_redirects=False)
    assert early.status_code == 303 and early.headers["location"] == link
    assert (await web.get(f"{link}/data.json", follow_redirects=False)).status_code == 303
    async with db.reading() as session:
        assert (await session.exec(select(DataRequest))).all() == []


async def _confirmed(web: WebClient, db: Database) -> str:
    await web.post_form("/privacy/your-data", {"email": RITA})
    link = await emailed_link(db, ADDRESS)
    confirmed = await web.post_form(link, follow_redirects=False)
    assert confirmed.status_code == 303 and confirmed.headers["location"] == f"{link}/held"
    return link


async def test_a_resident_sees_and_downloads_everything_held_in_every_feature(
    web: WebClient, db: Database, held: None
) -> None:
    link = await _confirmed(web, db)
    page = await web.get(f"{link}/held")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    for text in ("Reopen the Castle Street toilets", "Petition you created", "Priorities ballot",
                 "Priorities updates", "Skate park", "Music room", "Riverside Panel", "Following an answer",
                 "Too slow, Rita", "Email sent to you", "Residents survey 2026", "11 records"):  # fmt: skip
        assert text in page.text, text
    assert "Sam Else" not in page.text and OTHER not in page.text
    assert str(BALLOTS_UNLINKABLE) in html.unescape(
        page.text
    )  # a secret ballot is never found, and the page says why
    download = await web.get(f"{link}/data.json")
    assert download.headers["content-disposition"].startswith("attachment")
    data = json.loads(download.text)
    assert data["email"] == ADDRESS
    counts = {name: len(f["records"]) for name, f in data["features"].items()}
    assert counts == {
        "site": 1, "petitions": 2, "priorities": 2, "budgets": 2, "panels": 1, "responses": 2, "surveys": 1,
    }  # fmt: skip
    assert data["features"]["site"]["records"][0]["fields"]["subject"].startswith("See the data")
    assert data["features"]["budgets"]["notes"] == [BALLOTS_UNLINKABLE]
    # Opening the link again finds the same request, not a second one.
    assert (await web.post_form(link, follow_redirects=False)).status_code == 303
    async with db.reading() as session:
        assert len((await session.exec(select(DataRequest))).all()) == 1


async def _rows(db: Database) -> dict[str, list[Any]]:
    async with db.reading() as session:
        return {
            name: list((await session.exec(select(model))).all())
            for name, model in (
                ("signatures", Signature), ("petitions", Petition), ("ballots", Ballot), ("contacts", Contact),
                ("ideas", BudgetIdea), ("subscriptions", PanelSubscription), ("followers", Follower),
                ("ratings", Rating), ("responses", Response), ("surveys", SurveyResponse),
            )
        }  # fmt: skip


async def test_erasure_across_every_feature_keeps_counts_and_the_public_record(
    web: WebClient, another_web: WebClient, db: Database, held: None, officer: StaffUser
) -> None:
    link = await _confirmed(web, db)
    asked = await web.post_form(f"{link}/erase", follow_redirects=False)
    assert asked.status_code == 303
    assert "You asked us to erase your data" in (await web.get(f"{link}/held")).text

    await another_web.login(officer.email, PASSWORD)
    listing = await another_web.get("/admin/data-requests")
    assert ADDRESS in listing.text and "Erasure asked" in listing.text
    async with db.reading() as session:
        request = (await session.exec(select(DataRequest))).one()
    detail = f"/admin/data-requests/{request.id}"
    unticked = await another_web.post_form(f"{detail}/erase", {})
    assert unticked.status_code == 422 and "Tick the box" in unticked.text
    assert len((await _rows(db))["followers"]) == 1  # nothing was erased
    erased = await another_web.post_form(f"{detail}/erase", {"confirm": "yes"}, follow_redirects=False)
    assert erased.status_code == 303

    rows = await _rows(db)
    rita, sam = sorted(rows["signatures"], key=lambda s: s.name)
    assert (rita.name, rita.email, rita.postcode, rita.ip_address, rita.notify) == ("", "", "", "", False)
    assert rita.state == SignatureState.VALIDATED and rita.anonymised_at is not None  # still counted
    assert (sam.name, sam.email) == ("Sam Else", OTHER)
    assert (rows["petitions"][0].creator_name, rows["petitions"][0].creator_email) == ("", "")
    assert rows["petitions"][0].action == "Reopen the Castle Street toilets"
    assert len(rows["ballots"]) == 1 and rows["ballots"][0].email_hash.startswith("erased-")
    assert rows["contacts"] == [] and rows["subscriptions"] == [] and rows["followers"] == []
    assert [(i.title, i.email, i.first_name) for i in rows["ideas"]] == [("Skate park", None, "")]
    assert rows["ratings"][0].score == 2 and rows["ratings"][0].comment == ""
    assert rows["ratings"][0].rater_hash.startswith("erased-")
    assert rows["responses"][0].author_name == "Wendy Writer"  # a published answer stays
    assert [(r.voter_key, r.ward_code) for r in rows["surveys"]] == [(None, "E05900006")]  # still counted
    async with db.reading() as session:
        mail = list((await session.exec(select(OutboxMessage))).all())
    assert [m.to_address for m in mail if ADDRESS in m.to_address.lower()] == []
    assert any(m.to_address == "removed@redacted.invalid" for m in mail)

    after = await web.get(f"{link}/held")
    assert "Your data was erased" in after.text and "0 records" in after.text
    async with db.reading() as session:
        closed = (await session.exec(select(DataRequest))).one()
        audit = list((await session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))).all())
    assert closed.closed_at is not None and "signature(s) anonymised" in closed.erasure_summary
    actions = [e.action for e in audit if e.action.startswith("privacy.")]
    for action in ("privacy.link_requested", "privacy.request_received", "privacy.export",
                   "privacy.erasure_asked", "privacy.erase"):  # fmt: skip
        assert action in actions
    assert not [e for e in audit if ADDRESS in f"{e.reason} {e.object_id}"]


async def test_only_an_administrator_with_the_duty_sees_requests(
    web: WebClient, make_staff: StaffFactory
) -> None:
    admin = await make_staff(Role.ADMIN)
    await web.login(admin.email, PASSWORD)
    assert (await web.get("/admin/data-requests")).status_code == 403
    assert "/admin/data-requests" not in (await web.get("/staff")).text
    await web.logout()
    moderator = await make_staff(Role.MODERATOR)
    await web.login(moderator.email, PASSWORD)
    assert (await web.get("/admin/data-requests/new")).status_code == 403


async def test_a_letter_is_recorded_with_its_one_month_due_date_and_can_be_searched(
    web: WebClient, db: Database, held: None, officer: StaffUser
) -> None:
    await web.login(officer.email, PASSWORD)
    assert "/admin/data-requests" in (await web.get("/staff")).text
    future = await web.post_form(
        "/admin/data-requests/new",
        {"email": RITA, "received-day": "1", "received-month": "1", "received-year": "2027"},
    )
    assert future.status_code == 422 and "today or in the past" in future.text
    made = await web.post_form(
        "/admin/data-requests/new",
        {"email": RITA, "received-day": "31", "received-month": "10", "received-year": "2026"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    detail = await web.get(made.headers["location"])
    assert "Reopen the Castle Street toilets" in detail.text
    assert "30 November 2026" in detail.text and "Overdue" not in detail.text
    found = await web.get("/admin/data-requests?q=rita.res")
    assert ADDRESS in found.text and "30 November 2026" in found.text
    none = await web.get("/admin/data-requests?q=nobody")
    assert ADDRESS not in none.text and "No request matches" in none.text
    closed = await web.post_form(f"{made.headers['location']}/close", follow_redirects=False)
    assert closed.status_code == 303
    assert "Answered" in (await web.get("/admin/data-requests")).text


async def test_core_erasure_stops_unsent_email_drops_rate_records_and_keeps_staff_accounts(
    db: Database, clock: FrozenClock, make_staff: StaffFactory, app: Any
) -> None:
    member = await make_staff(Role.MODERATOR, email=ADDRESS)
    at = clock.now()
    async with db.transaction() as session:
        await app_state(app).mail.enqueue(session, to=RITA, template="privacy_data_request",
                                          context={"link": "x", "hours": 24}, now=at)  # fmt: skip
        await hit(session, f"privacy-ask-address:{ADDRESS}", [Limit(3, 86400)], now=at)
        await hit(session, f"privacy-ask-address:{OTHER}", [Limit(3, 86400)], now=at)
    subject = Subject(ADDRESS, SECRET)
    async with db.transaction() as session:
        found = await privacy_core.search(session, subject)
        assert [h.kind for h in found] == ["Email sent to you", "Staff account"]
        erased = await privacy_core.erase(session, subject, at)
    assert erased.summary == "1 email(s) removed, 1 rate-limit record(s) deleted"
    async with db.reading() as session:
        message = (await session.exec(select(OutboxMessage))).one()
        keys = [c.key for c in (await session.exec(select(RateCounter))).all()]
        kept = (await session.exec(select(StaffUser).where(StaffUser.id == member.id))).one()
    assert message.status == OutboxStatus.FAILED and message.to_address == "removed@redacted.invalid"
    assert message.body_text == "" and keys == [f"privacy-ask-address:{OTHER}|86400"]
    assert kept.email == ADDRESS


async def test_an_administrator_gives_and_removes_the_duty_on_the_staff_page_audited(
    web: WebClient, db: Database, make_staff: StaffFactory
) -> None:
    admin = await make_staff(Role.ADMIN)
    colleague = await make_staff(Role.ADMIN)
    moderator = await make_staff(Role.MODERATOR)
    await web.login(admin.email, PASSWORD)
    page = f"/admin/staff/{colleague.id}"
    assert "does not hold the data protection duty" in (await web.get(page)).text
    given = await web.post_form(page, {"action": "grant_duty"}, follow_redirects=False)
    assert given.status_code == 303
    assert "holds the data protection duty" in (await web.get(page)).text
    refused = await web.post_form(f"/admin/staff/{moderator.id}", {"action": "grant_duty"})
    assert refused.status_code == 422 and "Only an administrator can hold" in refused.text
    await web.post_form(page, {"action": "remove_duty"})
    assert "does not hold the data protection duty" in (await web.get(page)).text
    async with db.reading() as session:
        actions = (await session.exec(select(AuditEntry.action).where(AuditEntry.actor_id == admin.id))).all()
    assert actions.count("staff.grant_duty") == 1 and actions.count("staff.remove_duty") == 1


async def test_a_later_link_reaches_the_request_still_open_and_not_a_closed_one(
    web: WebClient, db: Database, held: None, clock: FrozenClock, officer: StaffUser, another_web: WebClient
) -> None:
    first = await _confirmed(web, db)
    clock.advance(timedelta(days=2))  # the first link has expired
    assert (await web.get(f"{first}/held")).status_code == 400
    second = await _confirmed(web, db)
    assert second != first
    assert "Reopen the Castle Street toilets" in (await web.get(f"{second}/held")).text
    async with db.reading() as session:
        request = (await session.exec(select(DataRequest))).one()  # still the one request
    await another_web.login(officer.email, PASSWORD)
    await another_web.post_form(f"/admin/data-requests/{request.id}/close")
    clock.advance(timedelta(days=2))
    third = await _confirmed(web, db)  # a new request: the answered one is not shown again
    async with db.reading() as session:
        assert len((await session.exec(select(DataRequest))).all()) == 2
    assert "You asked us to erase" not in (await web.get(f"{third}/held")).text
