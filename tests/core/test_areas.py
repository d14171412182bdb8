from __future__ import annotations

import pytest

from civic.core import areas as geo
from civic.core.db import Database

ONS_SAMPLE = """pcd,pcd2,pcds,dointr,doterm,osward,oslaua
FB1 1AA ,FB1  1AA,FB1 1AA,199801,,E05900001,E07999999
fb99zz,FB9 9ZZ,fb9 9zz,199801,,E05900009,E07999999
ZZ9 9ZZ,ZZ9 9ZZ,ZZ9 9ZZ,199801,,E05999999,E07999998
FB2 9XX,FB2 9XX,FB2 9XX,199801,202001,E05900002,E07999999
NOT A POSTCODE,x,NOT A POSTCODE,199801,,E05900002,E07999999
"""


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("fb61aa", "FB6 1AA"),
        (" FB6  1AA ", "FB6 1AA"),
        ("Fb6 1aA", "FB6 1AA"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("m11ae", "M1 1AE"),
    ],
)
def test_postcodes_are_normalised(raw: str, canonical: str) -> None:
    assert geo.normalise_postcode(raw) == canonical


@pytest.mark.parametrize("raw", ["", "hello", "12345", "FB6", "FB6 1AAA", "<script>"])
def test_malformed_postcodes_get_a_clear_message(raw: str) -> None:
    with pytest.raises(geo.PostcodeError, match="Enter a real postcode"):
        geo.normalise_postcode(raw)


async def test_lookup_finds_the_ward_or_says_not_in_this_council(db: Database, areas: None) -> None:
    async with db.reading() as session:
        match = await geo.lookup_postcode(session, "fb6 1aa")
        assert match.ward is not None
        assert match.ward.name == "Fernbridge Central"
        outside = await geo.lookup_postcode(session, "ZZ1 1AA")
        assert not outside.in_council
        with pytest.raises(geo.PostcodeError, match="not in this council area"):
            await geo.ward_for_postcode(session, "ZZ1 1AA")


async def test_neighbourhoods_are_made_of_wards(db: Database, areas: None) -> None:
    async with db.reading() as session:
        central = await geo.wards_of(session, "fernbridge-central")
        assert len(central) == 6
        neighbourhood = await geo.neighbourhood_of_ward(session, "E05900006")
        assert neighbourhood is not None
        assert neighbourhood.slug == "fernbridge-central"
        assert await geo.council_population(session) > 100_000


async def test_import_in_the_ons_layout_tolerates_spacing_and_case(db: Database, areas: None) -> None:
    async with db.transaction() as session:
        report = await geo.import_postcodes(session, ONS_SAMPLE)
    assert (report.imported, report.outside_council, report.terminated, report.malformed) == (2, 1, 1, 1)
    async with db.reading() as session:
        match = await geo.lookup_postcode(session, "FB9 9ZZ")
        assert match.ward is not None
        assert match.ward.code == "E05900009"


async def test_reimporting_moves_a_postcode_to_its_new_ward(db: Database, areas: None) -> None:
    async with db.transaction() as session:
        await geo.import_postcodes(session, "pcds,osward\nFB1 1AA,E05900012\n")
    async with db.reading() as session:
        match = await geo.lookup_postcode(session, "FB1 1AA")
        assert match.ward is not None
        assert match.ward.code == "E05900012"


async def test_a_csv_without_the_columns_is_refused_clearly(db: Database) -> None:
    async with db.transaction() as session:
        with pytest.raises(geo.PostcodeError, match="no postcode column"):
            await geo.import_postcodes(session, "name,ward\nx,y\n")
        with pytest.raises(geo.PostcodeError, match="empty"):
            await geo.import_postcodes(session, "")
