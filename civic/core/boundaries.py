"""Stored ward boundaries: loaded from an ONS boundary file and read back for maps and open data.

An import replaces every stored boundary: the wards of one file share one projection (see
civic/core/geometry.py), so boundaries from two files would not fit together on one map. A ward the
file does not hold is left without a boundary and is listed under the map's table only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import Text, delete
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import Ward
from civic.core.geometry import TOLERANCE, WardShape, prepare, read_boundaries
from civic.core.maps import MapWard


class WardBoundary(SQLModel, table=True):
    __tablename__ = "ward_boundary"

    ward_code: str = Field(foreign_key="ward.code", primary_key=True, max_length=12)
    geometry_json: str = Field(sa_type=Text)  # simplified GeoJSON geometry, WGS84 lon/lat
    path: str = Field(sa_type=Text)  # SVG path data in the import's shared map frame
    min_x: float
    min_y: float
    max_x: float
    max_y: float


@dataclass
class BoundaryReport:
    matched: list[str] = field(default_factory=list)  # ward codes stored
    unknown: list[str] = field(default_factory=list)  # codes in the file that are not our wards
    missing: list[str] = field(default_factory=list)  # our wards with no boundary in the file


async def import_boundaries(
    session: AsyncSession, text: str, *, tolerance: float = TOLERANCE
) -> BoundaryReport:
    """Read, match by ward code, simplify and store; raises BoundaryError for a bad file."""
    raw = read_boundaries(text)
    wards = {w.code: w for w in (await session.exec(select(Ward))).all()}
    ours = [w for w in raw if w.code in wards]
    report = BoundaryReport(
        matched=sorted({w.code for w in ours}),
        unknown=sorted({w.code for w in raw if w.code not in wards}),
    )
    report.missing = sorted(set(wards) - set(report.matched))
    await session.exec(delete(WardBoundary))
    seen: set[str] = set()
    for shape in prepare(ours, tolerance):
        if shape.code not in seen:  # a file listing a ward twice keeps its first outline
            seen.add(shape.code)
            session.add(_row(shape))
    await session.flush()
    return report


def _row(shape: WardShape) -> WardBoundary:
    return WardBoundary(
        ward_code=shape.code,
        geometry_json=json.dumps(shape.geojson, separators=(",", ":")),
        path=shape.path,
        min_x=shape.box[0],
        min_y=shape.box[1],
        max_x=shape.box[2],
        max_y=shape.box[3],
    )


async def map_wards(session: AsyncSession, codes: list[str] | None = None) -> list[MapWard]:
    """The council's wards (or those in `codes`) by name, with their boundaries when stored."""
    query = select(Ward, WardBoundary).outerjoin(WardBoundary, col(WardBoundary.ward_code) == col(Ward.code))
    if codes is not None:
        query = query.where(col(Ward.code).in_(codes))
    rows = (await session.exec(query.order_by(col(Ward.name)))).all()
    return [_map_ward(ward, boundary) for ward, boundary in rows]


def _map_ward(ward: Ward, boundary: WardBoundary | None) -> MapWard:
    if boundary is None:
        return MapWard(ward.code, ward.name, ward.population, None, None, None)
    box = (boundary.min_x, boundary.min_y, boundary.max_x, boundary.max_y)
    return MapWard(
        ward.code, ward.name, ward.population, boundary.path, box, json.loads(boundary.geometry_json)
    )
