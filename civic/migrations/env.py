"""Alembic environment (async). Sees every table through civic.features."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from civic import features  # noqa: F401 - every feature's tables
from civic.core.db import metadata

config = context.config
url = os.environ.get("CIVIC_MIGRATION_URL") or config.get_main_option("sqlalchemy.url") or ""
if config.config_file_name is not None and os.environ.get("DATABASE_URL"):
    url = os.environ["DATABASE_URL"]  # `alembic` run by hand follows the app's setting


def configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    engine = create_async_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(configure)
    await engine.dispose()


def run_offline() -> None:
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    asyncio.run(run_online())
