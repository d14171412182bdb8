"""Versions of what people wrote in the other offered languages (civic/core/content_languages.py):
stored per item, field and language in a real database, shown in the reader's language or marked as
existing only in its own, and required before publishing when the council publishes bilingually."""

from __future__ import annotations

from types import SimpleNamespace

from civic.core import i18n
from civic.core.content_languages import (
    Versions,
    erase,
    language_version_legend,
    load,
    missing,
    only_in_notice,
    open_data_fields,
    save,
    version_form_values,
)
from civic.core.db import Database
from tests.conftest import START, make_settings


async def test_versions_are_saved_replaced_and_removed_per_field_and_language(db: Database) -> None:
    async with db.transaction() as session:
        assert await save(
            session, "petition", 7, "cy", {"action": " Trwsio'r goleuadau ", "background": ""}, at=START
        )
        assert await save(session, "petition", 8, "cy", {"action": "Arall"}, at=START)
    async with db.transaction() as session:
        assert not await save(session, "petition", 7, "cy", {"action": "Trwsio'r goleuadau"}, at=START)
        assert await save(
            session, "petition", 7, "cy", {"action": "Trwsio'r golau", "background": "Mae'n dywyll"}, at=START
        )
    async with db.reading() as session:
        versions = await load(session, "petition", [7, 8, 9])
        assert versions.of_item(7, ["action", "background"], "cy") == {
            "action": "Trwsio'r golau",
            "background": "Mae'n dywyll",
        }
        assert (await load(session, "response_version", [7])).get(7, "action", "cy") == ""
    async with db.transaction() as session:
        assert await save(session, "petition", 7, "cy", {"background": ""}, at=START)
        await erase(session, "petition", [8])
    async with db.reading() as session:
        versions = await load(session, "petition", [7, 8])
        assert versions.of_item(7, ["action", "background"], "cy") == {
            "action": "Trwsio'r golau",
            "background": "",
        }
        assert versions.get(8, "action", "cy") == ""


def _versions() -> Versions:
    row = SimpleNamespace(item_id=1, field="action", lang="cy", text="Trwsio'r golau")
    return Versions("petition", [row])  # type: ignore[list-item]


def test_a_reader_gets_their_language_or_the_source_marked_with_its_own() -> None:
    versions = _versions()
    welsh = versions.shown(1, "action", "Fix the lights", "en", "cy")
    assert (welsh, welsh.lang, welsh.only_in) == ("Trwsio'r golau", "cy", None)
    english = versions.shown(1, "action", "Fix the lights", "en", "en")
    assert (english, english.lang, english.only_in) == ("Fix the lights", "en", None)
    fallback = versions.shown(1, "background", "It is dark", "en", "cy")
    assert (fallback, fallback.lang, fallback.only_in) == ("It is dark", "en", "en")
    item = versions.localise(
        SimpleNamespace(id=1, action="Fix the lights", background="It is dark", state="open"),
        ["action", "background"],
        "en",
        "cy",
    )
    assert (item.action, item.background, item.state, item.only_in) == (
        "Trwsio'r golau",
        "It is dark",
        "open",
        "en",
    )
    assert (
        versions.localise(
            SimpleNamespace(id=1, action="Fix", background=""), ["action", "background"], "en", "cy"
        ).only_in
        is None
    )


def test_publishing_in_every_language_lists_each_missing_version(database_url: str) -> None:
    versions = _versions()
    sources = {"action": "Fix the lights", "background": "It is dark", "additional_details": ""}
    optional = make_settings(database_url)
    assert missing(optional, versions, 1, sources, "en") == []
    required = make_settings(database_url, publish_in_all_languages=True)
    assert missing(required, versions, 1, sources, "en") == [("background", "cy")]
    assert missing(required, versions, 1, sources, "cy") == [("action", "en"), ("background", "en")]


def test_forms_open_data_and_notices_name_versions_by_field_and_language() -> None:
    form = {"action__cy": "Trwsio", "background__en": "ignored"}
    assert version_form_values(form, ["action", "background"], "cy") == {"action": "Trwsio", "background": ""}
    assert open_data_fields(_versions(), 1, ["action", "background"], ["cy"]) == {
        "action_cy": "Trwsio'r golau",
        "background_cy": None,
    }
    with i18n.using("cy"):
        assert only_in_notice("en") != only_in_notice("cy")
        assert "Saesneg" in only_in_notice("en")
        assert language_version_legend("cy") != "Welsh version"
    assert only_in_notice("fr") == "This text is only available in another language."
