"""`civic areas import-boundaries FILE.geojson`, run in-process as an operator would, on a file in the
ONS "generalised clipped" format (WD24CD/WD24NM properties, WGS84 polygons and multipolygons)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlmodel import col, select

from civic.cli import main
from civic.core.areas import Ward
from civic.core.audit import AuditEntry
from civic.core.boundaries import WardBoundary
from civic.core.db import Database

FIXTURE = Path(__file__).parent / "data" / "ons_wards_2024_bgc.geojson"
WARDS = Path(__file__).parents[2] / "civic" / "demo" / "wards.json"


async def add_wards(url: str) -> None:
    db = Database(url)
    try:
        async with db.transaction() as session:
            for ward in json.loads(WARDS.read_text()):
                session.add(Ward(**ward))
    finally:
        await db.dispose()


async def stored(url: str) -> tuple[dict[str, WardBoundary], list[AuditEntry]]:
    db = Database(url)
    try:
        async with db.reading() as session:
            rows = {b.ward_code: b for b in (await session.exec(select(WardBoundary))).all()}
            audit = (
                await session.exec(
                    select(AuditEntry).where(col(AuditEntry.action) == "areas.import_boundaries")
                )
            ).all()
            return rows, list(audit)
    finally:
        await db.dispose()


@pytest.fixture
def council(cli_env: str) -> str:
    """A migrated database holding the demo council's twelve wards and no boundaries yet."""
    assert main(["migrate"]) == 0
    asyncio.run(add_wards(cli_env))
    return cli_env


def test_an_ons_file_is_matched_by_ward_code_simplified_stored_and_audited(
    council: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["areas", "import-boundaries", str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Matched 2 wards.\n")
    assert "Skipped 1 ward codes that are not this council's: E05099999." in out
    assert "10 wards have no boundary in the file: E05900002, E05900003" in out and "and 0 more" not in out
    rows, audit = asyncio.run(stored(council))
    assert sorted(rows) == ["E05900001", "E05900008"]
    harbour = json.loads(rows["E05900008"].geometry_json)
    assert harbour["type"] == "MultiPolygon"  # the island is kept
    assert rows["E05900008"].path.count("M") >= 2 and rows["E05900001"].path.startswith("M")
    assert rows["E05900001"].min_x < rows["E05900001"].max_x
    assert [(a.object_id, a.reason) for a in audit] == [(FIXTURE.name, "2 wards matched")]


def test_importing_again_replaces_the_outlines_rather_than_adding_to_them(
    council: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["areas", "import-boundaries", str(FIXTURE)]) == 0
    assert main(["areas", "import-boundaries", str(FIXTURE), "--tolerance", "0"]) == 0
    rows, audit = asyncio.run(stored(council))
    assert sorted(rows) == ["E05900001", "E05900008"] and len(audit) == 2


def test_a_file_with_none_of_the_councils_wards_stores_nothing(
    council: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["areas", "import-boundaries", str(FIXTURE)]) == 0
    other = json.loads(FIXTURE.read_text())
    other["features"] = [f for f in other["features"] if f["properties"]["WD24CD"] == "E05099999"]
    elsewhere = tmp_path / "elsewhere.geojson"
    elsewhere.write_text(json.dumps(other))
    capsys.readouterr()
    assert main(["areas", "import-boundaries", str(elsewhere)]) == 1
    assert (
        "none of the file's ward codes is one of this council's wards; nothing stored"
        in capsys.readouterr().out
    )
    rows, _ = asyncio.run(stored(council))
    assert sorted(rows) == ["E05900001", "E05900008"]  # the earlier import is untouched


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "civic: cannot read"),
        (b"PK\x03\x04\xff\xfe zipped shapefile", "is not a UTF-8 text file (is it a zipped shapefile?)"),
        (b'{"type": "Feature"}', "civic: "),
    ],
)
def test_a_missing_or_wrong_file_gets_a_message_and_exit_status_1(
    council: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "wards.geojson"
    if content is not None:
        path.write_bytes(content)
    assert main(["areas", "import-boundaries", str(path)]) == 1
    out = capsys.readouterr().out
    assert message in out and "Traceback" not in out
    assert asyncio.run(stored(council))[0] == {}
