"""The `civic` command, run in-process against its own SQLite file."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from civic.cli import main
from civic.core.db import Database, run_sql


def test_demo_load_prints_credentials_once(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "load", "--if-empty"]) == 0
    first = capsys.readouterr().out
    assert "admin@fernbridge.example" in first
    assert "shown only this once" in first
    assert main(["demo", "load", "--if-empty"]) == 0
    assert "already loaded" in capsys.readouterr().out
    assert main(["users", "list"]) == 0
    listing = capsys.readouterr().out
    assert listing.count("\n") == 7  # one account per role, and an officer for each policing team
    assert main(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out


def test_users_create_set_role_and_disable(
    cli_env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    main(["demo", "load"])
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert (
        main(
            [
                "users",
                "create",
                "New.Officer@Council.example",
                "--name",
                "New Officer",
                "--role",
                "moderator",
                "--password-stdin",
            ]
        )
        == 0
    )
    assert "Created new.officer@council.example" in capsys.readouterr().out
    assert main(["users", "set-role", "new.officer@council.example", "police"]) == 1
    assert "needs a neighbourhood" in capsys.readouterr().out
    assert (
        main(
            [
                "users",
                "set-role",
                "new.officer@council.example",
                "police",
                "--neighbourhood",
                "fernbridge-north",
            ]
        )
        == 0
    )
    assert main(["users", "disable", "new.officer@council.example", "--reason", "left"]) == 0
    capsys.readouterr()
    main(["users", "list"])
    assert "new.officer@council.example\tpolice\tdisabled" in capsys.readouterr().out
    assert main(["users", "disable", "nobody@council.example"]) == 1
    assert main(["users", "set-role", "new.officer@council.example", "wizard"]) == 2
    assert "Role must be one of" in capsys.readouterr().err


def test_import_postcodes_reports_what_it_did(
    cli_env: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    main(["demo", "load"])
    capsys.readouterr()
    csv = tmp_path / "onspd.csv"
    csv.write_text("pcds,osward,doterm\nFB3 7QQ,E05900003,\nZZ8 8ZZ,E05999999,\n")
    assert main(["areas", "import-postcodes", str(csv)]) == 0
    assert "Imported 1 postcodes; skipped 1 outside the council" in capsys.readouterr().out
    assert main(["areas", "import-postcodes", str(tmp_path / "missing.csv")]) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["areas", "import-postcodes", str(bad)]) == 1
    assert "no postcode column" in capsys.readouterr().out


async def _tamper(url: str) -> None:
    db = Database(url)
    async with db.transaction() as session:
        await run_sql(session, text("UPDATE audit_entry SET reason = 'x' WHERE id = 2"))
    await db.dispose()


def tamper(url: str) -> Any:
    return _tamper(url)


def test_audit_verify_fails_loudly_on_tampering(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    main(["demo", "load"])
    asyncio.run(tamper(cli_env))
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    assert "BROKEN at entry 2" in capsys.readouterr().out


def test_production_without_a_secret_refuses_to_start(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    assert main(["users", "list"]) == 2
    assert "SECRET_KEY" in capsys.readouterr().err


def test_jobs_run_runs_every_job(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "run"]) == 0
    out = capsys.readouterr().out
    assert "site.purge_sessions: removed 0 expired staff sessions" in out
