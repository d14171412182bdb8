"""Paper ballots for police priorities: a printable ballot per round, bundles typed in twice by two
members of the team, differences settled sheet by sheet, spoilt sheets set aside, and the paper
votes counted in the total and shown on their own."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from civic.core.audit import AuditEntry
from civic.core.db import Database, row_id
from civic.core.double_entry import PaperError
from civic.core.users import Role, StaffUser
from civic.priorities.models import (
    BallotChannel,
    Candidate,
    Method,
    OfflineBallot,
    PaperBatch,
    PriorityRound,
    RoundState,
)
from civic.priorities.service_paper import canonical_sheet, parse_sheets
from tests.conftest import PASSWORD
from tests.priorities.conftest import Rounds
from tests.support.web import WebClient

# Sheets of one bundle as the first person reads them. Sheet 3 is misread by the second typist.
FIRST = "1 2 / FB6 1UU\n3 / fb11aa\n2, 4 / FB6 1UU\n-\n1 2 3 4 / FB6 1UU\n5 / FB2 1AA\n5 / FB2 1AA / work"
SECOND = FIRST.replace("2, 4 / FB6 1UU", "2 5 / FB6 1UU")


def test_a_sheet_is_typed_in_one_canonical_form_so_only_real_differences_differ() -> None:
    approval, ranked = Method.APPROVAL, Method.RANKED
    assert canonical_sheet(" 4, 2 / fb6 1uu ", method=approval, where="Sheet 1") == "2,4 / FB6 1UU"
    assert canonical_sheet("4 2 / FB61UU", method=ranked, where="Sheet 1") == "4,2 / FB6 1UU"
    assert canonical_sheet("3 / FB2 1AA / Work", method=approval, where="Sheet 1") == "3 / FB2 1AA / work"
    assert canonical_sheet("3", method=approval, where="Sheet 1") == "3"  # no postcode: spoilt later
    assert canonical_sheet("-", method=approval, where="Sheet 1") == ""
    assert canonical_sheet(" / FB6 1UU", method=approval, where="Sheet 1") == ""  # nothing chosen
    for bad, message in [
        ("two / FB6 1UU", "start with the numbers"),
        ("1 / FB6 1UU / maybe", "then / work"),
        ("1 / not a postcode", "Sheet 1"),
        (" ".join(["1"] * 21) + " / FB6 1UU", "at most 20 numbers"),
    ]:
        with pytest.raises(PaperError, match=message):
            canonical_sheet(bad, method=approval, where="Sheet 1")
    with pytest.raises(PaperError, match="exactly 2 lines"):
        parse_sheets("1 / FB6 1UU", 2, method=approval)


async def _team(make_staff: Any, police: StaffUser, web: WebClient, another_web: WebClient) -> StaffUser:
    partner: StaffUser = await make_staff(Role.POLICE, email="pc.jones@police.example", name="PC Jones")
    await web.login(police.email, PASSWORD)
    await another_web.login(partner.email, PASSWORD)
    return partner


async def _ballots(db: Database, round_id: int) -> list[OfflineBallot]:
    async with db.reading() as session:
        query = (
            select(OfflineBallot).where(OfflineBallot.round_id == round_id).order_by(col(OfflineBallot.id))
        )
        return list((await session.exec(query)).all())


async def test_two_officers_type_a_bundle_settle_the_difference_and_count_it(
    web: WebClient,
    another_web: WebClient,
    db: Database,
    rounds: Rounds,
    make_staff: Any,
    police: StaffUser,
) -> None:
    partner = await _team(make_staff, police, web, another_web)
    item, candidates = await rounds.make(RoundState.VOTING_OPEN, choices=3)
    base = f"/priorities/manage/rounds/{item.id}/paper"
    no_label = await web.post_form(base, {"label": "", "sheets": "7"})
    assert no_label.status_code == 422 and "where the ballots came from" in no_label.text
    started = await web.post_form(base, {"label": "Library ballot box", "sheets": "7"})
    assert started.status_code == 303
    page = started.headers["location"]

    short = await web.post_form(f"{page}/entry", {"lines": "1 / FB6 1UU"})
    assert short.status_code == 422 and "exactly 7 lines" in short.text
    assert (await web.post_form(f"{page}/entry", {"lines": FIRST})).status_code == 303
    again = await web.post_form(f"{page}/entry", {"lines": FIRST})
    assert again.status_code == 422 and "different person" in again.text
    assert (await another_web.post_form(f"{page}/entry", {"lines": SECOND})).status_code == 303

    shown = await web.get(page)
    assert "Differences to settle" in shown.text and "entry 1 says “2,4 / FB6 1UU”" in shown.text
    early = await web.post_form(f"{page}/count")
    assert early.status_code == 422 and "every difference settled" in early.text
    wrong_sheet = await web.post_form(f"{page}/resolve", {"sheet": "1", "choices": "1 2 / FB6 1UU"})
    assert wrong_sheet.status_code == 422 and "no difference" in wrong_sheet.text
    settled = await web.post_form(f"{page}/resolve", {"sheet": "3", "choices": "2 4 / FB6 1UU"})
    assert settled.status_code == 303

    assert (await another_web.post_form(f"{page}/count")).status_code == 303
    ballots = await _ballots(db, row_id(item))
    # Counted: sheets 1, 2, 3 and 7 (works here). Spoilt: 4 (blank), 5 (four choices of three),
    # 6 (a postcode outside the neighbourhood, no work tick).
    assert [b.sheet for b in ballots] == [1, 2, 3, 7]
    assert all(b.channel == BallotChannel.PAPER and b.person_hash is None for b in ballots)
    ids = [row_id(c) for c in candidates]
    assert ballots[2].choices == [ids[1], ids[3]] and ballots[3].works_here
    async with db.reading() as session:
        batch = (await session.exec(select(PaperBatch))).one()
        actions = [
            (a.action, a.actor_id)
            for a in (await session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))).all()
            if a.action.startswith("priorities.paper")
        ]
    assert (batch.counted, batch.spoilt) == (4, 3)
    assert actions == [
        ("priorities.paper_batch_added", police.id),
        ("priorities.paper_entered", police.id),
        ("priorities.paper_entered", partner.id),
        ("priorities.paper_resolved", police.id),
        ("priorities.paper_counted", partner.id),
    ]
    twice = await web.post_form(f"{page}/count")
    assert twice.status_code == 422 and "already been counted" in twice.text
    assert len(await _ballots(db, row_id(item))) == 4


async def test_paper_votes_count_in_the_total_and_show_apart_on_the_results(
    web: WebClient,
    another_web: WebClient,
    db: Database,
    rounds: Rounds,
    make_staff: Any,
    police: StaffUser,
) -> None:
    await _team(make_staff, police, web, another_web)
    item, candidates = await rounds.make(RoundState.VOTING_OPEN, choices=1, top_n=1)
    base = f"/priorities/manage/rounds/{item.id}"
    page = (await web.post_form(f"{base}/paper", {"label": "Community centre", "sheets": "6"})).headers[
        "location"
    ]
    sheets = "\n".join(["5 / FB6 1UU"] * 6)  # six paper votes for the last issue
    assert (await web.post_form(f"{page}/entry", {"lines": sheets})).status_code == 303
    assert (await another_web.post_form(f"{page}/entry", {"lines": sheets})).status_code == 303
    assert (await web.post_form(f"{page}/count")).status_code == 303
    assert (await web.post_form(f"{base}/state", {"action": "close"})).status_code == 303
    published = await web.post_form(f"{base}/publish", {"chosen": [row_id(candidates[4])], "reason": ""})
    assert published.status_code == 303  # the count's top issue: no reason needed
    async with db.reading() as session:
        last = await session.get(Candidate, row_id(candidates[4]))
        fresh = await session.get(PriorityRound, row_id(item))
    assert last is not None and fresh is not None
    assert (last.paper, last.residents, last.total, last.position, last.chosen) == (6, 0, 6, 1, True)
    assert (fresh.paper_voters, fresh.resident_voters) == (6, 0)
    public = await web.get(f"/priorities/rounds/{item.id}")
    assert "Paper ballots" in public.text and "On paper ballots" in public.text
    data = (await web.get(f"/priorities/{item.neighbourhood_slug}/data.json")).json()
    [published] = [r for r in data["rounds"] if r["id"] == item.id]
    assert published["turnout"]["paper_ballots"] == 6 and published["turnout"]["assisted_votes"] == 0
    csv = (await web.get(f"/priorities/{item.neighbourhood_slug}/results.csv")).text
    header, first = csv.splitlines()[:2]
    assert "paper" in header.split(",") and ",6," in first


async def test_the_paper_ballot_prints_the_numbered_issues_while_voting_is_open(
    web: WebClient, rounds: Rounds, police: StaffUser
) -> None:
    item, candidates = await rounds.make(RoundState.VOTING_OPEN, choices=2)
    page = await web.get(f"/priorities/rounds/{item.id}/ballot")
    assert page.status_code == 200
    assert 'class="civic-qr"' in page.text and f"/priorities/rounds/{item.id}/vote" in page.text
    assert "up to <strong>2</strong> issues" in page.text
    positions = [page.text.index(c.title) for c in candidates]
    assert positions == sorted(positions)  # numbered in the order staff type them in
    closed, _ = await rounds.make(RoundState.CLOSED)
    assert (await web.get(f"/priorities/rounds/{closed.id}/ballot")).status_code == 409
    draft, _ = await rounds.make(RoundState.DRAFT)
    assert (await web.get(f"/priorities/rounds/{draft.id}/ballot")).status_code == 404
    await web.login(police.email, PASSWORD)
    assert (await web.get(f"/priorities/rounds/{draft.id}/ballot")).status_code == 200  # the team checks it


async def test_only_the_round_team_types_paper_and_not_after_publication(
    web: WebClient, rounds: Rounds, make_staff: Any
) -> None:
    item, _ = await rounds.make(RoundState.PUBLISHED)
    other = await make_staff(Role.POLICE, neighbourhood="fernbridge-north")
    await web.login(other.email, PASSWORD)
    assert (await web.get(f"/priorities/manage/rounds/{item.id}/paper")).status_code == 403
    admin = await make_staff(Role.ADMIN)
    await web.login(admin.email, PASSWORD)
    late = await web.post_form(f"/priorities/manage/rounds/{item.id}/paper", {"label": "Late", "sheets": "2"})
    assert late.status_code == 403
