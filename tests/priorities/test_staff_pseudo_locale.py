"""The pseudo-locale guard over the policing team's pages: the rounds, starting one, a round in every
state (candidates, suggestions to moderate, meetings, paper ballots, votes given with staff, publishing),
advertising and recording meetings, paper bundles typed in twice, votes recorded for residents and
reporting progress on a priority, with their form errors and refusals, rendered with every message
accented, show no plain English word beyond names and what people wrote."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import col, select

from civic.config import Settings
from civic.core.areas import Neighbourhood, Ward
from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.users import Role, StaffUser
from civic.priorities.models import OfflineBallot, Priority, RoundState, Suggestion
from tests.conftest import PASSWORD, make_settings
from tests.priorities.conftest import ISSUES, Rounds
from tests.priorities.test_meetings import DETAILS
from tests.priorities.test_paper import FIRST, SECOND
from tests.priorities.test_results import POSTCODES, cast
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")
TITLE = "Police priorities this quarter"
# The layout's "signed in as" line names the account's role in English (the role's label is also what
# the audit log records); the layout is not one of these pages, so the role name counts as data here.
ROLES = tuple(role.label for role in Role)
# What the team and residents wrote, and names. "Suggested by a resident." is stored with a candidate
# made from a suggestion; "work" is the keyword a typed paper line ends with when "I work here" is ticked.
WRITTEN = ("Winter priorities", "Shed break-ins on Abbey Lane", "Noisy neighbour at no. 4", "A private dispute",
           "Evenings", "Library ballot box", "Roads policing unit", "Speed checks every week", "Checks started",
           "Ann Lee", "PC Priya Shah", "PC Jones", "pc.shah@police.example", "Suggested by a resident.",
           "work", "Snow", "=x", "nowhere", "http://x")  # fmt: skip


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO))


async def data_of(db: Database, settings: Settings, *values: str) -> tuple[str, ...]:
    """Data on these pages: names (the council's, places, staff), what the team and residents wrote
    (titles, issues, suggestions, meeting details, notes), postcodes and references."""
    async with db.reading() as session:
        places = [w.name for w in (await session.exec(select(Ward))).all()]
        places += [n.name for n in (await session.exec(select(Neighbourhood))).all()]
        references = [b.reference for b in (await session.exec(select(OfflineBallot))).all() if b.reference]
    details = tuple(v for v in DETAILS.values() if isinstance(v, str))
    return (settings.council_name, settings.council_short_name, TITLE, *(t for _, t in ISSUES), *places,
            *ROLES, *WRITTEN, *details, *DETAILS["details"].split("\n"), *POSTCODES, *references,
            *values)  # fmt: skip


def check(html: str, data: tuple[str, ...], where: str) -> None:
    words = page_words(html, data)
    assert words == [], (where, sorted(set(words)))


async def sign_in(web: WebClient, user: StaffUser) -> None:
    await web.get(f"/?lang={PSEUDO}")  # the cookie keeps the pseudo-locale from here on
    await web.login(user.email, PASSWORD)


async def test_starting_a_round_its_candidates_suggestions_and_meetings_have_no_untranslated_english(
    web: WebClient, another_web: WebClient, db: Database, police: StaffUser, settings: Settings, areas: None
) -> None:
    await sign_in(web, police)
    data = await data_of(db, settings)
    for path in ("/priorities/manage", "/priorities/manage/new"):
        page = await web.get(path)
        assert page.status_code == 200 and "⟦" in page.text, path
        check(page.text, data, path)
    for form in ({"title": "", "opens_at": "soon", "closes_at": "", "choices": "99", "top_n": "x", "method": "x"},
                 {"title": "Winter priorities", "opens_at": "2026-12-22", "closes_at": "2026-12-13"},
                 {"title": "Winter priorities", "opens_at": "2027-03-28T01:30", "closes_at": "2027-04-13"}):  # fmt: skip
        refused = await web.post_form("/priorities/manage/new", {"choices": "2", "top_n": "2", **form})
        assert refused.status_code == 422, form
        check(refused.text, data, f"new {form}")
    created = await web.post_form("/priorities/manage/new", {"title": "Winter priorities", "opens_at": "2026-11-22",
                                  "closes_at": "2026-12-13", "choices": "2", "top_n": "2", "method": "approval"})  # fmt: skip
    assert created.status_code == 303
    base = created.headers["location"]
    check((await web.get(base)).text, data, "draft round")
    refused = await web.post_form(f"{base}/candidates", {"category": "x", "title": "", "description": "=x"})
    assert refused.status_code == 422
    check(refused.text, data, "candidate refused")
    refused = await web.post_form(
        f"{base}/settings", {"title": "", "opens_at": "x", "closes_at": "", "choices": "0"}
    )
    assert refused.status_code == 422
    check(refused.text, data, "settings refused")
    early = await web.post_form(f"{base}/state", {"action": "open_voting"})
    assert early.status_code == 409
    check(early.text, data, "open voting with no candidates")
    for category, title in ISSUES[:2]:
        await web.post_form(
            f"{base}/candidates", {"category": category.value, "title": title, "description": "Evenings"}
        )
    assert (await web.post_form(f"{base}/state", {"action": "open_suggestions"})).status_code == 303
    round_id = int(base.rsplit("/", 1)[1])
    for text in ("Shed break-ins on Abbey Lane", "Noisy neighbour at no. 4"):
        await another_web.post_form(
            f"/priorities/rounds/{round_id}/suggest", {"category": "other", "text": text}
        )
    page = await web.get(base)
    assert "Shed break-ins" in page.text
    check(page.text, data, "suggestions to moderate")
    waiting = await web.post_form(f"{base}/state", {"action": "open_voting"})
    assert waiting.status_code == 409
    check(waiting.text, data, "open voting with suggestions waiting")
    async with db.reading() as session:
        sheds, noisy = (await session.exec(select(Suggestion).order_by(col(Suggestion.id)))).all()
    no_reason = await web.post_form(f"{base}/suggestions/{noisy.id}", {"action": "decline", "reason": ""})
    assert no_reason.status_code == 422
    check(no_reason.text, data, "decline without a reason")
    await web.post_form(
        f"{base}/suggestions/{noisy.id}", {"action": "decline", "reason": "A private dispute"}
    )
    await web.post_form(f"{base}/suggestions/{sheds.id}", {"action": "merge", "into": "new"})
    check((await web.get(base)).text, data, "suggestions moderated")
    new_meeting = f"{base}/meetings/new"
    check((await web.get(new_meeting)).text, data, "advertise a meeting")
    for changes in ({"starts_at": "x", "ends_at": "", "place": "", "address": "", "details": "", "online_url": "http://x",
                     "access": ["nowhere"]},
                    {"starts_at": "2026-12-01T19:00", "ends_at": "2026-12-02T19:00"},
                    {"starts_at": "2020-12-01T19:00", "ends_at": "2020-12-01T20:00"}):  # fmt: skip
        refused = await web.post_form(new_meeting, {**DETAILS, **changes})
        assert refused.status_code == 422, changes
        check(refused.text, data, f"meeting {changes}")
    advertised = await web.post_form(new_meeting, DETAILS)
    assert advertised.status_code == 303
    meeting_url = advertised.headers["location"]
    await another_web.post_form(
        meeting_url.replace("/manage", "") + "/rsvp", {"party": "2", "name": "Ann Lee"}
    )
    check((await web.get(meeting_url)).text, data, "an advertised meeting")
    for action, form in (("/tally", {"attendance": "3"}), ("/cancel", {"reason": ""})):
        refused = await web.post_form(meeting_url + action, form)
        assert refused.status_code in {403, 409, 422}, action
        check(refused.text, data, f"meeting {action}")
    assert (await web.post_form(meeting_url + "/cancel", {"reason": "Snow"})).status_code == 303
    check((await web.get(meeting_url)).text, data, "a cancelled meeting")
    check((await web.get(base)).text, data, "round with meetings")


async def test_a_voting_round_paper_assisted_votes_publishing_and_progress_have_no_untranslated_english(
    rounds: Rounds, web: WebClient, another_web: WebClient, db: Database, clock: FrozenClock, police: StaffUser,
    make_staff: Any, settings: Settings,
) -> None:  # fmt: skip
    item, issues = await rounds.make(RoundState.VOTING_OPEN, choices=2, top_n=2)
    first, second = row_id(issues[0]), row_id(issues[1])
    for n in range(3):
        await cast(db, item, clock, f"v{n}@example.com", [first], postcode=POSTCODES[n])
    partner = await make_staff(Role.POLICE, email="pc.jones@police.example", name="PC Jones")
    await sign_in(web, police)
    await sign_in(another_web, partner)
    base = f"/priorities/manage/rounds/{item.id}"
    data = await data_of(db, settings)
    check((await web.get(base)).text, data, "voting round")
    # votes given with staff
    check((await web.get(f"{base}/assisted")).text, data, "assisted form")
    refused = await web.post_form(f"{base}/assisted", {"name": "", "postcode": "nowhere", "choices": ["999"]})
    assert refused.status_code == 422
    check(refused.text, data, "assisted refused")
    form = {"name": "Ann Lee", "postcode": "FB6 1UU", "choices": [str(first)], "consent": "yes"}
    done = await web.post_form(f"{base}/assisted", form)
    assert done.status_code in {200, 303}
    if done.status_code == 303:
        done = await web.get(done.headers["location"])
    data = await data_of(db, settings)
    check(done.text, data, "assisted done")
    again = await web.post_form(f"{base}/assisted", form)
    assert again.status_code == 422
    check(again.text, data, "assisted twice")
    check((await web.get(f"{base}/assisted/review")).text, data, "assisted review")
    # paper ballots
    check((await web.get(f"{base}/paper")).text, data, "paper")
    refused = await web.post_form(f"{base}/paper", {"label": "", "sheets": "0"})
    assert refused.status_code == 422
    check(refused.text, data, "bundle refused")
    started = await web.post_form(f"{base}/paper", {"label": "Library ballot box", "sheets": "7"})
    page = started.headers["location"]
    check((await web.get(page)).text, data, "empty bundle")
    for lines in ("1 / FB6 1UU", FIRST.replace("1 2 / FB6 1UU", "x"), FIRST.replace("-", "1 / 2 / 3 / 4"),
                  FIRST.replace("-", "1 / nowhere"), FIRST.replace("-", " ".join(["1"] * 21))):  # fmt: skip
        refused = await web.post_form(f"{page}/entry", {"lines": lines})
        assert refused.status_code == 422, lines
        check(refused.text, data, f"lines {lines!r}")
    assert (await web.post_form(f"{page}/entry", {"lines": FIRST})).status_code == 303
    same = await web.post_form(f"{page}/entry", {"lines": FIRST})
    assert same.status_code == 422
    check(same.text, data, "same typist")
    assert (await another_web.post_form(f"{page}/entry", {"lines": SECOND})).status_code == 303
    check((await web.get(page)).text, data, "differences")
    early = await web.post_form(f"{page}/count")
    assert early.status_code == 422
    check(early.text, data, "count too early")
    wrong = await web.post_form(f"{page}/resolve", {"sheet": "1", "choices": "1 2 / FB6 1UU"})
    assert wrong.status_code == 422
    check(wrong.text, data, "no difference to settle")
    await web.post_form(f"{page}/resolve", {"sheet": "3", "choices": "2 4 / FB6 1UU"})
    assert (await another_web.post_form(f"{page}/count")).status_code == 303
    check((await web.get(page)).text, data, "counted bundle")
    check((await web.get(f"{base}/paper")).text, data, "bundles")
    # a tally for a meeting that was not advertised, then the count and publishing
    tally = {"held_on": "2026-11-21", "place": "Abbey community centre", "attendance": "12",
             f"hands_{first}": "13", f"hands_{second}": "1"}  # fmt: skip
    refused = await web.post_form(f"{base}/meetings", tally)
    assert refused.status_code == 422
    check(refused.text, (*data, "Abbey community centre"), "too many hands")
    refused = await web.post_form(
        f"{base}/meetings", {**tally, "held_on": "x", "place": "", f"hands_{first}": "-1"}
    )
    assert refused.status_code == 422
    check(refused.text, data, "tally refused")
    assert (await web.post_form(f"{base}/meetings", {**tally, f"hands_{first}": "3"})).status_code == 303
    assert (await web.post_form(f"{base}/state", {"action": "close"})).status_code == 303
    closed = await web.get(base)
    check(closed.text, (*data, "Abbey community centre"), "closed round")
    for form in ({"chosen": [], "reason": ""}, {"chosen": [str(row_id(issues[4]))], "reason": ""}):
        refused = await web.post_form(f"{base}/publish", form)
        assert refused.status_code == 422, form
        check(refused.text, (*data, "Abbey community centre"), f"publish {form}")
    assert (
        await web.post_form(f"{base}/publish", {"chosen": [str(first), str(second)], "reason": ""})
    ).status_code == 303
    check((await web.get(base)).text, (*data, "Abbey community centre"), "published round")
    gone = await web.get(f"{base}/assisted")
    assert gone.status_code == 409
    check(gone.text, data, "assisted after voting")
    # progress on a priority
    async with db.reading() as session:
        priority = (await session.exec(select(Priority).order_by(col(Priority.id)))).first()
        assert priority is not None
    edit = f"/priorities/manage/priorities/{priority.id}"
    check((await web.get(edit)).text, data, "priority")
    for form in ({"owner": "", "status": "x", "review_on": "x"},
                 {"owner": "Roads policing unit", "status": "in_progress", "review_on": "2027-01-01", "text": ""},
                 {"owner": "Roads policing unit", "status": "adopted", "review_on": "2030-01-01"},
                 {"owner": "Roads policing unit", "status": "adopted", "review_on": "2020-01-01"}):  # fmt: skip
        refused = await web.post_form(edit, form)
        assert refused.status_code == 422, form
        check(refused.text, data, f"priority {form}")
    saved = await web.post_form(edit, {"owner": "Roads policing unit", "target": "Speed checks every week",
                                       "status": "in_progress", "review_on": "2027-01-01", "text": "Checks started"})  # fmt: skip
    assert saved.status_code == 303
    check((await web.get(saved.headers["location"])).text, data, "priority saved")
