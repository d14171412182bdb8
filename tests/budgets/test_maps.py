"""A published youth budget's turnout by area, drawn on the wards each area covers, beside a table
and as GeoJSON; and the areas box that links an area to its wards."""

from __future__ import annotations

import re

from civic.budgets import service_results, service_voting
from civic.budgets.forms import AreaLine, area_wards, parse_areas
from civic.budgets.models import Channel
from civic.core.areas import Ward
from civic.core.db import Database, row_id
from civic.core.users import Role
from tests.budgets.conftest import create_budget
from tests.budgets.test_local_time import FORM
from tests.conftest import PASSWORD, START, StaffFactory
from tests.support.web import WebClient

NORTH = ["E05900001", "E05900002"]  # Abbey (11,652 residents), Brook Green (10,235)
SOUTH = ["E05900004"]  # Dockside (14,332)


async def published(db: Database, make_staff: StaffFactory, per_area: dict[str, int], **extra: object) -> str:
    fund = await create_budget(
        db,
        "area-fund",
        areas=[("North", 15_000), ("South", 15_000), ("Northgate School", 5_000)],
        wards={"North": NORTH, "South": SOUTH},
        offsets=(-40, -30, -20, -1, 30),
        ballot_type="approval",
        min_choices=1,
        max_choices=3,
        **extra,
    )
    worker = await make_staff(Role.YOUTH_WORKER)
    async with db.transaction() as session:
        from civic.budgets import service

        areas = {a.name: a for a in await service.areas_of(session, row_id(fund.process))}
        for name, n in per_area.items():
            mine = [p for p in fund.proposals if p.area_id == areas[name].id]
            for _ in range(n):
                await service_voting.store_ballot(
                    session,
                    process_id=row_id(fund.process),
                    area_id=areas[name].id,
                    age_band="14-16",
                    channel=Channel.ONLINE,
                    choices=[row_id(mine[0])],
                    secret=None,
                )
        result = await service_results.compute(session, fund.process, actor=worker, now=START)
        await service_results.publish(session, result, fund.process, actor=worker, now=START)
    return fund.slug


def labels(page: str) -> dict[str, str]:
    return dict(re.findall(r'<a class="civic-map__link" href="([^"]+)" aria-label="([^"]+)">', page))


async def test_results_map_each_areas_turnout_on_its_wards_with_the_same_figures_in_a_table(
    web: WebClient, db: Database, make_staff: StaffFactory, areas: None
) -> None:
    slug = await published(db, make_staff, {"North": 44, "South": 20, "Northgate School": 9})
    page = (await web.get(f"/budgets/{slug}/results")).text
    assert '<svg class="civic-map__svg"' in page and "Youth budget ballots by area" in page
    found = labels(page)
    # 44 ballots over the 21,887 residents of Abbey and Brook Green: 2.0 per 1,000, on both wards
    assert (
        found["/responses/wards/E05900001"]
        == "Abbey: North area, 2.0 ballots per 1,000 residents (44 in all)"
    )
    assert (
        found["/responses/wards/E05900002"]
        == "Brook Green: North area, 2.0 ballots per 1,000 residents (44 in all)"
    )
    assert (
        found["/responses/wards/E05900004"]
        == "Dockside: South area, 1.4 ballots per 1,000 residents (20 in all)"
    )
    assert len(found) == 3  # only the wards the areas cover; the school is in the turnout table only
    table = page[page.index('<table class="govuk-table">', page.index("civic-map__svg")) :]
    assert ">Abbey</a>" in table and ">North<" in table and ">44<" in table and ">1.4<" in table
    assert f'href="/budgets/{slug}/turnout-by-area.geojson"' in page
    body = (await web.get(f"/budgets/{slug}/turnout-by-area.geojson")).json()
    assert body["licence"] == "Open Government Licence v3.0" and body["budget"] == slug
    props = {f["properties"]["ward_code"]: f["properties"] for f in body["features"]}
    assert props["E05900002"] == {
        "ward_code": "E05900002",
        "ward": "Brook Green",
        "area": "North",
        "ballots": 44,
        "per_1000": 2.0,
    }
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in body["features"])


async def test_a_small_area_count_is_hidden_on_the_map_as_in_the_turnout_table(
    web: WebClient, db: Database, make_staff: StaffFactory, areas: None
) -> None:
    slug = await published(db, make_staff, {"North": 30, "South": 3, "Northgate School": 12})
    page = (await web.get(f"/budgets/{slug}/results")).text
    found = labels(page)
    assert found["/responses/wards/E05900004"] == "Dockside: South area, fewer than 5 ballots"
    # the only small count hides the next smallest (the school's 12), so the map must not give 3 away
    assert "(3 in all)" not in page and "0.2 ballots" not in page  # 3 over Dockside's 14,332
    assert "Northgate School" in page and "(12 in all)" not in page
    body = (await web.get(f"/budgets/{slug}/turnout-by-area.geojson")).json()
    props = {f["properties"]["ward_code"]: f["properties"] for f in body["features"]}
    assert props["E05900004"]["ballots"] == "fewer than 5" and props["E05900004"]["per_1000"] is None


async def test_no_map_before_the_results_are_published_or_without_linked_wards(
    web: WebClient, db: Database, areas: None
) -> None:
    fund = await create_budget(db, "plain-fund", areas=[("North", 15_000)], wards={"North": NORTH})
    assert (await web.get(f"/budgets/{fund.slug}/turnout-by-area.geojson")).status_code == 404
    assert "civic-map__svg" not in (await web.get(f"/budgets/{fund.slug}/results")).text


async def test_the_turnout_maps_are_listed_on_the_open_data_page(web: WebClient) -> None:
    page = (await web.get("/data")).text
    assert "Youth budget turnout by area maps" in page and "turnout-by-area.geojson" in page


WARDS = [Ward(code="E1", name="Abbey"), Ward(code="E2", name="Brook Green"), Ward(code="E3", name="Castle")]


def test_an_area_line_may_name_the_wards_it_covers() -> None:
    lines, error = parse_areas("North: £20,000: Abbey, brook green\nNorthgate School: 5000\nCastle: 1000")
    assert error is None
    assert lines == [
        AreaLine("North", 20_000, ("Abbey", "brook green")),
        AreaLine("Northgate School", 5_000),
        AreaLine("Castle", 1_000),
    ]
    covered, problem = area_wards(lines, WARDS)
    assert problem is None
    assert covered == {"North": ["E1", "E2"], "Castle": ["E3"]}  # named like a ward: covers it


def test_unknown_or_shared_wards_and_bad_lines_get_a_clear_message() -> None:
    assert parse_areas("North: lots: Abbey")[1] is not None
    assert parse_areas("North: 2000:")[1] is not None
    assert area_wards([AreaLine("North", 1, ("Abbey Road",))], WARDS)[1] == (
        "Abbey Road is not one of the council's wards: use a ward name from the list under the box"
    )
    shared = area_wards([AreaLine("North", 1, ("Abbey",)), AreaLine("Centre", 1, ("E1",))], WARDS)
    assert shared[1] == "E1 is in both North and Centre; a ward can be in one area only"


async def test_staff_link_areas_to_wards_when_creating_a_budget(
    web: WebClient, make_staff: StaffFactory, db: Database, areas: None
) -> None:
    worker = await make_staff(Role.YOUTH_WORKER)
    await web.login(worker.email, PASSWORD)
    form = (await web.get("/budgets/staff/new")).text
    assert "The wards are: Abbey, Brook Green" in form
    fields = FORM | {"title": "Ward fund", "areas": "North: 1000: Abbey, Castle\nSouth: 1000: Abbey Road"}
    refused = await web.post_form("/budgets/staff/new", fields)
    assert refused.status_code == 422 and "Abbey Road is not one of the council&#39;s wards" in refused.text
    made = await web.post_form("/budgets/staff/new", fields | {"areas": "North: 1000: Abbey, Castle"})
    assert made.status_code == 303
    async with db.reading() as session:
        from civic.budgets import service

        process = await service.get_process(session, "ward-fund")
        assert process is not None
        assert list((await service.area_ward_codes(session, row_id(process))).values()) == [
            ["E05900001", "E05900003"]
        ]
