"""What the pseudo-locale guards read: the words a page or email shows that are still plain English.

A page rendered in the pseudo-locale (tests/support/catalogues.py) shows every message accented
("⟦Šíĝñ ţĥíš⟧"); an unaccented English word left over bypassed translation, unless it is data that
residents or staff wrote, a name, or one of the words right in any language below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from civic.core import i18n
from tests.support.catalogues import PSEUDO, pseudo_translations

# Words that are right in any language: names of formats and of the software, the language switch
# (each language named in itself), and English month names (the pseudo-locale dates like English).
ALLOWED = {
    "JSON", "CSV", "GeoJSON", "PDF", "PNG", "JPEG", "Civic", "English", "Cymraeg", "midday", "midnight",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z]{3,}")
SHOWN_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
URL = re.compile(r"https?://\S+")


class VisibleText(HTMLParser):
    """What a reader sees or hears: text outside scripts and styles, and the labelling attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self._hidden += 1
        self.parts.extend(value for name, value in attrs if name in SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def english_words(text: str, *, data: tuple[str, ...] = ()) -> list[str]:
    for value in sorted(filter(None, data), key=len, reverse=True):  # what people wrote, as they wrote it
        text = text.replace(value, " ")
    return [word for word in WORD.findall(URL.sub(" ", text)) if word not in ALLOWED]


def page_words(html: str, data: tuple[str, ...]) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return english_words(" ".join(parser.parts), data=data)


@pytest.fixture
def pseudo_locale() -> Iterator[None]:
    """Offer the pseudo-locale for one test (a module uses it with pytest.mark.usefixtures)."""
    i18n.register(PSEUDO, pseudo_translations())
    yield
    i18n.forget(PSEUDO)
