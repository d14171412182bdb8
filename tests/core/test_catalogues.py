"""The Welsh catalogue is complete: every message the code asks for is translated, none is fuzzy, and
each translation keeps its message's placeholders (a lost %(date)s would drop the date)."""

from __future__ import annotations

import re

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from civic.core import i18n
from tests.support.catalogues import ROOT, extracted

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%\{[a-z]+\}")
COMPLETE = ["cy"]  # languages that must be complete; a new language joins when it is finished


def catalogue(lang: str) -> Catalog:
    path = ROOT / "civic" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def forms(message: Message) -> list[str]:
    value = message.string
    return list(value) if isinstance(value, tuple) else [value]


@pytest.mark.parametrize("lang", COMPLETE)
def test_every_message_the_code_asks_for_is_in_the_catalogue(lang: str) -> None:
    have = catalogue(lang)
    missing = sorted(str(m.id) for m in extracted() if m.id and have.get(m.id, context=m.context) is None)
    assert not missing, (
        f"{len(missing)} messages are not in the {lang} catalogue: run `make messages`, translate "
        f"them in civic/translations/{lang}/LC_MESSAGES/messages.po, then `make translations`. "
        f"First: {missing[:5]}"
    )


@pytest.mark.parametrize("lang", COMPLETE)
def test_no_entry_is_untranslated_or_fuzzy(lang: str) -> None:
    entries = [m for m in catalogue(lang) if m.id]
    untranslated = [str(m.id) for m in entries if not all(forms(m))]
    fuzzy = [str(m.id) for m in entries if m.fuzzy]
    assert not untranslated, f"untranslated in {lang}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy (check, then remove the flag) in {lang}: {fuzzy[:10]}"


@pytest.mark.parametrize("lang", COMPLETE)
def test_translations_keep_every_placeholder(lang: str) -> None:
    wrong = []
    for message in catalogue(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        expected = set(PLACEHOLDER.findall(ids[-1])) - {"%(num)s"}
        for form in forms(message):
            if form and set(PLACEHOLDER.findall(form)) - {"%(num)s"} != expected:
                wrong.append((ids[0], form))
    assert not wrong, f"placeholders differ in {lang}: {wrong[:5]}"


@pytest.mark.parametrize("lang", COMPLETE)
def test_the_plural_forms_are_the_languages_own(lang: str) -> None:
    """Welsh has six plural forms (zero, one, two, few, many, other); every plural entry fills them."""
    have = catalogue(lang)
    assert have.num_plurals == (6 if lang == "cy" else have.num_plurals)
    for message in have:
        if isinstance(message.id, tuple):
            assert len(forms(message)) == have.num_plurals, message.id


def test_the_app_translates_in_welsh_from_the_compiled_or_the_source_catalogue() -> None:
    with i18n.using("cy"):
        assert i18n.gettext("Sign this petition") == "Llofnodi'r ddeiseb hon"
        assert i18n.ngettext("%(num)s signature", "%(num)s signatures", 2) == "2 lofnod"
        assert str(i18n.lazy_gettext("Petitions")) == "Deisebau"
    assert i18n.gettext("Sign this petition") == "Sign this petition"


def test_a_fuzzy_entry_is_left_out_when_a_catalogue_is_read_from_its_source(tmp_path: object) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path)) / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgid "Petitions"\nmsgstr "Guessed"\n\nmsgid "Open"\nmsgstr "Checked"\n',
        encoding="utf-8",
    )
    original = i18n.TRANSLATIONS_DIR
    try:
        i18n.TRANSLATIONS_DIR = Path(str(tmp_path))  # type: ignore[misc]
        loaded = i18n._load("xx")
    finally:
        i18n.TRANSLATIONS_DIR = original  # type: ignore[misc]
    assert loaded.ugettext("Open") == "Checked"
    assert loaded.ugettext("Petitions") == "Petitions"
