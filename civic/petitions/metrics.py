"""Report-card rows for petitions: petitions and signatures per 1,000 residents, for each ward and for
the whole council (petitions are addressed to the council, not to a ward or another body).

Only petitions that reached the public count (open or closed). A petition belongs to the ward its
creator gave; when the creator only works or studies here, to the ward most of its counted signatures
came from. Signatures count once confirmed and not suspect, by the signer's ward; signers from
outside the council are left out, because the figures are per resident.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import OUTSIDE_WARDS, Ward, council_population
from civic.core.i18n import lazy_gettext as _l
from civic.core.reportcard import MetricRow, Scope
from civic.petitions.models import PUBLISHED_STATES, Petition, Signature
from civic.petitions.service_counting import public_ward_counts
from civic.responses.stats import per_thousand

PETITIONS_LABEL = _l("Published petitions started by residents")
SIGNATURES_LABEL = _l("Petition signatures")
UNIT = _l("per 1,000 residents")


def _published() -> ColumnElement[bool]:
    return col(Signature.petition_id).in_(
        select(Petition.id).where(col(Petition.state).in_(list(PUBLISHED_STATES)))
    )


async def _signatures_by_ward(session: AsyncSession) -> list[tuple[int, str, int]]:
    """(petition, ward, counted signatures) for residents' signatures on public petitions."""
    return [row for row in await public_ward_counts(session) if row[1] != OUTSIDE_WARDS]


async def _creator_wards(session: AsyncSession) -> dict[int, str]:
    rows = await session.exec(
        select(Signature.petition_id, Signature.ward_code).where(
            _published(), col(Signature.is_creator).is_(True), Signature.ward_code != OUTSIDE_WARDS
        )
    )
    return {int(pid): str(ward) for pid, ward in rows.all()}


def _petition_wards(creators: dict[int, str], signatures: list[tuple[int, str, int]]) -> Counter[str]:
    """How many petitions belong to each ward: the creator's, else the ward signing most (ties go to
    the lower ward code, so the answer never depends on row order)."""
    best: dict[int, tuple[int, str]] = {}
    for pid, ward, count in signatures:
        current = best.get(pid)
        if current is None or (-count, ward) < (-current[0], current[1]):
            best[pid] = (count, ward)
    homes = {pid: ward for pid, (_, ward) in best.items()} | creators
    return Counter(homes.values())


async def petitions_per_resident(session: AsyncSession, scope: Scope, now: datetime) -> list[MetricRow]:
    if scope.kind == "body":
        return []
    signatures = await _signatures_by_ward(session)
    petitions = _petition_wards(await _creator_wards(session), signatures)
    signed = Counter[str]()
    for _, ward, count in signatures:
        signed[ward] += count
    everyone = await council_population(session)
    council = (per_thousand(petitions.total(), everyone), per_thousand(signed.total(), everyone))
    if scope.key is None:
        mine = council
    else:
        home = await session.get(Ward, scope.key)
        people = 0 if home is None else home.population
        mine = (per_thousand(petitions[scope.key], people), per_thousand(signed[scope.key], people))
    return [
        MetricRow(PETITIONS_LABEL, mine[0], council[0], UNIT),
        MetricRow(SIGNATURES_LABEL, mine[1], council[1], UNIT),
    ]
