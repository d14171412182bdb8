"""The secret ballot in the schema, the permission matrix, the CLI and the documented settings."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import DateTime

from civic.budgets.models import BudgetBallot, BudgetBallotChoice, BudgetCode, BudgetCodeBatch
from civic.cli import main
from civic.config import all_settings
from civic.core.rules import can
from civic.core.users import Role, StaffUser
from tests.budgets.conftest import make_process
from tests.conftest import START

DATA = Path(__file__).parent / "data"


def test_no_column_links_a_ballot_to_a_code_or_batch_and_ballots_carry_no_time() -> None:
    code_tables = {BudgetCode.__tablename__, BudgetCodeBatch.__tablename__}
    for model in (BudgetBallot, BudgetBallotChoice):
        table = model.__table__  # type: ignore[attr-defined]
        for column in table.columns:
            assert not isinstance(column.type, DateTime), f"{table.name}.{column.name} records a time"
            assert "code" not in column.name and "batch" not in column.name
            for fk in column.foreign_keys:
                assert fk.column.table.name not in code_tables
    code_columns = {c.name for c in BudgetCode.__table__.columns}  # type: ignore[attr-defined]
    assert code_columns == {"id", "batch_id", "code_hash", "hint", "used", "voided"}
    for column in BudgetCode.__table__.columns:  # type: ignore[attr-defined]
        assert not isinstance(column.type, DateTime)
        assert not column.foreign_keys or all(
            fk.column.table.name == "budget_code_batch" for fk in column.foreign_keys
        )


def staff(role: Role | None) -> StaffUser | None:
    if role is None:
        return None
    return StaffUser(id=1, email="x@example.com", name="X", role=role, password_hash="", created_at=START)


PHASES = {  # offsets (days) of ideas, review, voting, close, delivery relative to now
    "upcoming": (1, 2, 3, 4, 5),
    "ideas": (-1, 2, 3, 4, 5),
    "review": (-2, -1, 3, 4, 5),
    "voting": (-3, -2, -1, 4, 5),
    "results": (-4, -3, -2, -1, 5),
    "delivery": (-5, -4, -3, -2, -1),
}
EXPECTED = {
    # rule: (roles allowed or "anyone") x phases allowed
    "budgets.submit_idea": ("anyone", {"ideas"}),
    "budgets.vote": ("anyone", {"voting"}),
    "budgets.issue_codes": ("staff", {"upcoming", "ideas", "review", "voting"}),
    "budgets.enter_paper": ("staff", {"voting", "results"}),
    "budgets.count": ("staff", {"results", "delivery"}),
    "budgets.manage": ("staff", set(PHASES)),
    "budgets.edit_proposals": ("staff", {"upcoming", "ideas", "review"}),
    "budgets.update_delivery": ("staff", {"results", "delivery"}),
}


@pytest.mark.parametrize("rule", sorted(EXPECTED))
@pytest.mark.parametrize("phase", sorted(PHASES))
@pytest.mark.parametrize("role", [None, Role.YOUTH_WORKER, Role.ADMIN, Role.POLICE, Role.COUNCILLOR])
def test_permission_matrix(rule: str, phase: str, role: Role | None) -> None:
    now = datetime(2027, 3, 1, 12, 0, tzinfo=START.tzinfo)
    process = make_process("m", now, offsets=PHASES[phase])
    assert process.phase(now).value == phase
    who, phases = EXPECTED[rule]
    role_ok = who == "anyone" or role in {Role.YOUTH_WORKER, Role.ADMIN}
    assert can(rule, staff(role), process, now=now) == (role_ok and phase in phases)


def test_every_setting_is_in_the_readme() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for setting in all_settings():
        if setting.name.startswith("BUDGET_"):
            assert f"`{setting.name}`" in readme


def test_cli_tally_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["budgets", "tally", str(DATA / "hand_mes.pb"), "--rule", "mes"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (
        out["rule"] == "mes"
        and out["selected"] == ["2", "4", "3"]
        and out["spent"] == 90
        and out["budget"] == 100
    )


def test_cli_refuses_a_bad_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.pb"
    bad.write_text("META\nkey;value\n")
    assert main(["budgets", "tally", str(bad)]) == 2
    assert "no budget" in capsys.readouterr().err


def test_cli_imports_and_exports_pabulib(
    capsys: pytest.CaptureFixture[str], database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    assert main(["budgets", "import-pabulib", str(DATA / "hand_mes.pb")]) == 0
    out = capsys.readouterr().out
    process_id = out.split("as process ")[1].split(" ")[0]
    assert main(["budgets", "export-pabulib", process_id]) == 0
    exported = capsys.readouterr().out
    from civic.budgets import pabulib
    from civic.budgets.tally import tally

    pb = pabulib.parse(exported)
    assert len(pb.ballots) == 10 and pb.budget == 100
    original = pabulib.parse((DATA / "hand_mes.pb").read_text()).ballots
    assert sorted(sorted(b) for b in pb.ballots) == sorted(sorted(b) for b in original)  # same ids and votes
    assert tally(pb.tally_projects(), pb.budget, pb.ballots, rule="mes").selected == ("2", "4", "3")
    _ = timedelta


@pytest.mark.parametrize(
    ("ballot_type", "extra", "chosen", "message"),
    [
        ("choose_one", {}, [1], None),
        ("choose_one", {}, [1, 2], "Choose one project"),
        ("choose_one", {}, [], "Choose one project"),
        ("approval", {"min_choices": 2, "max_choices": 3}, [1], "at least 2"),
        ("approval", {"min_choices": 2, "max_choices": 3}, [1, 2, 3, 4], "no more than 3"),
        ("approval", {"min_choices": 2, "max_choices": 3}, [1, 2], None),
        ("knapsack", {}, [1, 2, 3], None),  # £9,000 of £10,000
        ("knapsack", {}, [1, 2, 3, 4], "more than the £10,000 budget"),
        ("knapsack", {"min_share_percent": 50}, [3], "Spend at least £5,000"),
        ("knapsack", {}, [], "at least one"),
        ("knapsack", {}, [9], "only from the projects listed"),
    ],
)
def test_ballot_rules(
    ballot_type: str, extra: dict[str, int], chosen: list[int], message: str | None
) -> None:
    from civic.budgets.models import BudgetProposal
    from civic.budgets.service_voting import check_choices

    process = make_process("b", START, ballot_type=ballot_type, total=10_000, **extra)
    proposals = [
        BudgetProposal(id=i, process_id=1, number=i, title=f"P{i}", summary="", cost=c, created_at=START)
        for i, c in [(1, 4_000), (2, 3_000), (3, 2_000), (4, 1_500)]
    ]
    errors = check_choices(process, 10_000, proposals, chosen).errors
    if message is None:
        assert errors == []
    else:
        assert any(message in e for e in errors), errors
