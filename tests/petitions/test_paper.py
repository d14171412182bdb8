"""Paper sheets: double entry with disagreements, checks against the council's postcodes and against
online signatures, and thresholds reached with paper signatures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from civic.core.audit import AuditEntry
from civic.core.users import Role
from civic.petitions import service_matching, service_paper
from civic.petitions.models import (
    OfflineCheck,
    OfflineSignature,
    PetitionPaperBatch,
    PetitionPaperEntry,
    State,
)
from civic.petitions.policy import policy_of
from civic.petitions.service_counting import channel_counts, counts_for, tally
from civic.petitions.service_fraud import anonymise_due
from tests.conftest import PASSWORD
from tests.petitions.conftest import PetitionMaker


async def _batch(db: Any, petition: Any, user: Any, sheets: int, clock: Any) -> PetitionPaperBatch:
    async with db.transaction() as session:
        return await service_paper.add_batch(
            session, petition, label="Library box", sheets=sheets, received_on="2026-12-01",
            actor=user, now=clock.now(),
        )  # fmt: skip


async def _enter(db: Any, batch: PetitionPaperBatch, user: Any, text: str, clock: Any) -> int:
    async with db.transaction() as session:
        sheets = service_paper.parse_bundle(text, batch.sheets)
        return await service_paper.enter_pass(session, batch, sheets, actor=user, now=clock.now())


def test_lines_are_parsed_into_one_canonical_form() -> None:
    sheets = service_paper.parse_bundle("1, Ann  Lee, fb11aa, Yes\n2, -\n1, Bo Li, FB1 2BE, n", 2)
    assert sheets == {1: "Ann Lee|FB1 1AA|yes\nBo Li|FB1 2BE|no", 2: ""}
    with pytest.raises(service_paper.PaperError, match="sheet 2"):
        service_paper.parse_bundle("1, Ann Lee, FB1 1AA, yes", 2)
    with pytest.raises(service_paper.PaperError, match="yes or no"):
        service_paper.parse_bundle("1, Ann Lee, FB1 1AA, maybe", 1)


def test_names_are_matched_loosely_but_not_too_loosely() -> None:
    key = service_matching.name_key
    assert key("  Dr. Anne-Marie  O'Neil ") == "anne marie oneil"
    assert service_matching._maybe_same(key("J Smith"), key("Jane Smith"))
    assert service_matching._maybe_same(key("Smith Jane"), key("Jane Smith"))
    assert not service_matching._maybe_same(key("Kate Smith"), key("Jane Smith"))


async def test_double_entry_disagreement_is_settled_by_sheet_then_counted(
    db: Any, clock: Any, make_staff: Any, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    first, second, third = [await make_staff(Role.MODERATOR) for _ in range(3)]
    batch = await _batch(db, petition, first, 2, clock)
    typed = "1, Ann Lee, FB1 1AA, yes\n1, Bo Li, FB1 2BE, yes\n2, Cy Ray, FB1 3DH, yes"
    assert await _enter(db, batch, first, typed, clock) == 1
    with pytest.raises(service_paper.PaperError, match="different person"):
        await _enter(db, batch, first, typed, clock)
    misread = typed.replace("Cy Ray", "Cy Roy")
    assert await _enter(db, batch, second, misread, clock) == 2
    async with db.transaction() as session:
        states = await service_paper.sheet_states(session, batch)
        assert [s.mismatch for s in states] == [False, True]
        with pytest.raises(service_paper.PaperError, match="Every sheet"):
            await service_paper.count_batch(session, batch, actor=third, now=clock.now())
        with pytest.raises(service_paper.PaperError, match="no difference"):
            await service_paper.resolve_sheet(session, batch, 1, "", actor=third, now=clock.now())
        await service_paper.resolve_sheet(
            session, batch, 2, service_paper.parse_sheet_lines("Cy Ray, FB1 3DH, yes", 2),
            actor=third, now=clock.now(),
        )  # fmt: skip
        outcomes = await service_paper.count_batch(session, batch, actor=third, now=clock.now())
    assert outcomes == {"counted": 3}
    async with db.reading() as session:
        names = (await session.exec(select(OfflineSignature.name).order_by(OfflineSignature.id))).all()
        assert list(names) == ["Ann Lee", "Bo Li", "Cy Ray"]
        assert await counts_for(session, [petition.id]) == {petition.id: 3}
        actions = (await session.exec(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert [a for a in actions if a.startswith("petitions.paper")] == [
        "petitions.paper_batch_added",
        "petitions.paper_entered",
        "petitions.paper_entered",
        "petitions.paper_resolved",
        "petitions.paper_counted",
    ]
    with pytest.raises(service_paper.PaperError, match="already been counted"):
        await _enter(db, batch, third, typed, clock)


async def test_a_person_counts_once_across_channels_and_doubtful_ones_go_to_a_moderator(
    db: Any, clock: Any, make_staff: Any, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    await make_petition.signatures(petition, 1, name="Dee Online", postcode="FB1 1AA")
    await make_petition.signatures(petition, 1, name="Jane Smith", postcode="FB1 2BE")
    first, second = await make_staff(Role.MODERATOR), await make_staff(Role.MODERATOR)
    batch = await _batch(db, petition, first, 1, clock)
    text = "\n".join(
        [
            "1, dee ONLINE, fb1 1aa, yes",  # signed online already
            "1, J. Smith, FB1 2BE, yes",  # perhaps the online Jane Smith
            "1, Eve Twice, FB1 3DH, yes",
            "1, Eve Twice, FB1 3DH, yes",  # the same line twice on paper
            "1, Far Away, SW1A 1AA, no",  # outside and no declaration
            "1, Not Real, XYZ, yes",  # not a postcode
            "1, Ann Lee, FB1 4EN, no",  # in the council but did not tick the declaration
        ]
    )
    await _enter(db, batch, first, text, clock)
    await _enter(db, batch, second, text, clock)
    async with db.transaction() as session:
        outcomes = await service_paper.count_batch(session, batch, actor=second, now=clock.now())
    assert outcomes == {"duplicate": 2, "doubtful": 1, "counted": 1, "no-declaration": 2, "outside": 1}
    async with db.transaction() as session:
        doubtful = await service_matching.doubtful_of(session, petition.id)
        assert [(d.name, d.match_note.split(" as ")[0]) for d in doubtful] == [
            ("J. Smith", "perhaps the same person")
        ]
        assert await channel_counts(session, [petition.id]) == {
            (petition.id, "online"): 2,
            (petition.id, "paper"): 1,
        }
        await service_matching.decide_doubtful(
            session, petition.id, doubtful[0].id, count=True, actor=first, now=clock.now()
        )
    async with db.reading() as session:
        assert await counts_for(session, [petition.id]) == {petition.id: 4}
        row = await session.get(OfflineSignature, doubtful[0].id)
        assert row is not None and row.outcome == OfflineCheck.COUNTED and row.decided_by == first.id


async def test_paper_signatures_take_a_petition_over_its_threshold(
    db: Any, clock: Any, make_staff: Any, make_petition: PetitionMaker, settings: Any
) -> None:
    policy = policy_of(settings)
    petition = await make_petition()
    online = policy.response_threshold - 2
    await make_petition.signatures(petition, online)
    first, second = await make_staff(Role.MODERATOR), await make_staff(Role.MODERATOR)
    batch = await _batch(db, petition, first, 1, clock)
    text = "1, Paper One, FB1 1AA, yes\n1, Paper Two, FB1 2BE, yes"
    async with db.transaction() as session:
        await tally(session, [petition], now=clock.now(), policy=policy)
    assert petition.response_threshold_reached_at is None
    await _enter(db, batch, first, text, clock)
    await _enter(db, batch, second, text, clock)
    async with db.transaction() as session:
        await service_paper.count_batch(session, batch, actor=second, now=clock.now())
        await tally(session, [petition], now=clock.now(), policy=policy)
    assert petition.signature_count == online + 2
    assert petition.response_threshold_reached_at is not None


async def test_the_paper_pages_over_http(
    web: Any, another_web: Any, db: Any, clock: Any, make_staff: Any, make_petition: PetitionMaker
) -> None:
    """Two moderators type a bundle over HTTP; bad input is a 422 with the form; the public page and
    the open data split the count by channel under the small-count rule; the sheet carries a QR code."""
    from tests.conftest import PASSWORD

    petition = await make_petition()
    await make_petition.signatures(petition, 6)
    first, second = await make_staff(Role.MODERATOR), await make_staff(Role.MODERATOR)
    sheet = await web.get(f"/petitions/{petition.id}/sheet")
    assert sheet.status_code == 200
    assert (
        '<svg role="img"' in sheet.text and "style=" not in sheet.text.split("<svg", 1)[1].split("</svg>")[0]
    )
    assert f"P{petition.id}" in sheet.text
    await web.login(first.email, PASSWORD)
    bad = await web.post_form(
        f"/petitions/{petition.id}/paper", {"label": "", "sheets": "x", "received": "soon"}
    )
    assert bad.status_code == 422 and "govuk-error-summary" in bad.text
    made = await web.post_form(
        f"/petitions/{petition.id}/paper", {"label": "Library", "sheets": "1", "received": "2026-01-05"}
    )
    assert made.status_code == 303
    batch_url = made.headers["location"]
    lines = "1, Ann Lee, FB1 1AA, yes\n1, Bo Li, FB1 2BE, yes"
    wrong = await web.post_form(batch_url + "/entry", {"lines": "1, Ann Lee, FB1 1AA"})
    assert wrong.status_code == 422 and "yes or no" in wrong.text
    assert (await web.post_form(batch_url + "/entry", {"lines": lines})).status_code == 303
    again = await web.post_form(batch_url + "/entry", {"lines": lines})
    assert again.status_code == 422 and "different person" in again.text
    await another_web.login(second.email, PASSWORD)
    assert (await another_web.post_form(batch_url + "/entry", {"lines": lines})).status_code == 303
    assert (await another_web.post_form(batch_url + "/count", {})).status_code == 303
    page = await web.get(f"/petitions/{petition.id}")
    assert "Signatures by how they were given" in page.text
    data = (await web.get(f"/petitions/{petition.id}.json")).json()
    body = data.get("data", data)
    assert body["signature_count"] == 8
    assert body["signatures_by_channel"] == {"online": "not shown", "paper": "fewer than 5", "assisted": "0"}


async def test_paper_names_and_typed_lines_are_anonymised_with_the_online_signers(
    db: Any, clock: Any, make_staff: Any, make_petition: PetitionMaker, settings: Any
) -> None:
    petition = await make_petition()
    first, second = await make_staff(Role.MODERATOR), await make_staff(Role.MODERATOR)
    batch = await _batch(db, petition, first, 1, clock)
    text = "1, Paper One, FB1 1AA, yes\n1, Paper Two, FB1 2BE, yes"
    await _enter(db, batch, first, text, clock)
    await _enter(db, batch, second, text, clock)
    async with db.transaction() as session:
        await service_paper.count_batch(session, batch, actor=second, now=clock.now())
        petition.state, petition.closed_at = State.CLOSED, clock.now()
        session.add(petition)
    policy = policy_of(settings)
    clock.advance(policy.anonymise_after + timedelta(days=1))
    async with db.transaction() as session:
        assert await anonymise_due(session, now=clock.now(), policy=policy) == 1
    async with db.reading() as session:
        rows = (await session.exec(select(OfflineSignature))).all()
        lines = (await session.exec(select(PetitionPaperEntry.lines))).all()
        assert await counts_for(session, [petition.id]) == {petition.id: 2}
    assert {(r.name, r.name_key, r.postcode, r.match_note) for r in rows} == {("", "", "", "")}
    assert all(r.outcome == OfflineCheck.COUNTED for r in rows) and set(lines) == {""}


async def test_signing_online_after_signing_on_paper_counts_the_person_once(
    db: Any, clock: Any, make_staff: Any, make_petition: PetitionMaker, settings: Any
) -> None:
    from civic.core.outbox import Mail
    from civic.core.templating import make_templates
    from civic.petitions.models import Signature, SignatureState
    from civic.petitions.service_signing import confirm_many

    petition = await make_petition()
    first, second = await make_staff(Role.MODERATOR), await make_staff(Role.MODERATOR)
    batch = await _batch(db, petition, first, 1, clock)
    text = "1, Ann Lee, FB1 1AA, yes\n1, Bo Li, FB1 2BE, yes\n1, Cy Ray, FB1 3DH, yes"
    await _enter(db, batch, first, text, clock)
    await _enter(db, batch, second, text, clock)
    async with db.transaction() as session:
        assert await service_paper.count_batch(session, batch, actor=second, now=clock.now()) == {
            "counted": 3
        }
    pending = {"state": SignatureState.PENDING, "validated_at": None}
    await make_petition.signatures(petition, 1, name="ann LEE", postcode="FB1 1AA", **pending)  # the same
    await make_petition.signatures(petition, 1, name="Bob Li", postcode="FB1 2BE", **pending)  # perhaps
    await make_petition.signatures(petition, 1, name="Cy Ray", postcode="FB1 4EN", **pending)  # elsewhere
    async with db.reading() as session:
        ids = [s.id for s in (await session.exec(select(Signature).order_by(Signature.id))).all()]
        assert await counts_for(session, [petition.id]) == {petition.id: 3}  # pending ones do not count
    mail = Mail(make_templates().env, settings)
    async with db.transaction() as session:
        await confirm_many(session, ids, now=clock.now(), policy=policy_of(settings), mail=mail)
    async with db.transaction() as session:
        rows = (await session.exec(select(OfflineSignature).order_by(OfflineSignature.id))).all()
        assert [r.outcome for r in rows] == [
            OfflineCheck.DUPLICATE,
            OfflineCheck.DOUBTFUL,
            OfflineCheck.COUNTED,
        ]
        assert rows[0].match_note == f"signed online later (online signature {ids[0]})"
        # Ann Lee once (online), Bo Li and Bob Li waiting for a moderator on paper, Cy Ray twice (two postcodes).
        assert await channel_counts(session, [petition.id]) == {
            (petition.id, "online"): 3,
            (petition.id, "paper"): 1,
        }
        assert [d.id for d in await service_matching.doubtful_of(session, petition.id)] == [rows[1].id]
        audit = (
            await session.exec(select(AuditEntry).where(AuditEntry.action == "petitions.offline_superseded"))
        ).all()
    assert len(audit) == 2 and all(a.actor_id is None for a in audit)


async def test_a_sheet_counted_by_hand_adds_unnamed_paper_signatures_to_the_total(
    web: Any, db: Any, clock: Any, make_staff: Any, make_petition: PetitionMaker, settings: Any
) -> None:
    assert service_paper.parse_bundle("1, COUNT 12\n2, Countess Cole, FB1 1AA, yes", 2) == {
        1: "#12",
        2: "Countess Cole|FB1 1AA|yes",
    }
    with pytest.raises(service_paper.PaperError, match="from 1 to 5000"):
        service_paper.parse_bundle("1, count 0", 1)
    policy = policy_of(settings)
    petition = await make_petition()
    await make_petition.signatures(petition, policy.response_threshold - 13)
    first, second = await make_staff(Role.MODERATOR), await make_staff(Role.MODERATOR)
    batch = await _batch(db, petition, first, 2, clock)
    await _enter(db, batch, first, "1, count 12\n2, Ann Lee, FB1 1AA, yes", clock)
    await _enter(db, batch, second, "1, count 21\n2, Ann Lee, FB1 1AA, yes", clock)  # a misread count
    async with db.transaction() as session:
        assert [s.mismatch for s in await service_paper.sheet_states(session, batch)] == [True, False]
        await service_paper.resolve_sheet(
            session, batch, 1, service_paper.parse_sheet_lines("count 12", 1), actor=first, now=clock.now()
        )
        outcomes = await service_paper.count_batch(session, batch, actor=second, now=clock.now())
        await tally(session, [petition], now=clock.now(), policy=policy)
    assert outcomes == {"counted": 1, "counted by hand": 12}
    assert petition.signature_count == policy.response_threshold
    assert petition.response_threshold_reached_at is not None
    async with db.reading() as session:
        assert (await channel_counts(session, [petition.id]))[(petition.id, "paper")] == 13
        unnamed = (await session.exec(select(OfflineSignature).where(OfflineSignature.name == ""))).all()
    assert len(unnamed) == 12 and all(
        "counted by hand" in r.match_note and r.ward_code == "" for r in unnamed
    )
    page = await web.get(f"/petitions/{petition.id}")
    assert page.status_code == 200
    channels = page.text[page.text.index("Signatures by how they were given") :]
    assert "Paper" in channels[:600] and ">13<" in channels[:600]
    assert (await web.get(f"/petitions/{petition.id}.json")).status_code == 200


async def test_a_moderator_records_a_petition_handed_in_on_paper_and_types_its_sheets(
    web: Any, another_web: Any, db: Any, make_staff: Any, settings: Any
) -> None:
    from civic.petitions.models import PaperPetition, Petition

    clerk = await make_staff(Role.PANEL_CLERK)
    await web.login(clerk.email, PASSWORD)
    assert (await web.get("/petitions/paper/new")).status_code == 403
    moderator, other = await make_staff(Role.MODERATOR), await make_staff(Role.MODERATOR)
    await web.login(moderator.email, PASSWORD)
    assert (await web.get("/petitions/paper/new")).status_code == 200
    form = {"action": "Save the Abbey Road bus stop", "background": "It is used by 300 people a day.",
            "lead": "Lena Lead", "received": "2099-01-01"}  # fmt: skip
    future = await web.post_form("/petitions/paper/new", form)
    assert future.status_code == 422 and "today or in the past" in future.text
    done = await web.post_form("/petitions/paper/new", form | {"received": "2026-11-20"})
    assert done.status_code == 303
    async with db.reading() as session:
        petition = (await session.exec(select(Petition).where(Petition.creator_name == "Lena Lead"))).one()
        origin = await session.get(PaperPetition, petition.id)
    assert petition.state == State.OPEN and origin is not None and origin.received_on == "2026-11-20"
    assert origin.recorded_by == moderator.id
    assert petition.creator_email == "" and petition.response_threshold
    assert done.headers["location"] == f"/petitions/{petition.id}/paper"
    shown = await web.get(f"/petitions/{petition.id}")
    assert "Handed in on paper on 2026-11-20" in shown.text and "Lena Lead" not in shown.text
    started = await web.post_form(
        f"/petitions/{petition.id}/paper", {"label": "Handed in", "sheets": "1", "received": "2026-11-20"}
    )
    assert started.status_code == 303
    page = started.headers["location"]
    await another_web.login(other.email, PASSWORD)
    for client in (web, another_web):
        assert (await client.post_form(f"{page}/entry", {"lines": "1, count 30"})).status_code == 303
    assert (await web.post_form(f"{page}/count")).status_code == 303
    async with db.reading() as session:
        assert await counts_for(session, [petition.id]) == {petition.id: 30}
