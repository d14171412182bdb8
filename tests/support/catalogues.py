"""The messages the code asks for, extracted in-process as `make messages` extracts them, and the
pseudo-locale built from them for the tests that catch English which bypassed translation."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.support import Translations

ROOT = Path(__file__).resolve().parents[2]
# The same keywords as BABEL_KEYWORDS in the Makefile (with Babel's defaults).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "_l": None,
    "lazy_gettext": None,
    "lazy_pgettext": ((1, "c"), 2),
    "lazy_ngettext": (1, 2),
    "raw_gettext": None,
    "raw_ngettext": (1, 2),
    "_plural": (1, 2),
}
PSEUDO = "en_XA"
# Placeholders and markup pass through the pseudo-locale unchanged: %(name)s, %{count}, <tags>, &x;
UNCHANGED = re.compile(r"%\([a-z_]+\)s|%\{[a-z]+\}|%%|<[^>]*>|&[a-z#0-9]+;")
ACCENTED = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçđéƒĝĥíĵķĺɱñóþǫŕšţúṽŵẋýžÁßÇĐÉƑĜĤÍĴĶĹṀÑÓÞǪŔŠŢÚṼŴẊÝŽ",
)


@cache
def extracted() -> Catalog:
    """Every message in the code and templates, as the catalogue template would hold them."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog()
    found = extract_from_dir(
        str(ROOT),
        method_map,
        options_map,
        keywords=KEYWORDS,
        directory_filter=lambda path: (
            not Path(path).name.startswith((".", "__")) and Path(path).name not in {"node_modules", "var"}
        ),
    )
    for filename, lineno, message, _comments, context in found:
        catalog.add(message, None, [(filename, lineno)], context=context)
    return catalog


def pseudo(text: str) -> str:
    """Every letter accented, placeholders and markup kept: "Sign %(x)s" -> "[Šíĝñ %(x)s]"."""
    parts, last = [], 0
    for match in UNCHANGED.finditer(text):
        parts.append(text[last : match.start()].translate(ACCENTED))
        parts.append(match.group())
        last = match.end()
    parts.append(text[last:].translate(ACCENTED))
    return "⟦" + "".join(parts) + "⟧"


@cache
def pseudo_translations() -> Translations:
    catalog = Catalog(locale="en")
    for message in extracted():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            translated: str | tuple[str, ...] = tuple(pseudo(form) for form in message.id)
        else:
            translated = pseudo(message.id)
        catalog.add(message.id, translated, context=message.context)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)
