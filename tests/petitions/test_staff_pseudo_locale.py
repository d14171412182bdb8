"""Petitions staff pages in another language: the pseudo-locale guard over the moderation queue and a
decision, recording a petition handed in on paper, the paper page (bundles, scans, doubtful matches,
assisted signatures), a bundle typed in twice and settled, and signing for a resident, with their form
errors.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlmodel import select

from civic.config import Settings
from civic.core.db import Database
from civic.core.users import Role
from civic.petitions import service_paper
from civic.petitions.models import OfflineSignature, State
from tests.conftest import PASSWORD, StaffFactory, make_settings
from tests.petitions.conftest import NO_CACHE, PetitionMaker
from tests.support.catalogues import PSEUDO
from tests.support.pseudo_pages import page_words, pseudo_locale  # noqa: F401
from tests.support.web import WebClient

pytestmark = pytest.mark.usefixtures("pseudo_locale")

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# The table of a bundle's sheets is the shared paper macro's (templates/_macros/paper.html), translated
# with the other features' paper pages; these pages are checked around it.
SHEETS_TABLE = re.compile(
    r'<table class="govuk-table">\s*<caption[^>]*>[^<]*</caption>\s*<thead.*?</table>', re.S
)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, languages=("en", "cy", PSEUDO), extra=dict(NO_CACHE))


def check(html: str, data: tuple[str, ...], where: str) -> None:
    words = page_words(html, (*data, Settings.council_name, Settings.council_short_name))
    assert words == [], (where, sorted(set(words)))


async def signed_in(web: WebClient, make_staff: StaffFactory, role: Role = Role.MODERATOR) -> tuple[str, ...]:
    user = await make_staff(role)
    await web.login(user.email, PASSWORD)
    await web.get(f"/?lang={PSEUDO}")
    return (user.name, user.email)


async def post_scan(web: WebClient, url: str, fields: dict[str, str], data: bytes) -> Any:
    files = {"scan": ("sheets.pdf", data, "application/pdf")} if data else {"scan": ("", b"", "")}
    return await web.http.post(url, data={"csrf_token": await web.csrf_token(), **fields}, files=files)


async def test_moderation_pages_have_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    web: WebClient,
    another_web: WebClient,
    make_staff: StaffFactory,
    make_petition: PetitionMaker,
) -> None:
    me = await signed_in(web, make_staff)
    other = await signed_in(another_web, make_staff)
    waiting = await make_petition(State.MODERATION, flagged=True, rejection_count=1)
    held = await make_petition(State.MODERATION, additional_details="Near the school.")
    opened = await make_petition()
    data = (*me, *other, waiting.action, held.action, opened.action, "Carla Creator", "Near the school.", "It is dark on Mill Road.",
            *(f"carla{n}@example.org" for n in range(1, 4)))  # fmt: skip
    for path in ("/petitions/moderation", "/petitions/moderation?done=1", "/petitions/moderation?removed=1",
                 f"/petitions/{waiting.id}/moderate", f"/petitions/{held.id}/moderate",
                 f"/petitions/{opened.id}/moderate"):  # fmt: skip
        response = await web.get(path)
        assert response.status_code == 200, path
        check(response.text, data, path)
    check((await web.get("/petitions/moderation")).text, data, "queue with one being moderated")
    locked = await another_web.get(f"/petitions/{held.id}/moderate")
    assert "govuk-warning-text" in locked.text
    check(locked.text, data, "moderated by someone else")
    for form in ({}, {"decision": "reject"}, {"decision": "approve", "details": "1" * 2001}):
        refused = await web.post_form(f"/petitions/{waiting.id}/moderate", form)
        assert refused.status_code == 422, form
        check(refused.text, data, f"decision {form}")
    taken = await another_web.post_form(f"/petitions/{held.id}/moderate", {"decision": "approve"})
    assert taken.status_code == 403
    check(taken.text, data, "someone else's petition")
    too_late = await web.post_form(f"/petitions/{opened.id}/moderate", {"decision": "approve"})
    assert too_late.status_code == 409
    check(too_late.text, data, "nothing to decide")
    empty = await make_staff(Role.COUNCILLOR)
    await another_web.logout()
    await another_web.login(empty.email, PASSWORD)
    refused = await another_web.get("/petitions/moderation")
    assert refused.status_code == 403
    check(refused.text, (*data, empty.name), "not a moderator")


async def test_paper_and_assisted_pages_have_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    web: WebClient,
    another_web: WebClient,
    make_staff: StaffFactory,
    make_petition: PetitionMaker,
    db: Database,
) -> None:
    me = await signed_in(web, make_staff)
    other = await signed_in(another_web, make_staff)
    data = (*me, *other, "Save the Abbey Road bus stop", "It is used by 300 people a day.", "Lena Lead",
            "Library box", "Ann Lee", "Bo Li", "Bob Li", "Cy Ray", "Cy Roy", "Rita Resident", "Olive Online")  # fmt: skip
    check((await web.get("/petitions/paper/new")).text, data, "record a paper petition")
    form = {"action": "Save the Abbey Road bus stop", "background": "It is used by 300 people a day.",
            "lead": "Lena Lead", "received": "2026-11-20"}  # fmt: skip
    for fields, scan in (({}, b""), ({**form, "received": "soon"}, b""), (form, b"not a scan")):
        refused = await post_scan(web, "/petitions/paper/new", fields, scan)
        assert refused.status_code == 422, fields
        check(refused.text, (*data, "soon"), f"record a paper petition {fields}")
    recorded = await post_scan(web, "/petitions/paper/new", form, PDF)
    assert recorded.status_code == 303
    paper = recorded.headers["location"]
    check((await web.get(paper)).text, data, "paper page")
    for fields in ({}, {"label": "Library box", "sheets": "0", "received": "2099-01-01"}):
        refused = await web.post_form(paper, fields)
        assert refused.status_code == 422, fields
        check(refused.text, data, f"start a bundle {fields}")
    started = await web.post_form(paper, {"label": "Library box", "sheets": "2", "received": "2026-11-21"})
    batch = started.headers["location"]
    check((await web.get(batch)).text, data, "a new bundle")
    for lines in ("", "1, Ann Lee, FB1 1AA, maybe", "1, Ann Lee, FB1 1AA, yes", "3, Ann Lee, FB1 1AA, yes",
                  "1, , FB1 1AA, yes\n2, -", "1, Ann Lee\n2, -", "1, count 0\n2, -"):  # fmt: skip
        refused = await web.post_form(f"{batch}/entry", {"lines": lines})
        assert refused.status_code == 422, lines
        check(SHEETS_TABLE.sub("", refused.text), (*data, lines), f"entry {lines!r}")
    typed = "1, Ann Lee, FB1 1AA, yes\n1, Bob Li, FB1 2BE, yes\n2, Cy Ray, FB1 3DH, yes"
    await web.post_form(f"{batch}/entry", {"lines": typed})
    check(SHEETS_TABLE.sub("", (await web.get(batch)).text), data, "after the first entry")
    await another_web.post_form(f"{batch}/entry", {"lines": typed.replace("Cy Ray", "Cy Roy")})
    differs = await web.get(batch)
    assert "sheet-2" in differs.text
    typed_lines = ("Cy Ray|FB1 3DH|yes", "Cy Roy|FB1 3DH|yes")  # the two entries, as stored
    check(SHEETS_TABLE.sub("", differs.text), (*data, *typed_lines), "a difference to settle")
    refused = await web.post_form(f"{batch}/resolve", {"sheet": "2", "lines": "Cy Ray, FB1 3DH"})
    assert refused.status_code == 422
    check(SHEETS_TABLE.sub("", refused.text), (*data, *typed_lines), "settle with a mistake")
    await web.post_form(f"{batch}/resolve", {"sheet": "2", "lines": "Cy Ray, FB1 3DH, yes"})
    ready = await web.get(batch)
    check(SHEETS_TABLE.sub("", ready.text), data, "ready to count")
    await web.post_form(f"{batch}/count")
    check(SHEETS_TABLE.sub("", (await web.get(batch)).text), data, "counted")
    for fields, scan in (({"batch": ""}, b""), ({"batch": ""}, b"not a scan"), ({"batch": "999"}, PDF)):
        refused = await post_scan(web, f"{paper}/scans", fields, scan)
        assert refused.status_code == 422, fields
        check(refused.text, data, f"scan {fields}")
    petition_id = int(paper.split("/")[2])
    assisted = f"/petitions/{petition_id}/assisted"
    check((await web.get(assisted)).text, data, "sign for a resident")
    refused = await web.post_form(assisted, {"name": "", "postcode": "", "declared": "", "consent": ""})
    assert refused.status_code == 422
    check(refused.text, data, "sign for a resident, errors")
    for name, postcode, declared in (("Rita Resident", "FB1 4EN", "yes"), ("Ann Lee", "FB1 1AA", "yes"),
                                     ("A Lee", "FB1 1AA", "yes"), ("Olive Online", "ZZ9 9ZZ", "yes"),
                                     ("Olive Online", "FB1 4EN", "")):  # fmt: skip
        done = await web.post_form(assisted, {"name": name, "postcode": postcode, "declared": declared,
                                              "consent": "yes"})  # fmt: skip
        assert done.status_code == 303, name
        receipt = await web.get(done.headers["location"])
        reference = re.search(r"<strong>([A-Z0-9]{8})</strong>", receipt.text)
        assert reference
        check(receipt.text, (*data, "A Lee", reference.group(1)), f"receipt for {name}")
    async with db.reading() as session:
        rows = (await session.exec(select(OfflineSignature))).all()
    recorded_data = (*data, "A Lee", *(r.reference or "" for r in rows), *(r.match_note for r in rows))
    page = await web.get(paper)
    assert "doubtful" in page.text and "scans/" in page.text
    check(page.text, recorded_data, "paper page with bundles, scans, doubtful matches and assisted entries")
    refused = await web.post_form(f"{paper}/decide", {"signature_id": str(rows[0].id)})
    assert refused.status_code == 422
    check(refused.text, recorded_data, "decide without a decision")


def test_sheet_lines_take_the_welsh_words_the_welsh_page_asks_for() -> None:
    sheets = service_paper.parse_bundle("1, Ann Lee, FB1 1AA, ie\n1, Bo Li, FB1 2BE, na\n2, cyfrif 12", 2)
    assert sheets == {1: "Ann Lee|FB1 1AA|yes\nBo Li|FB1 2BE|no", 2: "#12"}


async def test_debate_and_signature_search_pages_have_no_untranslated_english(
    pseudo_locale: None,  # noqa: F811 - first, so the app offers the pseudo-locale
    web: WebClient,
    another_web: WebClient,
    make_staff: StaffFactory,
    make_petition: PetitionMaker,
) -> None:
    me = await signed_in(web, make_staff)
    councillor = await signed_in(another_web, make_staff, Role.COUNCILLOR)
    petition = await make_petition()
    await make_petition.signatures(petition, 3, suspect=True)
    data = (
        *me,
        *councillor,
        petition.action,
        "Bulk",
        "bulk",
        "example.net",
        "192.0.2.50",
        "spam",
        "nonsense",
    )
    debate = f"/petitions/{petition.id}/debate"
    check((await another_web.get(debate)).text, data, "debate")
    for form in ({"scheduled_for": "soon", "outcome": "1" * 6001, "minutes_url": "nonsense"},
                 {"outcome": "Agreed"}):  # fmt: skip
        refused = await another_web.post_form(debate, form)
        assert refused.status_code == 422, form
        check(refused.text, (*data, "soon", "Agreed"), f"debate {form}")
    search = f"/petitions/{petition.id}/signatures"
    for path in (search, f"{search}?domain=example.net&suspect=yes", f"{search}?since=soon",
                 f"{search}?email=nobody@example.org", f"{search}?invalidated=1", f"{search}?invalidated=3"):  # fmt: skip
        response = await web.get(path)
        check(response.text, (*data, "soon", "nobody@example.org"), path)
    refused = await web.post_form(search, {"domain": "example.net", "expected": "3", "reason": ""})
    assert refused.status_code == 422
    check(refused.text, data, "invalidate without a reason")
    stale = await web.post_form(search, {"domain": "example.net", "expected": "x", "reason": "spam"})
    check(stale.text, data, "invalidate from a stale page")
    done = await web.post_form(search, {"domain": "example.net", "expected": "3", "reason": "spam"})
    check((await web.get(done.headers["location"])).text, data, "invalidated")
