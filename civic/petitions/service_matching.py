"""One person counts once across channels. A signature that came on paper or through a member of staff
has no email, so it is matched on its normalised name and postcode: the same name and postcode as a
counted signature (online or offline) is a duplicate; the same postcode with a name that could be the
same person (same surname and initial, or the same words in another order) is doubtful, and a
moderator decides. Postcodes are checked against the council's (civic.core.areas)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core import audit
from civic.core.areas import OUTSIDE_WARDS, PostcodeError, lookup_postcode
from civic.core.db import row_id
from civic.core.errors import Conflict, NotFound
from civic.core.identity import name_key
from civic.core.users import StaffUser
from civic.petitions.models import (
    Channel,
    OfflineCheck,
    OfflineSignature,
    Signature,
    SignatureState,
)


def _maybe_same(a: str, b: str) -> bool:
    """Two different keys that could be one person: same words in another order, or the same
    surname with the same first initial ('j smith' and 'jane smith')."""
    wa, wb = a.split(), b.split()
    if not wa or not wb:
        return False
    if sorted(wa) == sorted(wb):
        return True
    return wa[-1] == wb[-1] and wa[0][0] == wb[0][0]


@dataclass(frozen=True)
class Line:
    sheet: int
    line: int
    name: str
    postcode: str
    declared: bool


@dataclass
class _Known:
    """The counted (or doubtful) people of a petition by postcode, for matching new lines."""

    by_postcode: dict[str, list[tuple[str, str]]]  # postcode -> (name key, where it came from)

    def match(self, key: str, postcode: str) -> tuple[OfflineCheck, str] | None:
        doubtful = None
        for other, where in self.by_postcode.get(postcode, []):
            if other == key:
                return OfflineCheck.DUPLICATE, f"same name and postcode as {where}"
            if doubtful is None and _maybe_same(key, other):
                doubtful = OfflineCheck.DOUBTFUL, f"perhaps the same person as {where}"
        return doubtful

    def add(self, key: str, postcode: str, where: str) -> None:
        self.by_postcode.setdefault(postcode, []).append((key, where))


async def _known(session: AsyncSession, petition_id: int, postcodes: set[str]) -> _Known:
    known = _Known({})
    if not postcodes:
        return known
    online = await session.exec(
        select(Signature.id, Signature.name, Signature.postcode).where(
            Signature.petition_id == petition_id,
            col(Signature.postcode).in_(postcodes),
            col(Signature.state).in_([SignatureState.VALIDATED, SignatureState.PENDING]),
        )
    )
    for sid, name, postcode in online.all():
        known.add(name_key(name), postcode, f"online signature {sid}")
    offline = await session.exec(
        select(OfflineSignature).where(
            OfflineSignature.petition_id == petition_id,
            col(OfflineSignature.postcode).in_(postcodes),
            col(OfflineSignature.outcome).in_([OfflineCheck.COUNTED, OfflineCheck.DOUBTFUL]),
        )
    )
    for row in offline.all():
        known.add(row.name_key, row.postcode, _where(row))
    return known


def _where(row: OfflineSignature) -> str:
    if row.channel == Channel.PAPER:
        return f"paper sheet {row.sheet} line {row.line} of bundle {row.batch_id}"
    return f"assisted signature {row.reference}"


async def _place(session: AsyncSession, line: Line) -> tuple[str, str, OfflineCheck | None]:
    """(postcode, ward code, outcome if it cannot count) for a line's postcode and declaration."""
    try:
        match = await lookup_postcode(session, line.postcode)
    except PostcodeError:
        return line.postcode[:8], "", OfflineCheck.OUTSIDE
    if not line.declared:
        return match.postcode, "", OfflineCheck.NO_DECLARATION
    return match.postcode, match.ward.code if match.ward else OUTSIDE_WARDS, None


async def check_lines(
    session: AsyncSession,
    petition_id: int,
    lines: list[Line],
    *,
    channel: Channel,
    actor: StaffUser,
    now: datetime,
    batch_id: int | None = None,
    reference: str = "",
) -> dict[str, int]:
    """Check each line and store it with its outcome; returns how many had each outcome."""
    placed = [(line, *await _place(session, line)) for line in lines]
    known = await _known(session, petition_id, {p for _, p, _, o in placed if o is None})
    outcomes: Counter[str] = Counter()
    for line, postcode, ward, outcome in placed:
        key, note = name_key(line.name), ""
        if outcome is None:
            found = known.match(key, postcode)
            outcome, note = found if found else (OfflineCheck.COUNTED, "")
        row = OfflineSignature(
            petition_id=petition_id, channel=channel, batch_id=batch_id, sheet=line.sheet,
            line=line.line, name=line.name, name_key=key, postcode=postcode, ward_code=ward,
            outcome=outcome, match_note=note, reference=reference, entered_by=row_id(actor),
            created_at=now,
        )  # fmt: skip
        session.add(row)
        if outcome in (OfflineCheck.COUNTED, OfflineCheck.DOUBTFUL):
            known.add(key, postcode, _where(row))
        outcomes[outcome.value] += 1
    await session.flush()
    return dict(outcomes)


async def doubtful_of(session: AsyncSession, petition_id: int) -> list[OfflineSignature]:
    rows = await session.exec(
        select(OfflineSignature)
        .where(OfflineSignature.petition_id == petition_id, OfflineSignature.outcome == OfflineCheck.DOUBTFUL)
        .order_by(col(OfflineSignature.id))
    )
    return list(rows.all())


async def decide_doubtful(
    session: AsyncSession,
    petition_id: int,
    signature_id: int,
    *,
    count: bool,
    actor: StaffUser,
    now: datetime,
) -> OfflineSignature:
    """A moderator's decision on a doubtful match: a different person (count it) or the same one."""
    row = await session.get(OfflineSignature, signature_id)
    if row is None or row.petition_id != petition_id:
        raise NotFound()
    if row.outcome != OfflineCheck.DOUBTFUL:
        raise Conflict("This signature has already been decided.")
    row.outcome = OfflineCheck.COUNTED if count else OfflineCheck.DUPLICATE
    row.decided_by, row.decided_at = row_id(actor), now
    session.add(row)
    await session.flush()
    await audit.record(
        session, actor=actor, action="petitions.offline_decided", object_type="petition_offline_signature",
        object_id=row.id, now=now, reason=f"{row.match_note}: {'counted' if count else 'duplicate'}",
    )  # fmt: skip
    return row


async def supersede_by_online(session: AsyncSession, signatures: list[Signature], *, now: datetime) -> int:
    """Someone who signed on paper (or with staff) and later confirms an online signature counts once:
    the online signature counts (it has a confirmed email) and the earlier one becomes a duplicate;
    a similar name at the same postcode makes the earlier one doubtful, for a moderator to decide.
    Returns how many earlier signatures stopped counting."""
    online: dict[tuple[int, str], list[tuple[str, int]]] = {}
    for signature in signatures:
        if signature.postcode:
            where = (signature.petition_id, signature.postcode)
            online.setdefault(where, []).append((name_key(signature.name), row_id(signature)))
    if not online:
        return 0
    # Only the columns the match needs: a busy petition can hold thousands of paper signatures at
    # the postcodes of one batch of confirmations, and only the few that match are loaded as rows.
    candidates = await session.exec(
        select(
            OfflineSignature.id,
            OfflineSignature.petition_id,
            OfflineSignature.postcode,
            OfflineSignature.name_key,
        ).where(
            col(OfflineSignature.petition_id).in_({p for p, _ in online}),
            col(OfflineSignature.postcode).in_({c for _, c in online}),
            OfflineSignature.outcome == OfflineCheck.COUNTED,
        )
    )
    changed = 0
    for offline_id, petition_id, postcode, offline_key in candidates.all():
        signers = online.get((petition_id, postcode), [])
        same = next((sid for key, sid in signers if key == offline_key), None)
        maybe = next((sid for key, sid in signers if _maybe_same(key, offline_key)), None)
        if same is None and maybe is None:
            continue
        row = await session.get(OfflineSignature, offline_id)
        assert row is not None  # just read in this transaction
        if same is not None:
            row.outcome, row.match_note = (
                OfflineCheck.DUPLICATE,
                f"signed online later (online signature {same})",
            )
        else:
            row.outcome = OfflineCheck.DOUBTFUL
            row.match_note = f"perhaps signed online later (online signature {maybe})"
        session.add(row)
        changed += 1
        await audit.record(
            session, actor=None, action="petitions.offline_superseded", object_type="petition_offline_signature",
            object_id=row.id, now=now, reason=row.match_note,
        )  # fmt: skip
    return changed


BY_HAND = "counted by hand"
BY_HAND_NOTE = "counted by hand: no name typed, so it cannot be matched with other signatures"


async def add_hand_counted(
    session: AsyncSession,
    petition_id: int,
    batch_id: int,
    sheet: int,
    count: int,
    *,
    actor: StaffUser,
    now: datetime,
) -> int:
    """A sheet's signatures counted by hand and agreed by both entries: each counts as a paper
    signature with no name or postcode (so no ward either), labelled as such for moderators."""
    for line in range(1, count + 1):
        session.add(
            OfflineSignature(
                petition_id=petition_id, channel=Channel.PAPER, batch_id=batch_id, sheet=sheet, line=line,
                name="", name_key="", postcode="", ward_code="", outcome=OfflineCheck.COUNTED,
                match_note=BY_HAND_NOTE, entered_by=row_id(actor), created_at=now,
            )
        )  # fmt: skip
    await session.flush()
    return count
