"""Assisted digital signing: staff sign for a resident with consent and no email; the resident gets a
reference; each staff member's entries are rate-limited and audited; moderators review them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from civic.config import Settings
from civic.core.audit import AuditEntry
from civic.core.users import Role
from civic.petitions.models import Channel, OfflineCheck, OfflineSignature
from tests.conftest import PASSWORD, make_settings
from tests.petitions.conftest import NO_CACHE, PetitionMaker


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, extra={**NO_CACHE, "PETITION_ASSISTED_PER_STAFF": "3/3600"})


async def _sign(web: Any, pid: int, name: str, postcode: str = "FB1 1AA", **extra: str) -> Any:
    form = {"name": name, "postcode": postcode, "declared": "yes", "consent": "yes", **extra}
    return await web.post_form(f"/petitions/{pid}/assisted", form)


async def test_staff_sign_for_residents_with_a_reference_within_their_limit(
    web: Any, another_web: Any, db: Any, make_staff: Any, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    await make_petition.signatures(petition, 1, name="Olive Online", postcode="FB1 2BE")
    helper = await make_staff(Role.PANEL_CLERK)  # any member of staff, e.g. at a library desk
    await web.login(helper.email, PASSWORD)
    no_consent = await _sign(web, petition.id, "Rita Resident", consent="")
    assert no_consent.status_code == 422 and "Confirm the resident asked you" in no_consent.text
    done = await _sign(web, petition.id, "Rita Resident")
    assert done.status_code == 303
    receipt = await web.get(done.headers["location"])
    async with db.reading() as session:
        rows = list((await session.exec(select(OfflineSignature).order_by(OfflineSignature.id))).all())
    assert len(rows) == 1 and rows[0].channel == Channel.ASSISTED and rows[0].outcome == OfflineCheck.COUNTED
    assert rows[0].reference and rows[0].reference in receipt.text
    same = await _sign(web, petition.id, "olive online", postcode="fb12be")  # signed online already
    assert "already signed" in (await web.get(same.headers["location"])).text
    assert (await _sign(web, petition.id, "Third Person", postcode="FB1 3DH")).status_code == 303
    refused = await _sign(web, petition.id, "Fourth Person", postcode="FB1 4EN")
    assert refused.status_code == 429
    async with db.reading() as session:
        stored = (await session.exec(select(OfflineSignature.name))).all()
        audit = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "petitions.assisted_signed"))
        ).all()
    assert "Fourth Person" not in stored and len(stored) == 3
    assert len(audit) == 3 and all(a.actor_id == helper.id and "consent given" in a.reason for a in audit)
    other = await make_staff(Role.PANEL_CLERK)  # the limit is per member of staff
    await another_web.login(other.email, PASSWORD)
    assert (await _sign(another_web, petition.id, "Fourth Person", postcode="FB1 4EN")).status_code == 303
    assert (await another_web.get(done.headers["location"])).status_code == 404  # not theirs to see
    moderator = await make_staff(Role.MODERATOR)
    await another_web.logout()
    await another_web.login(moderator.email, PASSWORD)
    review = await another_web.get(f"/petitions/{petition.id}/paper")
    assert review.status_code == 200 and rows[0].reference in review.text and helper.name in review.text
    page = (await another_web.get(f"/petitions/{petition.id}.json")).json()
    body = page.get("data", page)
    assert body["signature_count"] == 1 + 3  # online + three counted assisted (one was a duplicate)
    assert body["signatures_by_channel"]["assisted"] == "fewer than 5"


async def test_a_closed_petition_cannot_be_signed_for_anyone(
    web: Any, make_staff: Any, make_petition: PetitionMaker
) -> None:
    from civic.petitions.models import State

    petition = await make_petition(State.CLOSED)
    helper = await make_staff(Role.MODERATOR)
    await web.login(helper.email, PASSWORD)
    assert (await _sign(web, petition.id, "Late Resident")).status_code == 403
