from __future__ import annotations

import re
from pathlib import Path

import pytest

from civic import features  # noqa: F401 - fills in every feature's settings
from civic.config import DEV_SECRET, ConfigError, Settings, all_settings, read_env_file

README = Path(__file__).resolve().parents[2] / "README.md"


def test_defaults_serve_development_on_sqlite() -> None:
    settings = Settings.from_env({}, env_file=Path("/nonexistent"))
    assert settings.environment == "development"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.base_url == "http://127.0.0.1:8000"


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings.from_env({"ENVIRONMENT": "production"}, env_file=Path("/nonexistent"))
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        Settings.from_env({"ENVIRONMENT": "production", "SECRET_KEY": "short"}, env_file=Path("/nonexistent"))
    ok = Settings.from_env(
        {"ENVIRONMENT": "production", "SECRET_KEY": "x" * 40}, env_file=Path("/nonexistent")
    )
    assert ok.secret_key != DEV_SECRET


def test_bad_values_get_clear_messages() -> None:
    with pytest.raises(ConfigError, match="MAX_BODY_BYTES must be a whole number"):
        Settings.from_env({"MAX_BODY_BYTES": "lots"}, env_file=Path("/nonexistent"))
    with pytest.raises(ConfigError, match="ENVIRONMENT"):
        Settings.from_env({"ENVIRONMENT": "staging"}, env_file=Path("/nonexistent"))
    with pytest.raises(ConfigError, match="BASE_URL"):
        Settings.from_env({"BASE_URL": "civic.example"}, env_file=Path("/nonexistent"))


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("# comment\nCOUNCIL_NAME='Testshire Council'\nBASE_URL=https://a.example\n\n")
    assert read_env_file(env)["COUNCIL_NAME"] == "Testshire Council"
    settings = Settings.from_env({"BASE_URL": "https://b.example/"}, env_file=env)
    assert settings.council_name == "Testshire Council"
    assert settings.base_url == "https://b.example"
    assert settings.secure_cookies
    assert settings.url("/petitions/1") == "https://b.example/petitions/1"


def test_every_setting_is_in_the_readme_configuration_table() -> None:
    documented = set(re.findall(r"^\|\s*`([A-Z][A-Z0-9_]+)`\s*\|", README.read_text(), flags=re.MULTILINE))
    missing = [s.name for s in all_settings() if s.name not in documented]
    assert not missing, f"settings missing from the README configuration table: {missing}"
    unknown = documented - {s.name for s in all_settings()}
    assert not unknown, f"README documents settings that do not exist: {sorted(unknown)}"
