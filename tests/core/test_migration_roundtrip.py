"""Every migration's downgrade runs, with data present, on the engine under test.

An upgrade a council's IT team cannot roll back is an upgrade they will not risk. The demo council
fills every feature's tables (and the data migrations' sources), then the whole history is walked down
to base one revision at a time and up to head again, and the schema must still match the models."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from civic.commands import alembic_config, upgrade
from civic.demo import load_demo
from tests.conftest import make_settings, run_in_thread
from tests.support.postgres import PostgresServer


def _fresh_url(postgres: PostgresServer | None, tmp_path: Path) -> str:
    if postgres is not None:
        return postgres.create_database("civic_roundtrip")
    return f"sqlite+aiosqlite:///{tmp_path / 'roundtrip.db'}"


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    return set(names)


def _walk_down(url: str) -> list[str]:
    """Downgrade one revision at a time, so a failure names the migration that broke."""
    config = alembic_config(url)
    script = ScriptDirectory.from_config(config)
    walked = [revision.revision for revision in script.walk_revisions()]  # head first
    for revision in walked:
        try:
            command.downgrade(config, "-1")
        except Exception as exc:
            raise AssertionError(f"downgrade of {revision} failed: {exc}") from exc
    return walked


async def test_the_history_goes_down_to_base_with_data_and_up_again(
    postgres: PostgresServer | None, tmp_path: Path
) -> None:
    url = _fresh_url(postgres, tmp_path)
    run_in_thread(upgrade, url)
    await load_demo(make_settings(url))
    full = await _tables(url)

    walked: list[list[str]] = []
    run_in_thread(lambda: walked.append(_walk_down(url)))
    assert len(walked[0]) >= 10
    assert await _tables(url) <= {"alembic_version"}, "base should leave no table of Civic's"

    run_in_thread(upgrade, url)
    assert await _tables(url) == full
    # Raises, naming the differences, if a downgrade left something an upgrade did not put back.
    run_in_thread(command.check, alembic_config(url))
    # And the upgraded-again database takes the demo council again.
    await load_demo(make_settings(url))
