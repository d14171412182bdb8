"""Fixtures shared by the core tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The `civic` command's environment: its own database, run from a scratch folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("PASSWORD_HASH_COST", "fast")
    monkeypatch.setenv("ENVIRONMENT", "development")
    return database_url
