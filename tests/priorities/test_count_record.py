"""Count records of priorities rounds: the ballots CSV with meeting tallies, `civic priorities tally`
and `civic recount` reproducing the published count, and tampering detected."""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from civic import recount_commands
from civic.budgets.tally import tally
from civic.cli import main
from civic.config import Settings
from civic.core import audit
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.priorities import service, service_results
from civic.priorities.models import Method, PriorityRound, RoundState
from tests.priorities.conftest import Rounds, _mail
from tests.priorities.test_results import cast
from tests.support.web import WebClient


async def published_round(rounds: Rounds, db: Database, clock: FrozenClock) -> PriorityRound:
    """A ranked round with a worker's ballot, a tie and a public meeting's raised hands, published."""
    item, issues = await rounds.make(
        RoundState.VOTING_OPEN, method=Method.RANKED, choices=3, top_n=2, issues=4
    )
    a, b, c, _ = (row_id(i) for i in issues)
    await cast(db, item, clock, "one@example.com", [a, c, b], opt_in=True)  # hears of the results
    await cast(db, item, clock, "two@example.com", [c, b])
    await cast(db, item, clock, "three@example.com", [c], postcode="ZZ1 1AA", works_here=True)
    async with db.transaction() as session:
        fresh = await session.get(PriorityRound, item.id)
        assert fresh is not None
        await service.record_meeting(
            session,
            fresh,
            actor=None,
            held_on=clock.now() - timedelta(days=1),
            place="Hall",
            attendance=9,
            hands={b: 1},
            now=clock.now(),
        )
        await service_results.close_round(session, fresh, actor=None, now=clock.now())
    clock.advance(timedelta(hours=1))
    async with db.transaction() as session:
        fresh = await session.get(PriorityRound, item.id)
        assert fresh is not None
        await service_results.publish_results(
            session,
            fresh,
            actor=None,
            chosen_ids=None,
            reason="",
            now=clock.now(),
            mail=_mail(rounds),
            retention_days=120,
        )
    return fresh


async def download(web: WebClient, folder: Path, round_id: int) -> Path:
    base = f"/priorities/rounds/{round_id}/count/"
    response = await web.get(base + "record.json")
    assert response.status_code == 200
    (folder / "record.json").write_bytes(response.content)
    for listed in response.json()["files"]:
        got = await web.get(base + listed["name"])
        assert got.status_code == 200
        (folder / listed["name"]).write_bytes(got.content)
    return folder / "record.json"


async def test_a_published_round_has_a_record_whose_ballots_count_to_the_published_result(
    rounds: Rounds,
    db: Database,
    clock: FrozenClock,
    web: WebClient,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    item = await published_round(rounds, db, clock)
    source = await download(web, tmp_path, row_id(item))
    record = json.loads(source.read_text())
    assert record["rule"] == "ranked" and record["parameters"]["meeting_hand_points"] == 3
    ballots = (tmp_path / "ballots.csv").read_text()
    assert "@example.com" not in ballots and "E059" not in ballots and "ZZ1" not in ballots
    assert ballots.count("\nballot,") == 3 and "ballot,worker," in ballots and "\nmeeting," in ballots

    published = json.loads((tmp_path / "result.json").read_text())
    # a has 3 points; b has 1 + 2 online and one raised hand, worth a first preference (3): 6;
    # c has 2 + 3 + 3 = 8. c and b are the priorities.
    assert published["selected"] == item_chosen(published)
    assert [c["votes"] for c in published["candidates"]][:3] == [8, 6, 3]

    code = await recount_commands.recount_command(argparse.Namespace(source=str(source)), settings)
    out = capsys.readouterr().out
    assert code == 0 and "MISMATCH" not in out, out

    async with db.reading() as session:
        entry = (
            await session.exec(
                select(audit.AuditEntry).where(audit.AuditEntry.action == "priorities.count_record_published")
            )
        ).one()
    assert entry.public and record["record_sha256"] in entry.reason

    round_page = (await web.get(f"/priorities/rounds/{item.id}")).text
    assert f'href="/priorities/rounds/{item.id}/count"' in round_page
    page = (await web.get(f"/priorities/rounds/{item.id}/count")).text
    assert record["record_sha256"] in page and "civic priorities tally ballots.csv" in page


def item_chosen(result: dict[str, object]) -> list[str]:
    candidates = result["candidates"]
    assert isinstance(candidates, list)
    return [c["id"] for c in candidates if c["chosen"]]


def test_priorities_tally_prints_the_same_top_level_keys_as_budgets_tally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ballots.csv").write_text(
        "record,field,value\n"
        "setting,method,approval\nsetting,choices,2\nsetting,top_n,1\n"
        "candidate,7,Speeding\ncandidate,9,Parking\n"
        "ballot,resident,7 9\nballot,worker,9\nballot,resident,9 9 7\nmeeting,7,1\nmeeting,7,1\n"
    )
    assert main(["priorities", "tally", str(tmp_path / "ballots.csv")]) == 0
    out = json.loads(capsys.readouterr().out)
    # 9: three online votes; 7: two online and two hands at meetings: 7 wins on the total
    assert out["selected"] == ["7"] and out["voters"] == 3
    assert [(c["id"], c["votes"], c["meeting"]) for c in out["candidates"]] == [("7", 4, 2), ("9", 3, 0)]
    budgets = tally([], 0, []).as_json()
    shared = {"rule", "selected", "voters"}
    assert shared <= set(out) and shared <= set(budgets)
    assert isinstance(out["selected"], list) and isinstance(budgets["selected"], list)


def test_priorities_tally_names_the_line_of_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad.csv").write_text("record,field,value\nsetting,choices,2\nballot,visitor,1\n")
    assert main(["priorities", "tally", str(tmp_path / "bad.csv")]) == 2
    assert "line 3" in capsys.readouterr().err


async def test_a_changed_ballot_or_meeting_tally_is_a_mismatch(
    rounds: Rounds,
    db: Database,
    clock: FrozenClock,
    web: WebClient,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    item = await published_round(rounds, db, clock)
    source = await download(web, tmp_path, row_id(item))
    ballots = tmp_path / "ballots.csv"
    original = ballots.read_bytes()
    worker_as_resident = original.replace(b"ballot,worker,", b"ballot,resident,")
    more_hands = original.replace(b"meeting,2,1\r\n", b"meeting,2,4\r\n")
    for changed in (worker_as_resident, more_hands):
        assert changed != original
        ballots.write_bytes(changed)
        code = await recount_commands.recount_command(argparse.Namespace(source=str(source)), settings)
        out = capsys.readouterr().out
        assert code == 1
        assert "MISMATCH: file ballots.csv" in out
        assert "MISMATCH: the count made again gives the published result" in out
