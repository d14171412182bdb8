"""`civic budgets tally|import-pabulib|export-pabulib`, as reviewers and scripts run them."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from civic.budgets import pabulib
from civic.budgets.models import BudgetBallot, BudgetBallotChoice, BudgetProcess, BudgetProposal, TallyRule
from civic.budgets.tally import tally
from civic.cli import main
from civic.core.db import Database

DATA = Path(__file__).parent / "data"


def run_tally(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["budgets", "tally", *args]) == 0
    return dict(json.loads(capsys.readouterr().out))


@pytest.mark.parametrize(
    ("rule", "selected", "spent"),
    [
        # nets and lights have 3 votes each (nets is cheaper); then wifi (free, 2 votes); the studio
        # (£40) does not fit in the £30 left, the mural (£30, no votes) does
        ("greedy", ["nets", "lights", "wifi", "mural"], 100),
        # wifi is free (rho 0); nets and lights by equal shares once Add1 has raised the shares; the
        # mural in the completion step
        ("mes", ["wifi", "nets", "lights", "mural"], 100),
    ],
)
def test_tally_prints_the_rule_budget_selected_ids_as_in_the_file_and_spent(
    capsys: pytest.CaptureFixture[str], rule: str, selected: list[str], spent: int
) -> None:
    out = run_tally(capsys, str(DATA / "hand_named.pb"), "--rule", rule)
    assert {"rule": rule, "budget": 100, "selected": selected, "spent": spent}.items() <= out.items()
    assert "projects" not in out


def test_tally_defaults_to_greedy_and_explains_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_tally(capsys, str(DATA / "hand_add1.pb"), "--explain")
    assert out["rule"] == "greedy" and out["selected"] == ["3", "2"] and out["spent"] == 70
    projects = {p["id"]: p for p in out["projects"]}  # type: ignore[attr-defined]
    assert projects["1"]["funded"] is False and "£10 was left" in projects["1"]["explanation"]


def test_tally_of_a_missing_file_is_an_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["budgets", "tally", str(tmp_path / "nope.pb"), "--rule", "mes"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_import_creates_a_process_with_the_files_projects_and_ballots(
    capsys: pytest.CaptureFixture[str], database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    assert main(["budgets", "import-pabulib", str(DATA / "hand_named.pb")]) == 0
    assert "Imported 5 projects and 6 ballots" in capsys.readouterr().out
    process, proposals, ballots, choices = asyncio.run(stored(database_url))
    assert process.slug == "pb-hand-named" and process.total == 100 and process.rule == TallyRule.MES
    # text ids are numbered in sorted order, and each proposal names the id it had in the file
    assert [(p.number, p.title, p.cost, p.summary) for p in proposals][:2] == [
        (1, "Skate park lights", 50, "pabulib project lights"),
        (2, "Mural on the bridge", 30, "pabulib project mural"),
    ]
    assert ballots == 6 and choices == 10
    assert main(["budgets", "import-pabulib", str(DATA / "hand_named.pb")]) == 1  # not twice
    assert "already exists" in capsys.readouterr().err


async def stored(database_url: str) -> tuple[BudgetProcess, list[BudgetProposal], int, int]:
    db = Database(database_url)
    try:
        async with db.reading() as session:
            process = (await session.exec(select(BudgetProcess))).one()
            proposals = (
                await session.exec(select(BudgetProposal).order_by(col(BudgetProposal.number)))
            ).all()
            ballots = (await session.exec(select(func.count()).select_from(BudgetBallot))).one()
            choices = (await session.exec(select(func.count()).select_from(BudgetBallotChoice))).one()
    finally:
        await db.dispose()
    return process, list(proposals), ballots, choices


@pytest.mark.parametrize("name", ["hand_mes.pb", "hand_add1.pb"])
def test_import_then_export_round_trips_to_the_same_count_with_anonymised_ballots(
    name: str,
    capsys: pytest.CaptureFixture[str],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    assert main(["budgets", "import-pabulib", str(DATA / name)]) == 0
    process_id = capsys.readouterr().out.split("as process ")[1].split(" ")[0]
    target = tmp_path / "out.pb"
    assert main(["budgets", "export-pabulib", process_id, "--output", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    exported, original = pabulib.parse(text), pabulib.parse((DATA / name).read_text(encoding="utf-8"))
    # anonymised: voters numbered 1..n, and nothing about a voter but what they chose
    assert "\nvoter_id;vote\n" in text and all(_others(v) == {} for v in exported.voter_meta)
    assert [v["voter_id"] for v in exported.voter_meta] == [
        str(n) for n in range(1, len(original.ballots) + 1)
    ]
    assert sorted(map(sorted, exported.ballots)) == sorted(map(sorted, original.ballots))
    assert [(p.id, p.cost) for p in exported.projects] == [(p.id, p.cost) for p in original.projects]
    for rule in ("greedy", "mes"):
        again = tally(exported.tally_projects(), exported.budget, exported.ballots, rule=rule)  # type: ignore[arg-type]
        first = tally(original.tally_projects(), original.budget, original.ballots, rule=rule)  # type: ignore[arg-type]
        assert again.selected == first.selected


def _others(voter: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in voter.items() if k != "voter_id"}


def test_export_of_an_unknown_process_says_so(
    capsys: pytest.CaptureFixture[str], database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    assert main(["budgets", "export-pabulib", "999"]) == 1
    assert "no budget process 999" in capsys.readouterr().err
