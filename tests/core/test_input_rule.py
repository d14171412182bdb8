"""The one input rule at the boundary, on both engines: control characters in any form field or query
parameter get a clear 4xx naming the field and store nothing; one-line fields refuse line breaks and
tabs, multi-line fields keep them (with CRLF made LF); everything is stored in NFC."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, select

from civic.core.clock import FrozenClock
from civic.core.db import Database, row_id
from civic.core.errors import BadInput
from civic.core.inputs import MULTILINE_FIELDS, clean_fields, clean_query
from civic.core.users import Role, StaffUser
from civic.panels import service_membership
from civic.panels.models import AreaKind, Panel, PanelSubscription
from civic.petitions.models import Petition, Signature, State
from civic.priorities.models import PendingBallot, RoundState
from civic.responses.models import Follower
from tests.conftest import PASSWORD, StaffFactory
from tests.petitions.conftest import PetitionMaker, sign_form, stored_signatures
from tests.priorities.conftest import Rounds
from tests.support.web import WebClient

# NUL (what PostgreSQL refuses), another C0 control, DEL and a C1 control (NEL).
REFUSED = ("\x00", "\x01", "\x7f", "\x85")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
NO_CACHE = {"PETITION_COUNT_CACHE_SECONDS": "0"}


@pytest.fixture
def settings(database_url: str) -> Any:
    from tests.conftest import make_settings

    return make_settings(database_url, extra=dict(NO_CACHE))


@pytest.fixture
def make_petition(db: Database, clock: FrozenClock, settings: Any, areas: None) -> PetitionMaker:
    return PetitionMaker(db, clock, settings)


async def count(db: Database, model: type[SQLModel]) -> int:
    async with db.reading() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


def assert_refused(response: Any, field: str, *, status: int = 422) -> None:
    assert response.status_code == status, response.text
    assert f"The answer to ‘{field}’ contains a character that cannot be used" in response.text
    assert "There is a problem" in response.text


async def assert_each_refused(
    web: WebClient, db: Database, model: type[SQLModel], url: str, form: dict[str, Any], field: str
) -> None:
    """Each refused character in `field` gets the 422 naming it and stores nothing; the same form
    without it is stored (so the refusal is the rule's, not the form's own validation)."""
    before = await count(db, model)
    for char in REFUSED:
        response = await web.post_form(url, {**form, field: f"{form[field][:3]}{char}{form[field][3:]}"})
        assert_refused(response, field.replace("_", " "))
        assert await count(db, model) == before, repr(char)
    good = await web.post_form(url, form)
    assert good.status_code in {200, 303}, good.text
    assert await count(db, model) == before + 1


# The rule itself


def test_the_rule_normalises_and_refuses_exactly_what_it_says() -> None:
    assert clean_fields([("name", "Rene\u0301e"), ("body", "one\r\ntwo\rthree\tfour")]) == [
        ("name", "Ren\u00e9e"),
        ("body", "one\ntwo\nthree\tfour"),
    ]
    for char in (*REFUSED, "\x1b", "\x9f", "\ud800", "\x0b", "\x0c"):
        with pytest.raises(BadInput, match="cannot be used") as refused:
            clean_fields([("body", f"a{char}b")])
        assert refused.value.status_code == 422, repr(char)
    for char in ("\n", "\r", "\t"):
        with pytest.raises(BadInput, match="must be on one line"):
            clean_fields([("name", f"a{char}b")])
    ordinary = [("name", "Zoë O’Brien – 💡"), ("csrf_token", "abc"), ("body", "tab\tand\nnewline")]
    assert clean_fields(ordinary) == ordinary
    assert clean_query(b"q=plain&page=2") is None
    assert clean_query(b"q=caf%C3%A9") is None
    assert clean_query(b"q=cafe%CC%81") == b"q=caf%C3%A9"


def test_every_textarea_in_the_templates_is_a_declared_multi_line_field() -> None:
    """A new textarea whose name is not declared would refuse every line break typed into it."""
    found: set[str] = set()
    call = re.compile(r"(?:textarea|Textarea|CharacterCount|character_count)\((.*?)\}\}", re.DOTALL)
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<textarea[^>]*>", source):
            name = re.search(r'name="([a-z_]+)"', tag)
            if name:
                found.add(name.group(1))
        for args in call.findall(source):
            if "macro " in source[max(0, source.find(args) - 30) : source.find(args)]:
                continue
            literal = re.search(r'name="([a-z_]+)"|"name": "([a-z_]+)"|^\s*"([a-z_-]+)"', args)
            if literal:
                found.add(next(g for g in literal.groups() if g))
    found = {name for name in found if "-" not in name}  # prefixed ids come with a name= that counts
    assert found, "no textareas found: the scan is broken"
    assert found <= MULTILINE_FIELDS, found - MULTILINE_FIELDS
    assert {"background", "details", "text", "withdrawn_reason", "reason"} <= found


# Each kind of form


async def test_signing_refuses_control_characters_and_stores_nothing(
    web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    await assert_each_refused(web, db, Signature, f"/petitions/{petition.id}/sign", sign_form(), "name")


async def test_a_one_line_field_refuses_line_breaks_and_tabs(
    web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    for name in ("Sam\nSigner", "Sam\r\nSigner", "Sam\rSigner", "Sam\tSigner"):
        response = await web.post_form(f"/petitions/{petition.id}/sign", sign_form(name=name))
        assert response.status_code == 422
        assert "The answer to ‘name’ must be on one line" in response.text
    assert await stored_signatures(db, row_id(petition)) == []


async def test_a_decomposed_accent_is_stored_composed(
    web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    response = await web.post_form(f"/petitions/{petition.id}/sign", sign_form(name="Rene\u0301e Cafe\u0301"))
    assert response.status_code == 303
    [stored] = await stored_signatures(db, row_id(petition))
    assert stored.name == "Ren\u00e9e Caf\u00e9" and len(stored.name) == 10


async def test_a_new_petition_refuses_control_characters_and_keeps_multi_line_text(
    web: WebClient, db: Database, areas: None
) -> None:
    form = {
        "stage": "replay",
        "action": "Open the cafe\u0301 in the park",
        "background": "It closed last year.\r\nPeople miss it.\rA lot.",
        "additional_details": "",
        "name": "Rosa",
        "email": "rosa@example.org",
        "postcode": "FB6 1UU",
    }
    await assert_each_refused(web, db, Petition, "/petitions/new", form, "background")
    await assert_each_refused(
        web, db, Petition, "/petitions/new", {**form, "email": "r2@example.org"}, "name"
    )
    async with db.reading() as session:
        stored = (await session.exec(select(Petition).order_by(Petition.id))).first()  # type: ignore[arg-type]
    assert stored is not None
    assert stored.background == "It closed last year.\nPeople miss it.\nA lot."  # newlines kept, as LF
    assert stored.action == "Open the caf\u00e9 in the park"


async def test_a_priorities_vote_refuses_control_characters(
    web: WebClient, db: Database, clock: FrozenClock, areas: None
) -> None:
    item, issues = await Rounds(db, clock).make(RoundState.VOTING_OPEN)
    form = {"email": "rosa.jones@example.com", "postcode": "FB6 1UU", "choices": [issues[0].id]}
    await assert_each_refused(web, db, PendingBallot, f"/priorities/rounds/{item.id}/vote", form, "postcode")


async def test_following_an_answer_refuses_control_characters(
    web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    url = f"/responses/follow/petition/{petition.id}"
    await assert_each_refused(web, db, Follower, url, {"email": "gus@example.org"}, "email")


async def test_a_panel_sign_up_refuses_control_characters(
    web: WebClient, db: Database, clock: FrozenClock, areas: None
) -> None:
    async with db.transaction() as session:
        panel = await service_membership.create_panel(
            session,
            actor=None,
            now=clock.now(),
            name="Fernbridge Central Community Panel",
            area_kind=AreaKind.WARD,
            ward_code="E05900006",
            area_name="Fernbridge Central",
            purpose="Residents hold local services to account.",
            terms_of_reference="",
            meeting_frequency="Monthly",
            quorum_rule="1/2",
        )
    assert isinstance(panel, Panel)
    url = f"/panels/{panel.slug}/subscribe"
    await assert_each_refused(web, db, PanelSubscription, url, {"email": "sam.lee@example.org"}, "email")


async def test_signing_in_refuses_control_characters(web: WebClient, make_staff: StaffFactory) -> None:
    admin = await make_staff(Role.ADMIN)
    for char in REFUSED:
        response = await web.post_form("/login", {"email": admin.email + char, "password": PASSWORD})
        assert_refused(response, "email")
        assert (await web.get("/admin/staff")).status_code in {302, 303, 401, 403}  # not signed in
    assert (await web.post_form("/login", {"email": admin.email, "password": PASSWORD})).status_code == 303


async def test_a_staff_form_refuses_control_characters(
    web: WebClient, db: Database, make_staff: StaffFactory
) -> None:
    admin = await make_staff(Role.ADMIN)
    await web.login(admin.email, PASSWORD)
    form = {
        "email": "cllr.new@council.example",
        "name": "Cllr New",
        "role": "councillor",
        "wards": ["E05900001"],
        "password": "a long enough password",
    }
    await assert_each_refused(web, db, StaffUser, "/admin/staff/new", form, "name")


# Each way a form arrives, and each kind of client


async def test_a_multipart_form_gets_the_same_rule(
    web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    """Multipart bodies are not parsed by the CSRF middleware: read_form applies the rule to them."""
    petition = await make_petition()
    token = await web.csrf_token()
    url = f"/petitions/{petition.id}/sign"

    async def multipart(**fields: str) -> Any:
        parts = {name: (None, value) for name, value in {**sign_form(**fields), "csrf_token": token}.items()}
        return await web.http.post(url, files=parts)

    for char in REFUSED:
        assert_refused(await multipart(name=f"Sam{char}"), "name")
    one_line = await multipart(name="Sam\nSigner")
    assert one_line.status_code == 422 and "must be on one line" in one_line.text
    assert await stored_signatures(db, row_id(petition)) == []
    assert (await multipart(name="Zoe\u0308")).status_code == 303
    [stored] = await stored_signatures(db, row_id(petition))
    assert stored.name == "Zo\u00eb"


async def test_htmx_and_json_clients_get_the_same_status(
    web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    url = f"/petitions/{petition.id}/sign"
    fragment = await web.post_htmx(url, sign_form(name="Sam\x00"))
    assert fragment.status_code == 422
    assert "The answer to ‘name’ contains a character" in fragment.text and "<html" not in fragment.text
    token = await web.csrf_token()
    as_json = await web.http.post(
        url, data={**sign_form(name="Sam\x00"), "csrf_token": token}, headers={"Accept": "application/json"}
    )
    assert as_json.status_code == 422
    [problem] = as_json.json()["errors"]
    assert problem["field"] == "name" and "cannot be used" in problem["message"]
    assert await stored_signatures(db, row_id(petition)) == []


async def test_the_error_page_links_back_to_the_form_it_came_from(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    petition = await make_petition()
    form = f"/petitions/{petition.id}/sign"
    came_from = {"Referer": f"http://testserver{form}?key=abc"}
    response = await web.post_form(
        form, sign_form(name="Sam\x01", email="a\x00@example.org"), headers=came_from
    )
    assert response.status_code == 422
    assert f'href="{form}?key=abc#name"' in response.text and f'href="{form}?key=abc#email"' in response.text
    assert "Go back to the form" in response.text
    elsewhere = await web.post_form(
        form, sign_form(name="Sam\x01"), headers={"Referer": "https://evil.example/x"}
    )
    assert "evil.example" not in elsewhere.text and f'href="{form}#name"' in elsewhere.text


# Query strings


async def test_a_query_string_with_a_control_character_gets_a_400_with_a_message(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    for query in ("q=%00", "q=a%01b", "q=%7F", "q=%C2%85", "q=a%0Ab", "page=1&q=%09", "q%00=x"):
        response = await web.get(f"/petitions/?{query}")
        assert response.status_code == 400, query
        assert "The web address contains a character that cannot be used" in response.text
    as_json = await web.get("/petitions.json?q=%00")
    assert as_json.status_code == 400 and "cannot be used" in as_json.json()["errors"][0]["message"]
    from_htmx = await web.get("/petitions/?q=%00", headers={"HX-Request": "true"})
    assert from_htmx.status_code == 400


async def test_a_decomposed_search_finds_the_composed_text(
    web: WebClient, make_petition: PetitionMaker
) -> None:
    await make_petition(action="Reopen the caf\u00e9 in Abbey Park")
    await make_petition(action="Repair the bandstand")
    found = await web.get("/petitions/?q=cafe%CC%81")
    assert found.status_code == 200
    assert "Reopen the caf" in found.text and "Repair the bandstand" not in found.text


async def test_signing_is_unaffected_for_ordinary_text(
    web: WebClient, db: Database, make_petition: PetitionMaker
) -> None:
    petition = await make_petition(state=State.OPEN)
    names = ["Zoë O’Brien", "Łukasz Żółć", "Siân Ap Dafydd", "李小龍", "Ayşe Öztürk-Smith"]
    for i, name in enumerate(names):
        response = await web.post_form(
            f"/petitions/{petition.id}/sign", sign_form(name=name, email=f"p{i}@example.org")
        )
        assert response.status_code == 303, response.text
    stored = sorted(s.name for s in await stored_signatures(db, row_id(petition)))
    assert stored == sorted(names)
