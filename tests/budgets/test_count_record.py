"""Count records of budget results: published with the result, digests in the audit log, a "Check
this count" page, and `civic recount` reproducing the count or naming what was changed."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from civic import recount_commands
from civic.budgets import service, service_results, service_voting
from civic.budgets.models import BallotType, TallyRule
from civic.cli import main
from civic.config import Settings
from civic.core import audit
from civic.core.db import Database, row_id
from civic.core.recount import manifest_of, record_digest
from civic.core.users import Role
from tests.budgets.conftest import create_budget
from tests.conftest import START, StaffFactory
from tests.support.web import WebClient

AREAS = [("Northgate", 20_000), ("Riverside", 12_000)]


async def publish_counted(db: Database, make_staff: StaffFactory, slug: str = "check-fund") -> None:
    """A counted, published equal-shares budget in two areas, with one project left out by the council."""
    fund = await create_budget(
        db,
        slug,
        areas=AREAS,
        offsets=(-40, -30, -20, -1, 30),
        rule=TallyRule.MES,
        ballot_type=BallotType.APPROVAL,
    )
    worker = await make_staff(Role.YOUTH_WORKER)
    skate, music, football, art = fund.proposals  # Northgate: skate, football; Riverside: music, art
    async with db.transaction() as session:
        choices = [[skate, football]] * 4 + [[football]] * 3 + [[music, art]] * 2 + [[art]] * 3 + [[]]
        for chosen in choices:
            await service_voting.store_ballot(
                session,
                process_id=row_id(fund.process),
                area_id=(chosen[0].area_id if chosen else skate.area_id),
                age_band="14-16",
                channel=service_voting.Channel.ONLINE,
                choices=[row_id(p) for p in chosen],
                secret=None,
            )
        await service.add_override(session, music, reason="The studio closed", actor=worker, now=START)
        result = await service_results.compute(session, fund.process, actor=worker, now=START)
        await service_results.publish(session, result, fund.process, actor=worker, now=START)


async def download(web: WebClient, folder: Path, slug: str = "check-fund") -> Path:
    """Save the record and every file it lists into `folder`, as someone checking the count would."""
    response = await web.get(f"/budgets/{slug}/count/record.json")
    assert response.status_code == 200
    (folder / "record.json").write_bytes(response.content)
    for listed in response.json()["files"]:
        got = await web.get(f"/budgets/{slug}/count/{listed['name']}")
        assert got.status_code == 200
        (folder / listed["name"]).write_bytes(got.content)
    return folder / "record.json"


async def recount(capsys: pytest.CaptureFixture[str], settings: Settings, source: Path) -> tuple[int, str]:
    code = await recount_commands.recount_command(argparse.Namespace(source=str(source)), settings)
    return code, capsys.readouterr().out


async def test_a_published_result_has_a_count_record_that_recounts_to_the_same_result(
    web: WebClient,
    db: Database,
    make_staff: StaffFactory,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await publish_counted(db, make_staff)
    record = json.loads((await download(web, tmp_path)).read_text())
    assert record["rule"] == "mes" and record["engine"]["name"] == "civic.budgets.tally"
    assert [f["name"] for f in record["files"]][-1] == "result.json"
    assert len([f for f in record["files"] if f["role"] == "ballots"]) == 2  # one .pb per area
    assert [a["excluded"] for a in record["parameters"]["areas"]] == [{}, {"2": "The studio closed"}]
    assert record["record_sha256"] == record_digest(manifest_of(record))
    async with db.reading() as session:
        entry = (
            await session.exec(
                select(audit.AuditEntry).where(audit.AuditEntry.action == "budgets.count_record_published")
            )
        ).one()
        assert (await audit.verify_chain(session)).ok
    assert entry.public and f"sha256:{record['record_sha256']}" in entry.reason
    assert record["audit"]["hash"] == entry.hash

    code, out = await recount(capsys, settings, tmp_path / "record.json")
    assert code == 0, out
    assert "MISMATCH" not in out and "Result: match" in out
    assert out.count("match: file ") == 3

    results = (await web.get("/budgets/check-fund/results")).text
    assert 'href="/budgets/check-fund/count"' in results
    page = (await web.get("/budgets/check-fund/count")).text
    assert record["record_sha256"] in page and entry.hash in page
    for listed in record["files"]:
        assert listed["sha256"] in page and f'href="/budgets/check-fund/count/{listed["name"]}"' in page
    assert "civic recount http://testserver/budgets/check-fund/count/record.json" in page
    assert "The studio closed" in page  # the override others must apply with their own tools
    await _the_page_command_gives_each_area_s_selection(page, tmp_path, capsys)


async def _the_page_command_gives_each_area_s_selection(
    page: str, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each `civic budgets tally` line the page prints, run on the downloaded file, gives the published
    selection of its area (the excluded project left out with --exclude)."""
    import html
    import re

    commands = re.findall(r"civic budgets tally [^\n<]+", html.unescape(page))
    published = json.loads((folder / "result.json").read_text())["areas"]
    assert len(commands) == len(published) == 2
    assert "--exclude" not in commands[0] and "--exclude 2 ballots-area-" in commands[1]
    for command, area in zip(commands, published, strict=True):
        argv = command.split()[1:]
        argv[-1] = str(folder / argv[-1])
        assert await asyncio.to_thread(main, argv) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed["selected"] == area["selected"] and printed["spent"] == area["spent"]


def _edit_ballot(folder: Path) -> None:
    """Change the first voter's choices in the first area's ballots (each project's votes are in the
    result, so any change of a choice changes the count)."""
    pb = next(p for p in sorted(folder.glob("ballots-area-*.pb")))
    lines = pb.read_text().splitlines()
    votes = lines.index("VOTES")
    first = lines[votes + 2].split(";")
    first[1] = "1" if first[1] == "3" else "3"
    lines[votes + 2] = ";".join(first)
    pb.write_text("\n".join(lines) + "\n")


def _edit_result(folder: Path) -> None:
    result = json.loads((folder / "result.json").read_text())
    result["areas"][0]["spent"] -= 1
    (folder / "result.json").write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")


def _reseal(folder: Path) -> dict[str, Any]:
    """A careful forger: after changing a ballot, put the new file digests and record digest in."""
    import hashlib

    record = json.loads((folder / "record.json").read_text())
    for listed in record["files"]:
        listed["sha256"] = hashlib.sha256((folder / listed["name"]).read_bytes()).hexdigest()
    record["record_sha256"] = record_digest(manifest_of(record))
    return dict(record)


def _edit_ballot_and_reseal(folder: Path) -> None:
    _edit_ballot(folder)
    record = _reseal(folder)
    record["audit"]["reason"] = f"Check Fund: count record sha256:{record['record_sha256']}"
    (folder / "record.json").write_text(json.dumps(record))


def _edit_audit_entry(folder: Path) -> None:
    record = json.loads((folder / "record.json").read_text())
    record["audit"]["actor_label"] = "Someone else (Administrator)"
    (folder / "record.json").write_text(json.dumps(record))


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (_edit_ballot, ["file ballots-area-", "the count made again gives the published result"]),
        (_edit_result, ["file result.json", "the count made again gives the published result"]),
        (_edit_ballot_and_reseal, ["the audit log entry has its published hash", "the count made again"]),
        (_edit_audit_entry, ["the audit log entry has its published hash"]),
    ],
    ids=[
        "a changed ballot",
        "a changed result",
        "a changed ballot with new digests",
        "a changed audit entry",
    ],
)
async def test_recount_reports_a_mismatch_when_anything_was_changed(
    web: WebClient,
    db: Database,
    make_staff: StaffFactory,
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tamper: Any,
    expected: list[str],
) -> None:
    await publish_counted(db, make_staff)
    source = await download(web, tmp_path)
    tamper(tmp_path)
    code, out = await recount(capsys, settings, source)
    assert code == 1, out
    assert "Result: MISMATCH" in out
    mismatched = [line for line in out.splitlines() if line.startswith("MISMATCH: ")]
    for text in expected:
        assert any(text in line for line in mismatched), (text, out)


async def test_recount_fetches_a_record_and_its_files_from_their_urls(
    web: WebClient, db: Database, make_staff: StaffFactory
) -> None:
    await publish_counted(db, make_staff)
    base = "http://testserver/budgets/check-fund/count/"
    served: dict[str, bytes] = {}
    record = (await web.get(base + "record.json")).json()
    for name in ["record.json", *(f["name"] for f in record["files"])]:
        served[base + name] = (await web.get(base + name)).content
    doc, files = recount_commands.load(base + "record.json", fetch=served.__getitem__)
    assert set(files) == {f["name"] for f in record["files"]}
    assert all(check.ok for check in recount_commands.checks(doc, files))


async def test_a_file_the_record_does_not_list_is_not_found_and_unpublished_results_have_no_record(
    web: WebClient, db: Database, make_staff: StaffFactory
) -> None:
    await publish_counted(db, make_staff)
    assert (await web.get("/budgets/check-fund/count/ballots-area-99.pb")).status_code == 404
    assert (await web.get("/budgets/check-fund/count/..%2Fresults.json")).status_code == 404
    await create_budget(db, "not-yet", offsets=(-40, -30, -20, -1, 30))
    assert (await web.get("/budgets/not-yet/count")).status_code == 404
    assert (await web.get("/budgets/not-yet/count/record.json")).status_code == 404
