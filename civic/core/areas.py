"""Areas: the council's wards, police neighbourhoods (groups of wards) and postcodes -> ward.

Postcodes are stored in their canonical form ("FB1 2AB"): upper case, one space before the inward code.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.i18n import gettext

POSTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}$")
OUTSIDE_WARDS = "outside"  # the ward code recorded for people who only work or study here


class Ward(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=12)  # ONS code, e.g. E05012345
    name: str = Field(max_length=120)
    population: int = Field(default=0, ge=0)  # for "per 1,000 residents" figures


class Neighbourhood(SQLModel, table=True):
    slug: str = Field(primary_key=True, max_length=60)
    name: str = Field(max_length=120)


class NeighbourhoodWard(SQLModel, table=True):
    __tablename__ = "neighbourhood_ward"

    neighbourhood_slug: str = Field(foreign_key="neighbourhood.slug", primary_key=True)
    ward_code: str = Field(foreign_key="ward.code", primary_key=True, unique=True)


class Postcode(SQLModel, table=True):
    postcode: str = Field(primary_key=True, max_length=8)
    ward_code: str = Field(foreign_key="ward.code", index=True)


class PostcodeError(ValueError):
    """A postcode that is malformed or not in this council's area; the message is for the user."""


def normalise_postcode(raw: str) -> str:
    """'fb12ab', ' FB1  2AB ' -> 'FB1 2AB'; raises PostcodeError for anything that is not a postcode."""
    compact = re.sub(r"\s+", "", raw or "").upper()
    if not POSTCODE_RE.match(compact):
        raise PostcodeError(gettext("Enter a real postcode, like FB1 2AB"))
    return f"{compact[:-3]} {compact[-3:]}"


@dataclass(frozen=True)
class PostcodeMatch:
    postcode: str
    ward: Ward | None

    @property
    def in_council(self) -> bool:
        return self.ward is not None


async def lookup_postcode(session: AsyncSession, raw: str) -> PostcodeMatch:
    """The ward for a postcode; `ward` is None when the postcode is real but not in this council."""
    postcode = normalise_postcode(raw)
    row = await session.exec(
        select(Ward)
        .join(Postcode, col(Postcode.ward_code) == col(Ward.code))
        .where(Postcode.postcode == postcode)
    )
    return PostcodeMatch(postcode, row.first())


async def ward_for_postcode(session: AsyncSession, raw: str) -> Ward:
    match = await lookup_postcode(session, raw)
    if match.ward is None:
        raise PostcodeError(gettext("%(postcode)s is not in this council area", postcode=match.postcode))
    return match.ward


async def list_wards(session: AsyncSession) -> list[Ward]:
    return list((await session.exec(select(Ward).order_by(col(Ward.name)))).all())


async def list_neighbourhoods(session: AsyncSession) -> list[Neighbourhood]:
    return list((await session.exec(select(Neighbourhood).order_by(col(Neighbourhood.name)))).all())


async def wards_of(session: AsyncSession, neighbourhood_slug: str) -> list[Ward]:
    rows = await session.exec(
        select(Ward)
        .join(NeighbourhoodWard, col(NeighbourhoodWard.ward_code) == col(Ward.code))
        .where(NeighbourhoodWard.neighbourhood_slug == neighbourhood_slug)
        .order_by(col(Ward.name))
    )
    return list(rows.all())


async def neighbourhood_of_ward(session: AsyncSession, ward_code: str) -> Neighbourhood | None:
    rows = await session.exec(
        select(Neighbourhood)
        .join(NeighbourhoodWard, col(NeighbourhoodWard.neighbourhood_slug) == col(Neighbourhood.slug))
        .where(NeighbourhoodWard.ward_code == ward_code)
    )
    return rows.first()


async def council_population(session: AsyncSession) -> int:
    total = (await session.exec(select(func.coalesce(func.sum(Ward.population), 0)))).one()
    return int(total)


# --- import from the ONS postcode directory layout -------------------------------------------------

POSTCODE_COLUMNS = ("pcds", "pcd", "pcd2", "pcd7", "pcd8", "postcode")
WARD_COLUMNS = ("osward", "wd25cd", "wd24cd", "wd23cd", "wd22cd", "wardcode", "ward_code", "ward")


@dataclass
class ImportReport:
    imported: int = 0
    outside_council: int = 0
    malformed: int = 0
    terminated: int = 0


def _pick(header: list[str], choices: Iterable[str], what: str) -> int:
    lowered = [h.strip().lower() for h in header]
    for choice in choices:
        if choice in lowered:
            return lowered.index(choice)
    raise PostcodeError(f"the CSV has no {what} column (looked for {', '.join(choices)})")


def parse_postcode_csv(text: str) -> Iterator[tuple[str | None, str, bool]]:
    """Yield (canonical postcode or None if malformed, ward code, terminated) for each data row."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise PostcodeError("the CSV is empty")
    pc_at = _pick(header, POSTCODE_COLUMNS, "postcode")
    ward_at = _pick(header, WARD_COLUMNS, "ward code")
    lowered = [h.strip().lower() for h in header]
    doterm_at = lowered.index("doterm") if "doterm" in lowered else None
    for row in reader:
        if len(row) <= max(pc_at, ward_at):
            continue
        terminated = doterm_at is not None and len(row) > doterm_at and bool(row[doterm_at].strip())
        try:
            yield normalise_postcode(row[pc_at]), row[ward_at].strip().upper(), terminated
        except PostcodeError:
            yield None, row[ward_at].strip().upper(), terminated


async def import_postcodes(session: AsyncSession, text: str) -> ImportReport:
    """Load postcodes whose ward is one of the council's; others are counted, not stored.
    Terminated postcodes (with a `doterm`) are skipped: nobody lives at them any more."""
    wards = set((await session.exec(select(Ward.code))).all())
    report = ImportReport()
    batch: dict[str, str] = {}
    for postcode, ward_code, terminated in parse_postcode_csv(text):
        if postcode is None:
            report.malformed += 1
        elif terminated:
            report.terminated += 1
        elif ward_code not in wards:
            report.outside_council += 1
        else:
            batch[postcode] = ward_code
    items = list(batch.items())
    for start in range(0, len(items), 500):
        await _upsert_postcodes(session, dict(items[start : start + 500]))
    report.imported = len(batch)
    await session.flush()
    return report


async def _upsert_postcodes(session: AsyncSession, chunk: dict[str, str]) -> None:
    found = await session.exec(select(Postcode).where(col(Postcode.postcode).in_(list(chunk))))
    existing = {p.postcode: p for p in found.all()}
    for postcode, ward_code in chunk.items():
        if postcode in existing:
            existing[postcode].ward_code = ward_code
        else:
            session.add(Postcode(postcode=postcode, ward_code=ward_code))
