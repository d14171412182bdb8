"""A group commit never fails for one member: a poisoned item in a batch of many concurrent good ones
fails alone with its own error, and everyone else is stored and answered normally, on both engines.

The boundary's input rule keeps such values out of web requests, so these tests poison the batch
behind it: NUL on PostgreSQL (which refuses it in text; SQLite stores it) and a NOT NULL violation on
SQLite; for confirmations, an id too large for either database's integer."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import col, select

from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.outbox import OutboxMessage
from civic.core.state import app_state
from civic.petitions import service_batching, web_state
from civic.petitions.models import Petition, Signature, SignatureState
from civic.petitions.policy import policy_of
from civic.petitions.service_batching import GroupCommit, SignRequest, sign_many
from civic.petitions.service_signing import Confirmation, confirm_many
from tests.petitions.conftest import PetitionMaker, client_for, sign_form, stored_signatures
from tests.support.web import WebClient

SIGNERS = 300
POISONED = 150  # in the first batch (service_batching.MAX_BATCH is 200)
TOO_BIG = 2**70  # no database integer holds it


def poison_name(db: Database) -> Any:
    """A name the database refuses: NUL on PostgreSQL; NULL (the column is NOT NULL) on SQLite."""
    return "Mallory\x00" if db.url.startswith("postgresql") else None


def request_for(petition: Petition, n: int) -> SignRequest:
    email = f"signer{n}@example.org"
    return SignRequest(
        petition=petition,
        name=f"Signer {n}",
        email=email,
        canonical=email,
        postcode="FB6 1UU",
        ward_code="E05900006",
        notify=False,
        ip=f"192.0.2.{n % 250}",
    )


class Recorder:
    """The work a group commit runs, recording what each transaction was given."""

    def __init__(self, work: Any) -> None:
        self.work = work
        self.batches: list[list[Any]] = []

    async def __call__(self, session: Any, items: list[Any], **options: Any) -> Any:
        self.batches.append(list(items))
        return await self.work(session, items, **options)


async def confirmation_count(db: Database) -> int:
    async with db.reading() as session:
        query = select(func.count()).where(OutboxMessage.subject == "Confirm your signature on a petition")
        return int((await session.exec(query)).one())


async def test_a_poisoned_signature_fails_alone_and_the_rest_of_its_batch_is_stored(
    app: Any, db: Database, clock: FrozenClock, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    rules = policy_of(app_state(app).settings)

    async def work(session: Any, items: list[SignRequest]) -> list[bool]:
        return await sign_many(session, items, now=clock.now(), policy=rules, mail=app_state(app).mail)

    recorder = Recorder(work)
    signer: GroupCommit[SignRequest, bool] = GroupCommit(db, recorder)
    items = [request_for(petition, n) for n in range(SIGNERS)]
    items[POISONED] = replace(items[POISONED], name=poison_name(db))

    results = await asyncio.gather(*(signer.submit(item) for item in items), return_exceptions=True)

    failed = [n for n, r in enumerate(results) if isinstance(r, BaseException)]
    assert failed == [POISONED]
    assert isinstance(results[POISONED], service_batching.ItemRefused)
    assert [r for n, r in enumerate(results) if n != POISONED] == [True] * (SIGNERS - 1)
    stored = await stored_signatures(db, row_id(petition))
    assert len(stored) == SIGNERS - 1
    assert f"signer{POISONED}@example.org" not in {s.email for s in stored}
    assert await confirmation_count(db) == SIGNERS - 1
    # The poisoned item really shared a group commit with good ones, and only that batch was retried.
    first = recorder.batches[0]
    assert len(first) == service_batching.MAX_BATCH and items[POISONED] in first
    assert recorder.batches[1 : 1 + len(first)] == [[item] for item in first]
    assert [len(b) for b in recorder.batches[1 + len(first) :]] == [SIGNERS - service_batching.MAX_BATCH]


async def test_a_poisoned_confirmation_fails_alone_and_the_rest_are_confirmed(
    app: Any, db: Database, clock: FrozenClock, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    rules = policy_of(app_state(app).settings)
    async with db.transaction() as session:
        await sign_many(
            session,
            [request_for(petition, n) for n in range(SIGNERS - 1)],
            now=clock.now(),
            policy=rules,
            mail=app_state(app).mail,
        )
    ids = [row_id(s) for s in await stored_signatures(db, row_id(petition))]

    async def work(session: Any, batch: list[int]) -> list[Confirmation | None]:
        return await confirm_many(session, batch, now=clock.now(), policy=rules, mail=app_state(app).mail)

    recorder = Recorder(work)
    confirmer: GroupCommit[int, Confirmation | None] = GroupCommit(db, recorder)
    wanted = [*ids[:POISONED], TOO_BIG, *ids[POISONED:]]

    results = await asyncio.gather(*(confirmer.submit(i) for i in wanted), return_exceptions=True)

    failed = [n for n, r in enumerate(results) if isinstance(r, BaseException)]
    assert failed == [POISONED]
    outcomes = [r.outcome for n, r in enumerate(results) if n != POISONED and isinstance(r, Confirmation)]
    assert outcomes == ["confirmed"] * (SIGNERS - 1)
    async with db.reading() as session:
        validated = await session.exec(
            select(func.count()).where(col(Signature.state) == SignatureState.VALIDATED)
        )
        assert validated.one() == SIGNERS - 1
    assert TOO_BIG in recorder.batches[0] and len(recorder.batches[0]) > 1


async def test_over_http_one_poisoned_signer_among_many_gets_its_own_error(
    app: Any, db: Database, make_petition: PetitionMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The defect as residents saw it: one bad name in a group commit gave a 500 to its batch-mates."""
    petition = await make_petition()
    bad = poison_name(db)
    original_row = service_batching._signature_row

    def poisoned_row(item: SignRequest, suspect: bool, now: Any) -> dict[str, Any]:
        row = original_row(item, suspect, now)
        if item.name == "Poison Pill":
            row["name"] = bad  # what the boundary would have refused, slipped in behind it
        return row

    monkeypatch.setattr(service_batching, "_signature_row", poisoned_row)
    recorder = Recorder(web_state.sign_many)
    monkeypatch.setattr(web_state, "sign_many", recorder)

    async def sign(n: int) -> Any:
        async with client_for(app, f"198.51.100.{n % 200}") as client:
            web = WebClient(client, app_state(app).settings.secret_key)
            name = "Poison Pill" if n == POISONED else f"Signer {n}"
            form = sign_form(name=name, email=f"web{n}@example.org")
            return await web.post_form(f"/petitions/{petition.id}/sign", form)

    results = await asyncio.gather(*(sign(n) for n in range(SIGNERS)), return_exceptions=True)

    def ok(result: Any) -> bool:
        return not isinstance(result, BaseException) and result.status_code == 303

    assert [n for n, r in enumerate(results) if not ok(r)] == [POISONED]
    refused = results[POISONED]
    assert refused.status_code == 422  # its own clear message, not a server error
    assert "could not be stored, so nothing was saved" in refused.text
    stored = await stored_signatures(db, row_id(petition))
    assert len(stored) == SIGNERS - 1 and "Poison Pill" not in {s.name for s in stored}
    shared = next(batch for batch in recorder.batches if any(i.name == "Poison Pill" for i in batch))
    assert len(shared) > 1  # it was in a group commit with others, who were still answered
