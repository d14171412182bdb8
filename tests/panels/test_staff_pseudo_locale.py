"""The pseudo-locale guard over the panel clerk's pages: the panels, a panel with its members and
meetings, a meeting at every stage (agenda, withdrawing and moving, the record of attendance,
declarations, motions and decisions, minutes drafted, approved, published and corrected) and an
action's update form, with their form errors and refusals, rendered with every message accented, show
no plain English word beyond names and what people wrote."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from civic.config import Settings
from civic.core.areas import Neighbourhood, Ward
from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.core.users import Role
from civic.panels.models import MinutesVersion, PanelAction
from tests.conftest import PASSWORD, StaffFactory, make_settings
from tests.panels import steps
from tests.panels.conftest import ROSTER, PanelSetup
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")
CLERK = "Megan Hughes"
# The layout's "signed in as" line (and the staff account choices) name an account's role in English:
# the role's label is also what the audit log records, so the role name counts as data here.
ROLES = tuple(role.label for role in Role)
WRITTEN = ("Fernbridge Central Community Panel", "Fernbridge Central", "Residents hold local services to account.",
           "Meets monthly; decides on the community fund.", "Monthly", "Fernbridge Library", "Library",
           "Community fund", "Fund the youth club", "Grant £2,000 to the youth club", "Most requested",
           "Split the fund", "Pay the grant", "Community team", "Approve the minutes", "Minutes", "Hall",
           "Flooding", "Snow", "half", "=x", "Lives nearby", CLERK)  # fmt: skip


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


async def data_of(db: Database, settings: Settings, *values: str) -> tuple[str, ...]:
    """What is data on these pages: names (the council's, places, members, staff), what the clerk wrote
    (the panel's details, items, motions, decisions, actions) and the minutes' text."""
    async with db.reading() as session:
        places = [w.name for w in (await session.exec(select(Ward))).all()]
        places += [n.name for n in (await session.exec(select(Neighbourhood))).all()]
        minutes = [
            line for v in (await session.exec(select(MinutesVersion))).all() for line in v.body.split("\n")
        ]
    members = tuple(name for name, _, _ in ROSTER)
    return (settings.council_name, settings.council_short_name, *places, *members, *ROLES, *WRITTEN,
            *minutes, *values)  # fmt: skip


def check(html: str, data: tuple[str, ...], where: str) -> None:
    words = page_words(html, data)
    assert words == [], (where, sorted(set(words)))


async def sign_in(web: WebClient, make_staff: StaffFactory) -> None:
    clerk = await make_staff(Role.PANEL_CLERK, name=CLERK)
    await web.get(f"/?lang={PSEUDO}")  # the cookie keeps the pseudo-locale from here on
    await web.login(clerk.email, PASSWORD)


async def test_panels_members_and_an_agenda_have_no_untranslated_english(
    web: WebClient, make_staff: StaffFactory, setup: PanelSetup, db: Database, clock: FrozenClock,
    settings: Settings,
) -> None:  # fmt: skip
    await sign_in(web, make_staff)
    data = await data_of(db, settings)
    panel = f"/panels/manage/{setup.panel.slug}"
    base = f"/panels/manage/meetings/{setup.meeting.id}"
    for path in ("/panels/manage", panel, base):
        page = await web.get(path)
        assert page.status_code == 200 and "⟦" in page.text, path
        check(page.text, data, path)
    refusals = {
        "/panels/manage": {"name": "=x", "quorum_rule": "half", "area_kind": "ward", "purpose": ""},
        panel: {"name": "", "quorum_rule": "0", "area_kind": "nowhere"},
        f"{panel}/members": {"name": "", "role": "x", "starts_on": "soon", "ends_on": "x"},
        f"{panel}/meetings": {"day": "2020-01-01", "time": "18:00", "place": "Hall"},
        f"{panel}/meetings?again": {"day": "x", "time": "late", "place": "", "online_url": "http://x"},
        f"{panel}/members/{setup.id('Tom Price')}/end": {"ends_on": "1999-01-01"},
        f"{base}/publish-agenda": {},
        f"{base}/items": {"title": "", "exempt": "yes", "link_kind": "nowhere"},
    }
    for path, form in refusals.items():
        refused = await web.post_form(path.split("?")[0], form)
        assert refused.status_code == 422, path
        check(refused.text, data, f"{path} refused")
    early = await web.post_form(f"{base}/hold")
    assert early.status_code == 409
    check(early.text, data, "hold a scheduled meeting")
    assert (await web.post_form(f"{base}/items", {"title": "Community fund"})).status_code == 303
    clock.advance(timedelta(days=8))  # fewer than 5 clear working days left
    await web.login((await make_staff(Role.PANEL_CLERK, name=CLERK)).email, PASSWORD)
    short = await web.post_form(f"{base}/publish-agenda")
    assert short.status_code == 422
    check(short.text, data, "short notice")
    assert (await web.post_form(f"{base}/publish-agenda", {"urgency_reason": "Flooding"})).status_code == 303
    page = await web.get(base)
    assert "/withdraw" in page.text and "/reschedule" in page.text
    check(page.text, data, "published agenda")
    late = await web.post_form(f"{base}/items", {"title": "Snow", "late_reason": ""})
    assert late.status_code == 422
    check(late.text, data, "late item")
    moved = await web.post_form(
        f"{base}/reschedule", {"day": "2020-01-01", "time": "x", "place": "", "reason": ""}
    )
    assert moved.status_code == 422
    check(moved.text, data, "move refused")
    item_id = page.text.split("/items/")[1].split("/")[0]
    withdrawn = await web.post_form(f"{base}/items/{item_id}/withdraw", {"withdrawn_reason": ""})
    assert withdrawn.status_code == 422
    check(withdrawn.text, data, "withdraw refused")
    cancelled = await web.post_form(f"{base}/cancel", {"cancel_reason": ""})
    assert cancelled.status_code == 422
    check(cancelled.text, data, "cancel refused")


async def test_the_record_minutes_and_actions_have_no_untranslated_english(
    web: WebClient, make_staff: StaffFactory, setup: PanelSetup, db: Database, clock: FrozenClock,
    settings: Settings,
) -> None:  # fmt: skip
    await steps.hold(db, clock, setup)
    await sign_in(web, make_staff)
    data = await data_of(db, settings)
    base = f"/panels/manage/meetings/{setup.meeting.id}"
    page = await web.get(base)
    assert "/attendance" in page.text
    check(page.text, data, "held meeting")
    item = page.text.split('name="item"')[1].split('value="')[2].split('"')[0]
    joan, ravi = str(setup.id("Joan Okafor")), str(setup.id("Ravi Menon"))
    refusals = [
        ("attendance", {f"status-{joan}": "substitute", f"substitute-{joan}": ""}),
        ("declarations", {"member": "", "item": "", "nature": "", "action": "x"}),
        ("motions", {"item": "", "text": "", "proposer": "", "for": "x"}),
        ("motions", {"item": item, "text": "Fund the youth club", "proposer": joan, "seconder": joan}),
        ("decisions", {"item": "", "text": "", "reasons": ""}),
    ]
    for action, form in refusals:
        refused = await web.post_form(f"{base}/{action}", form)
        assert refused.status_code in {409, 422}, (action, form)
        check(refused.text, data, f"{action} {form}")
    present = {f"status-{setup.id(n)}": "present" for n in steps.PRESENT}
    assert (await web.post_form(f"{base}/attendance", present)).status_code == 303
    await web.post_form(f"{base}/declarations", {"member": ravi, "item": item, "nature": "Lives nearby",
                                                "action": "stayed"})  # fmt: skip
    await web.post_form(f"{base}/motions", {"item": item, "text": "Fund the youth club", "proposer": joan,
                                           "seconder": ravi, "for": "2", "against": "2", "abstain": "0",
                                           "casting": "for"})  # fmt: skip
    check((await web.get(base)).text, data, "record with a motion")
    await web.post_form(f"{base}/draft-minutes")
    data = await data_of(db, settings)
    check((await web.get(base)).text, data, "draft minutes")
    empty = await web.post_form(f"{base}/minutes", {"body": ""})
    assert empty.status_code == 422
    check(empty.text, data, "empty minutes")


async def test_approved_and_published_minutes_and_action_updates_have_no_untranslated_english(
    web: WebClient, make_staff: StaffFactory, setup: PanelSetup, db: Database, clock: FrozenClock,
    settings: Settings,
) -> None:  # fmt: skip
    await steps.approve(db, clock, setup)
    await sign_in(web, make_staff)
    data = await data_of(db, settings)
    base = f"/panels/manage/meetings/{setup.meeting.id}"
    page = await web.get(base)
    assert "/publish-minutes" in page.text
    check(page.text, data, "approved minutes")
    assert (await web.post_form(f"{base}/publish-minutes")).status_code == 303
    page = await web.get(base)
    assert "/corrections" in page.text
    check(page.text, data, "published minutes")
    refused = await web.post_form(f"{base}/corrections", {"body": "", "correction_note": ""})
    assert refused.status_code == 422
    check(refused.text, data, "correction refused")
    async with db.reading() as session:
        action = (await session.exec(select(PanelAction))).first()
        assert action is not None
    url = f"/panels/manage/actions/{action.id}"
    check((await web.get(url)).text, data, "action form")
    refused = await web.post_form(url, {"status": "x", "note": ""})
    assert refused.status_code == 422
    check(refused.text, data, "action refused")
