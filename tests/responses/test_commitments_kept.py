"""Report cards' "commitments kept": its stated formula, the small-number rule (fewer than 5 answers
give no figure and leave the grade as it was), its part in the grade, and lateness and disputes
counted against the body that held the commitment."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.users import Role
from civic.responses import service, service_checkback, service_commitments, stats
from civic.responses.models import Commitment, CommitmentState, WasItDone
from tests.conftest import PASSWORD, StaffFactory
from tests.responses.conftest import Asks, due_in
from tests.support.web import WebClient


def test_kept_counts_partly_as_half_and_needs_five_answers() -> None:
    assert stats.commitments_kept(4, 0, 0) is None
    assert stats.commitments_kept(0, 0, 0) is None
    assert stats.commitments_kept(3, 2, 1) == round(4 / 6, 3)
    assert stats.commitments_kept(0, 0, 5) == 0.0
    assert stats.commitments_kept(5, 0, 0) == 1.0


def test_the_grade_takes_kept_at_weight_20_and_is_unchanged_without_it() -> None:
    assert stats.grade_score(0.8, 4.2) == 80.0  # 60 x 0.8 + 40 x 0.8, as before commitments counted
    assert stats.grade_score(0.8, 4.2, None) == 80.0
    assert stats.grade_score(1.0, 5.0, 0.0) == round(100 * 100 / 120, 1)
    assert stats.grade_score(1.0, None, 0.5) == round(100 * 70 / 80, 1)
    assert stats.grade_score(None, 5.0, 1.0) is None  # nothing due yet: no grade
    assert "commitments kept (weight 20)" in str(stats.FORMULA)
    assert "fewer than 5 answers no figure" in str(stats.KEPT_FORMULA).lower()


def summary(page: str, key: str) -> str:
    found = re.search(rf"{key}</dt><dd[^>]*>(.*?)</dd>", page, re.S)
    assert found, key
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


async def answered_commitment(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory, target_id: str, due_days: int
) -> Commitment:
    info = asks.add(target_id, due_at=due_in(clock, 10), asked_at=clock.now(), askers=[])
    admin = await make_staff(Role.ADMIN)
    async with db.transaction() as session:
        response = await service.start_response(session, info, actor=admin, now=clock.now())
        await service.save_draft(
            session, response, actor=admin, summary="Yes", details="We will.", reason="", now=clock.now()
        )
        await service.publish(session, response, actor=admin, now=clock.now())
        return await service_commitments.commit(
            session, response, what=f"Promise {target_id}", due_on=clock.now().date() + timedelta(days=due_days),
            ward_codes=("E05900006",), actor=admin, now=clock.now(),
        )  # fmt: skip


async def add_answers(db: Database, clock: FrozenClock, item: Commitment, said: list[WasItDone]) -> None:
    async with db.transaction() as session:
        for n, answer in enumerate(said):
            await service_checkback.answer(
                session, ("commitment", str(item.id)), rater=f"{item.id}-{n}-{answer.value}", was_it_done=answer,
                comment="", now=clock.now(),
            )  # fmt: skip


@pytest.mark.usefixtures("bodies")
async def test_the_card_shows_kept_only_from_five_answers_and_it_moves_the_grade(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory, web: WebClient
) -> None:
    item = await answered_commitment(db, asks, clock, make_staff, "1", due_days=30)
    await add_answers(db, clock, item, [WasItDone.NOT_DONE] * 3 + [WasItDone.PARTLY])
    card = (await web.get("/responses/bodies/council")).text
    assert "How commitments kept is worked out" in card and "½ × answers “partly”" in card
    assert summary(card, "Commitments kept") == "Fewer than 5 answers: no figure"
    before = summary(card, "Grade")
    assert before.startswith("A")  # answered on time, nobody rated: 100
    await add_answers(db, clock, item, [WasItDone.DONE])
    card = (await web.get("/responses/bodies/council")).text
    # (1 done + 1/2 partly) / 5 = 30%; score = (60 x 1 + 20 x 0.3) / 80 x 100 = 82.5
    assert summary(card, "Commitments kept") == "30%, from 5 answers by the people who asked"
    assert summary(card, "Grade") == "B (score 82.5 out of 100)"
    youth = (await web.get("/responses/bodies/youth-service")).text
    assert summary(youth, "Commitments kept") == "No answers yet"  # another body's promise
    ward = (await web.get("/responses/wards/E05900006")).text
    assert summary(ward, "Commitments kept").startswith("30%")


@pytest.mark.usefixtures("bodies")
async def test_late_and_disputed_commitments_count_against_their_body(
    db: Database, asks: Asks, clock: FrozenClock, make_staff: StaffFactory, web: WebClient
) -> None:
    late = await answered_commitment(db, asks, clock, make_staff, "1", due_days=2)
    disputed = await answered_commitment(db, asks, clock, make_staff, "2", due_days=60)
    admin = await make_staff(Role.ADMIN)
    async with db.transaction() as session:
        fresh = await session.get(Commitment, disputed.id)
        assert fresh is not None
        await service_commitments.post_update(
            session, fresh, state=CommitmentState.DONE, note="Finished", actor=admin, now=clock.now()
        )
    await add_answers(db, clock, disputed, [WasItDone.NOT_DONE] * 3 + [WasItDone.DONE] * 2)
    clock.advance(timedelta(days=5))
    await web.login(admin.email, PASSWORD)
    card = (await web.get("/responses/bodies/council")).text
    assert summary(card, "Commitments late") == "1"
    section = card.split("Marked done, but residents say not done", 1)[1].split("Overdue now", 1)[0]
    assert "Promise 2" in section and "Promise 1" not in section
    assert late.what not in section
