"""The plain summary on a published round's page and in the results email."""

from __future__ import annotations

from sqlmodel import select

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.outbox import OutboxMessage
from civic.core.publish import shown_count
from civic.priorities import summary
from tests.priorities.conftest import Rounds
from tests.priorities.test_count_record import published_round
from tests.support.web import WebClient


def issues(*totals: int, chosen: int) -> list[summary.Issue]:
    return [summary.Issue(f"Issue {n}", t, n <= chosen, n) for n, t in enumerate(totals, start=1)]


def test_an_approval_round_names_its_priorities_and_says_one_pick_is_one_vote() -> None:
    said = summary.summary(
        online_voters=120,
        meeting_attendance=0,
        method="approval",
        choices=3,
        issues=issues(50, 40, 30, 20, chosen=2),
        overridden=False,
        shown=shown_count,
    )
    assert said == [
        "120 people voted online.",
        "The issues with the most support are now the team's priorities: Issue 1 and Issue 2.",
        "Each issue picked on a ballot got one vote. A raised hand at a meeting was one vote too.",
    ]


def test_a_tie_at_the_cut_off_and_an_override_are_said_plainly() -> None:
    tied = summary.summary(
        online_voters=3,
        meeting_attendance=12,
        method="ranked",
        choices=3,
        issues=issues(9, 6, 6, chosen=2),
        overridden=False,
        shown=shown_count,
    )
    assert tied[0] == "Fewer than 5 people voted online." and tied[1] == "12 people came to public meetings."
    assert "A first choice was worth 3 points, a second choice one point less, and so on." in tied[-2]
    assert tied[-1] == "Two issues had the same total, so a fixed rule decided which came first."
    chosen_otherwise = summary.summary(
        online_voters=30,
        meeting_attendance=0,
        method="approval",
        choices=3,
        issues=[summary.Issue("Speeding", 9, False, 1), summary.Issue("Parking", 3, True, 2)],
        overridden=True,
        shown=shown_count,
    )
    assert chosen_otherwise[1:3] == [
        "The team chose these priorities: Parking.",
        "This is not the same as the count. The team's reason is below.",
    ]


async def test_the_round_page_and_the_results_email_open_with_the_summary(
    rounds: Rounds, db: Database, clock: FrozenClock, web: WebClient
) -> None:
    item = await published_round(rounds, db, clock)
    page = (await web.get(f"/priorities/rounds/{item.id}")).text
    # c (Groups in Abbey Park) has 8 points and b (Speeding on Castle Road) 6, in order of support
    expected = "now the team's priorities: Groups in Abbey Park and Speeding on Castle Road."
    assert "What happened, in short" in page and "Fewer than 5 people voted online." in page
    assert page.index("What happened, in short") < page.index("Who took part")
    assert expected in page.replace("&#39;", "'")
    async with db.reading() as session:
        bodies = (await session.exec(select(OutboxMessage.body_text))).all()
    assert any("Fewer than 5 people voted online. 9 people came to public meetings." in b for b in bodies)
