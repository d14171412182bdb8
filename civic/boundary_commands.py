"""`civic areas import-boundaries FILE.geojson`: ward boundaries from an ONS boundary file."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from civic.config import Settings
from civic.core import audit
from civic.core.boundaries import BoundaryReport, import_boundaries
from civic.core.clock import SystemClock
from civic.core.db import Database
from civic.core.geometry import TOLERANCE, BoundaryError

LISTED = 10  # codes printed by name in the report before "and N more"


def add_arguments(areas: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    imp = areas.add_parser(
        "import-boundaries",
        help="load ward boundaries from an ONS ward boundary GeoJSON file (WGS84, generalised clipped)",
    )
    imp.add_argument("file")
    imp.add_argument(
        "--tolerance",
        type=float,
        default=TOLERANCE,
        help=f"simplification tolerance in degrees (default {TOLERANCE}, about 25 m)",
    )


def _codes(codes: list[str]) -> str:
    shown = ", ".join(codes[:LISTED])
    return shown + (f" and {len(codes) - LISTED} more" if len(codes) > LISTED else "")


def summary(report: BoundaryReport) -> list[str]:
    lines = [f"Matched {len(report.matched)} wards."]
    if report.unknown:
        lines.append(
            f"Skipped {len(report.unknown)} ward codes that are not this council's: {_codes(report.unknown)}."
        )
    if report.missing:
        lines.append(f"{len(report.missing)} wards have no boundary in the file: {_codes(report.missing)}.")
    return lines


async def areas_import_boundaries(args: argparse.Namespace, settings: Settings) -> int:
    try:
        content = await asyncio.to_thread(Path(args.file).read_text, encoding="utf-8-sig")
    except OSError as exc:
        print(f"civic: cannot read {args.file}: {exc.strerror}")
        return 1
    except UnicodeDecodeError:
        print(f"civic: {args.file} is not a UTF-8 text file (is it a zipped shapefile?)")
        return 1
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            report = await import_boundaries(session, content, tolerance=args.tolerance)
            if not report.matched:
                raise BoundaryError(
                    "none of the file's ward codes is one of this council's wards; nothing stored"
                )
            await audit.record(
                session,
                actor=None,
                action="areas.import_boundaries",
                object_type="ward_boundaries",
                object_id=str(args.file).rsplit("/", 1)[-1],
                now=SystemClock().now(),
                reason=f"{len(report.matched)} wards matched",
            )
    except BoundaryError as exc:
        print(f"civic: {exc}")
        return 1
    finally:
        await db.dispose()
    print("\n".join(summary(report)))
    return 0


HANDLERS = {"areas import-boundaries": areas_import_boundaries}
