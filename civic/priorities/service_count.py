"""The count record of a priorities round: its anonymised ballots and meeting tallies as CSV, the
result, the method and its parameters (see `civic.core.countrecord`), stored and put into the audit
log when the round's results are published."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import countrecord
from civic.core.db import row_id
from civic.core.publish import csv_text
from civic.core.recount import engine_version
from civic.core.users import StaffUser
from civic.priorities import ballots_csv, counting, recount
from civic.priorities.models import PriorityRound
from civic.priorities.service import candidates_of, meeting_hands
from civic.priorities.service_voting import ballots_of

KIND = "priorities"
TIE_BREAK = (
    "Highest total first; then the most online votes; then the most residents' online votes; then the "
    "most ballots that included it at all; then the candidate added to the round first."
)


async def ballots_text(session: AsyncSession, item: PriorityRound) -> str:
    """The round's ballots file, from the same rows `compute_results` counts."""
    candidates = await candidates_of(session, row_id(item))
    ballots = [counting.CastBallot(b.choices, b.works_here) for b in await ballots_of(session, row_id(item))]
    hands = await meeting_hands(session, row_id(item))
    rows: list[tuple[str, str, object]] = [
        ("setting", "method", item.method.value),
        ("setting", "choices", str(item.choices)),
        ("setting", "top_n", str(item.top_n)),
    ]
    rows += [("candidate", str(row_id(c)), c.title) for c in candidates]
    rows += ballots_csv.ballot_rows(ballots)
    rows += [("meeting", str(cid), str(n)) for cid, n in sorted(hands.items()) if n]
    return csv_text(ballots_csv.HEADER, rows)


async def publish_record(
    session: AsyncSession,
    item: PriorityRound,
    result: counting.Result,
    *,
    actor: StaffUser | None,
    now: datetime,
) -> countrecord.CountRecord:
    method = counting.CountMethod(item.method.value)
    result_json = counting.as_json(result, method=method, allowed=item.choices, top_n=item.top_n)
    files = [
        countrecord.CountFile(recount.BALLOTS_FILE, "ballots", await ballots_text(session, item), "ballots"),
        countrecord.CountFile(recount.RESULT_FILE, "result", countrecord.result_text(result_json), "result"),
    ]
    manifest = countrecord.build_manifest(
        kind=KIND,
        title=item.title,
        rule=method.value,
        parameters={
            "choices": item.choices,
            "top_n": item.top_n,
            "meeting_hand_points": 1 if method is counting.CountMethod.APPROVAL else item.choices,
        },
        tie_break=TIE_BREAK,
        engine=countrecord.Engine(recount.ENGINE, engine_version()),
        files=files,
    )
    record = await countrecord.store(
        session, kind=KIND, object_id=row_id(item), manifest=manifest, files=files, now=now
    )
    await countrecord.publish(session, record, actor=actor, now=now)
    return record
