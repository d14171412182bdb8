"""Languages: message catalogues, the language of the moment, lazy strings, and choosing a language.

Catalogues are Babel's: `civic/translations/<lang>/LC_MESSAGES/messages.po`, extracted from the Python
and templates with `pybabel` (see babel.cfg and the Makefile's `translations` target) and compiled to
`.mo` by `make translations`, which `make run` and `make test` run first. A `.mo` that is missing or
older than its `.po` (a fresh clone, or a catalogue edited without compiling) is replaced by reading the
`.po` itself, so the app never silently shows English for a language it offers.

The language of the moment lives in a context variable: the locale middleware sets it for a request,
page rendering sets it around each template, and the outbox sets it to the recipient's language while
it renders an email. Everything that translates (templates' `_`, `gettext`, `ngettext`, `pgettext`;
lazy strings made at import time in Python) reads it when the text is needed.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Final

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from markupsafe import Markup, escape

SOURCE_LANGUAGE: Final = "en"  # the language msgids are written in; it needs no catalogue
DOMAIN: Final = "messages"
TRANSLATIONS_DIR: Final = Path(__file__).resolve().parents[1] / "translations"
COOKIE: Final = "civic_lang"
QUERY_PARAMETER: Final = "lang"

_current: ContextVar[str] = ContextVar("civic_language", default=SOURCE_LANGUAGE)
# Catalogues registered by code rather than found on disk (the tests' pseudo-locale).
_registered: dict[str, NullTranslations] = {}


class MissingCatalogue(LookupError):
    """A language is offered (LANGUAGES) that has no catalogue."""


def _load(lang: str) -> NullTranslations:
    folder = TRANSLATIONS_DIR / lang / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if not po.is_file():
        raise MissingCatalogue(f"no catalogue for {lang!r}: expected {po}")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as `pybabel compile` leaves them out
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


@cache
def _from_disk(lang: str) -> NullTranslations:
    return _load(lang)


def translations(lang: str) -> NullTranslations:
    if lang in _registered:
        return _registered[lang]
    if lang == SOURCE_LANGUAGE:
        return NullTranslations()
    return _from_disk(lang)


def register(lang: str, catalogue: NullTranslations) -> None:
    """Offer a catalogue built in code (the tests' pseudo-locale); `forget` removes it again."""
    _registered[lang] = catalogue


def forget(lang: str) -> None:
    _registered.pop(lang, None)


def check_languages(languages: tuple[str, ...]) -> None:
    """Fail at startup, not on a reader's first page, when an offered language has no catalogue."""
    for lang in languages:
        translations(lang)


def current() -> str:
    return _current.get()


@contextlib.contextmanager
def using(lang: str) -> Iterator[None]:
    """Translate in `lang` inside the block (a page's rendering, an email to one recipient)."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def set_current(lang: str) -> Any:
    """Set the language for the rest of a request; returns the token `reset` takes."""
    return _current.set(lang)


def reset(token: Any) -> None:
    _current.reset(token)


# The unformatted translations, for Jinja's new-style gettext, which formats (and escapes) itself.
def raw_gettext(message: str) -> str:
    return str(translations(current()).ugettext(message))


def raw_ngettext(singular: str, plural: str, n: int) -> str:
    return str(translations(current()).ungettext(singular, plural, n))


def raw_pgettext(context: str, message: str) -> str:
    return str(translations(current()).upgettext(context, message))


def raw_npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return str(translations(current()).unpgettext(context, singular, plural, n))


def gettext(message: str, **variables: Any) -> str:
    text = translations(current()).ugettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    text = translations(current()).ungettext(singular, plural, n)
    return text % {"num": n, **variables}


def pgettext(context: str, message: str, **variables: Any) -> str:
    text = translations(current()).upgettext(context, message)
    return text % variables if variables else text


def npgettext(context: str, singular: str, plural: str, n: int, **variables: Any) -> str:
    text = translations(current()).unpgettext(context, singular, plural, n)
    return text % {"num": n, **variables}


class LazyString:
    """Text written at import time or kept in a cache shared by readers of every language (a form's
    error message, a state's label, a timeline entry) and translated when it is shown, in the language
    of that moment. Behaves as a str wherever it is formatted."""

    __slots__ = ("_context", "_message", "_n", "_plural", "_variables")

    def __init__(
        self,
        message: str,
        context: str | None = None,
        *,
        plural: str | None = None,
        n: int = 1,
        variables: dict[str, Any] | None = None,
    ) -> None:
        self._message, self._context, self._plural, self._n = message, context, plural, n
        self._variables = variables or {}

    @property
    def message(self) -> str:
        """The untranslated message (its msgid)."""
        return self._message

    @property
    def variables(self) -> dict[str, Any]:
        """The values it is formatted with (a copy)."""
        return dict(self._variables)

    def __str__(self) -> str:
        if self._plural is not None:
            return ngettext(self._message, self._plural, self._n, **self._variables)
        if self._context is None:
            return gettext(self._message, **self._variables)
        return pgettext(self._context, self._message, **self._variables)

    def __html__(self) -> Markup:
        return escape(str(self))

    def __repr__(self) -> str:
        return f"LazyString({self._message!r})"

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self._message)

    def __len__(self) -> int:
        return len(str(self))

    def __add__(self, other: object) -> str:
        return str(self) + str(other)

    def __radd__(self, other: object) -> str:
        return str(other) + str(self)

    def __mod__(self, values: Any) -> str:
        return str(str(self) % values)

    def format(self, *args: Any, **kwargs: Any) -> str:
        return str(self).format(*args, **kwargs)

    def capitalize(self) -> str:
        return str(self).capitalize()


# Text a template or message shows: a plain str, or a lazy string translated when it is shown.
Text = str | LazyString


def lazy_gettext(message: str, **variables: Any) -> LazyString:
    return LazyString(message, variables=variables)


def lazy_pgettext(context: str, message: str) -> LazyString:
    return LazyString(message, context)


def lazy_ngettext(singular: str, plural: str, n: int, **variables: Any) -> LazyString:
    return LazyString(singular, plural=plural, n=n, variables=variables)


def babel_locale(lang: str) -> Locale:
    """Babel's locale data for a language; a language CLDR does not know (the pseudo-locale) uses
    its base language's."""
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(lang.split("_")[0].split("-")[0] or SOURCE_LANGUAGE)


def language_name(lang: str) -> str:
    """A language's name in itself, as a language switch shows it: English, Cymraeg."""
    try:
        name = str(Locale.parse(lang).get_display_name(lang) or lang)
    except (UnknownLocaleError, ValueError):
        return lang
    return name[:1].upper() + name[1:]


def html_lang(lang: str) -> str:
    """BCP 47 for `lang=` and `hreflang=`: en_XA becomes en-XA."""
    return lang.replace("_", "-")


# Every request asks this, and browsers send a few Accept-Language values over and over: remembering
# the answers keeps the parsing and Babel's negotiation off the hot paths (the count poll's fast path
# and every page). Bounded, since the header is whatever a client sends.
@lru_cache(maxsize=1024)
def choose(
    *,
    asked: str | None,
    cookie: str | None,
    accept_language: str,
    languages: tuple[str, ...],
    default: str,
) -> str:
    """The reader's language: one asked for by a link (`?lang=cy`), else the one remembered in the
    cookie, else the best of the browser's Accept-Language, else the council's default."""
    for choice in (asked, cookie):
        if choice and choice in languages:
            return choice
    preferred = _accepted(accept_language)
    if preferred:
        found = negotiate_locale(preferred, list(languages), sep="_", aliases={})
        if found:
            return found
    return default


def _accepted(header: str) -> list[str]:
    """Accept-Language's tags, most wanted first ("cy-GB" as "cy_GB"); q=0 means not wanted."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and weight > 0:
            weighted.append((-weight, position, tag.strip().replace("-", "_")))
    tags = [tag for _, _, tag in sorted(weighted)]
    # A regional tag also offers its language ("cy_GB" offers "cy"), as browsers mean it to.
    return [*tags, *(tag.split("_")[0] for tag in tags if "_" in tag)]
