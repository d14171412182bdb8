"""Hundreds of simultaneous attempts by one person produce exactly one signature and no errors."""

from __future__ import annotations

import asyncio
from typing import Any

from civic.core.db import Database, row_id
from tests.petitions.conftest import PetitionMaker, outbox_to, sign_form, stored_signatures
from tests.support.web import WebClient

ATTEMPTS = 300


async def test_300_simultaneous_attempts_for_one_email_store_one_signature(
    web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    await web.csrf_token()  # one visitor, one cookie, like a script hammering the form
    form = sign_form(email="Eager.Person+again@gmail.com")

    async def attempt(n: int) -> Any:
        # The same mailbox written in ways Gmail treats as one address.
        email = ["eager.person@gmail.com", "EagerPerson@googlemail.com", "eagerperson+x@gmail.com"][n % 3]
        return await web.post_form(f"/petitions/{petition.id}/sign", {**form, "email": email})

    results = await asyncio.gather(*(attempt(n) for n in range(ATTEMPTS)), return_exceptions=True)

    errors = [r for r in results if isinstance(r, BaseException) or r.status_code != 303]
    stored = await stored_signatures(db, row_id(petition))
    print(f"\nconcurrency: attempts={ATTEMPTS} stored={len(stored)} errors={len(errors)}")
    assert errors == []
    assert len(stored) == 1
    assert stored[0].email_canonical == "eagerperson@gmail.com"
    confirmations = []
    for address in ("eager.person@gmail.com", "EagerPerson@googlemail.com", "eagerperson+x@gmail.com"):
        confirmations += await outbox_to(db, address)
    subjects = sorted(m.subject for m in confirmations)
    # One confirmation, and at most one "already signed" email a day however often the form is sent.
    assert subjects == ["Confirm your signature on a petition", "You have already signed this petition"]
