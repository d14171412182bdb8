"""A backup taken while residents sign holds every signature acknowledged before it started.

Signatures go through the real signing service, one transaction each, while `civic.core.backup`
copies the database (SQLite's online backup API, or pg_dump). The copy is restored into an empty
database and read back: nothing acknowledged before the backup began may be missing, and nothing
that was never stored may appear."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from sqlmodel import select

from civic.commands import upgrade
from civic.core.backup import backup, restore
from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.state import app_state
from civic.petitions.models import Signature
from civic.petitions.service_signing import SignatureInput, sign
from tests.conftest import run_in_thread
from tests.petitions.conftest import PetitionMaker
from tests.support.postgres import PostgresServer


async def test_every_signature_acknowledged_before_the_backup_is_restored(
    db: Database,
    app: Any,
    clock: FrozenClock,
    make_petition: PetitionMaker,
    postgres: PostgresServer | None,
    tmp_path: Path,
) -> None:
    petition = await make_petition()
    acknowledged: list[str] = []
    stop = asyncio.Event()
    signed = asyncio.Condition()

    async def until(count: int) -> None:
        async with signed:
            await signed.wait_for(lambda: len(acknowledged) >= count)

    async def resident_signs(n: int) -> None:
        email = f"signer{n}@example.org"
        data = SignatureInput(
            name=f"Signer {n}",
            email=email,
            canonical=email,
            postcode="FB1 1AA",
            ward_code="E05900006",
            notify=False,
        )
        async with db.transaction() as session:
            await sign(
                session,
                petition,
                data,
                ip="192.0.2.9",
                now=clock.now(),
                policy=make_petition.policy,
                mail=app_state(app).mail,
            )
        acknowledged.append(email)  # the transaction has committed: the resident would see "thank you"
        async with signed:
            signed.notify_all()

    async def residents() -> None:
        n = 0
        while not stop.is_set():
            await resident_signs(n)
            n += 1

    signing = asyncio.create_task(residents())
    await until(50)
    before = set(acknowledged)
    await backup(db.url, tmp_path / "during-signing.backup")
    during = len(acknowledged) - len(before)
    await until(len(before) + during + 20)  # and signing carries on after it
    stop.set()
    await signing

    target = (
        postgres.create_database(f"civic_signing_restore_{os.getpid()}")
        if postgres is not None
        else f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}"
    )
    run_in_thread(upgrade, target)
    await restore(target, tmp_path / "during-signing.backup")
    restored_db = Database(target)
    try:
        async with restored_db.reading() as session:
            restored = set((await session.exec(select(Signature.email))).all())
    finally:
        await restored_db.dispose()

    print(
        f"\nbackup while signing: {len(before)} acknowledged before it began, {during} during it, "
        f"{len(restored)} in the restored copy"
    )
    assert before <= restored, f"missing from the backup: {sorted(before - restored)[:5]}"
    assert restored <= set(acknowledged) | {petition.creator_email}
