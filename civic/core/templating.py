"""Jinja2 through Starlette's templating, with the GOV.UK Frontend macros and Civic's globals.

Templates never do IO: handlers load everything first. Globals reach the request only for what it
already carries (the user, the CSRF token, the path).
"""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader
from jinja2.bccache import Bucket
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from civic.config import Settings
from civic.core import assets, i18n, localtime, rules
from civic.core.choices import options
from civic.core.content_languages import language_version_legend, only_in_notice
from civic.core.csrf_tokens import page_token
from civic.core.govuk_texts import govuk_texts
from civic.core.languages import lang_of, links
from civic.core.publish import FEWER, OGL, OGL_URL, SHOWN_TEXT, SMALL_COUNT_WORDS, shown_count_text
from civic.core.state import state

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = ROOT / "templates"
STATIC_DIR = ROOT / "static"
# Where the hashed and compressed copies of static/ are built (civic/core/assets.py).
ASSET_DIR = ROOT / "var" / "static"
HTMX_FILE = "js/htmx-2.0.11.min.js"
GOVUK_FRONTEND_FILE = "js/govuk-frontend-6.3.0.min.js"

# The main navigation as (label, href), in order; civic/features.py fills it from each feature's contract.
NAVIGATION: list[tuple[str | i18n.LazyString, str]] = []


def format_date(value: date | None) -> str:
    """A date, or a moment's date in UK local time, in the language of the page."""
    return "" if value is None else localtime.format_date(value, i18n.current())


def format_datetime(value: datetime | None) -> str:
    """A moment in UK local time, GOV.UK style: "3 June 2027 at 7pm", "3 Mehefin 2027 am 7pm"."""
    return "" if value is None else localtime.format_datetime(value, i18n.current())


def format_time(value: datetime | None) -> str:
    return "" if value is None else localtime.format_time(value, i18n.current())


def format_number(value: int | float | None) -> str:
    # English and Welsh both group thousands with commas; other languages would use Babel's numbers.
    return "" if value is None else f"{value:,}"


def label_lines(label: object, width: int = 22) -> list[str]:
    """A chart label wrapped to lines of at most `width` characters: SVG text does not wrap itself,
    and a cut label ("Free swimming on Satu…") hides what the bar is about."""
    return textwrap.wrap(str(label), width, break_long_words=True) or [""]


def format_money(pence_or_pounds: int | float | None) -> str:
    return "" if pence_or_pounds is None else f"£{pence_or_pounds:,.0f}"


def static_manifest() -> assets.Manifest:
    """The hashed names of static/, built once per process."""
    return assets.manifest(STATIC_DIR, ASSET_DIR)


def static_url(name: str) -> str:
    """The one way a template names a static file: `static_url("css/civic.css")` is its hashed URL."""
    return static_manifest().url(name)


def _context(request: Request) -> dict[str, Any]:
    settings: Settings = state(request).settings
    now = state(request).clock.now()
    user = getattr(request.state, "user", None)

    def can(name: str, obj: Any = None) -> bool:
        return rules.can(name, user, obj, now=now)

    return {
        "settings": settings,
        "user": user,
        "now": now,
        "can": can,
        "csrf_token": page_token(request.scope.setdefault("state", {}), settings.secret_key),
        "navigation": [
            {"text": str(text), "href": href, "active": request.url.path.startswith(href)}
            for text, href in NAVIGATION
        ],
        "htmx_file": HTMX_FILE,
        "govuk_frontend_file": GOVUK_FRONTEND_FILE,
        **_language_context(request, settings),
    }


def _language_context(request: Request, settings: Settings) -> dict[str, Any]:
    """The page's language (`lang` on <html>), the switch's links and the hreflang alternates."""
    lang = lang_of(request.scope)
    return {
        "lang": lang,
        "html_lang": i18n.html_lang(lang),
        "language_links": links(request.scope, settings.languages),
        "language_alternates": links(request.scope, settings.languages, settings.base_url.rstrip("/")),
    }


def make_environment() -> Environment:
    loader = ChoiceLoader(
        [
            FileSystemLoader(str(TEMPLATE_DIR)),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    env = Environment(
        loader=loader,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # Translated in the language of the moment (civic/core/i18n.py): render_page sets it to the page's,
    # the outbox to the recipient's. New-style gettext: `_("Signed by %(name)s", name=x)` escapes x.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.raw_gettext,
        i18n.raw_ngettext,
        newstyle=True,
        pgettext=i18n.raw_pgettext,
        npgettext=i18n.raw_npgettext,
    )
    env.filters.update(
        date=format_date,
        datetime=format_datetime,
        time=format_time,
        number=format_number,
        money=format_money,
        local_input=localtime.input_value,
        local_date_input=localtime.date_input_value,
        shown_count=shown_count_text,  # the small-count rule, the same as open data's, in words
        label_lines=label_lines,
    )
    env.globals.update(
        shown_count=shown_count_text,
        small_count_rule=SMALL_COUNT_WORDS,
        fewer_than_shown=SHOWN_TEXT[FEWER],  # "fewer than 5", the small-number rule's words, translated
        licence=OGL,
        licence_url=OGL_URL,
        static_url=static_url,
        govuk_texts=govuk_texts,
        only_in_notice=only_in_notice,
        language_version_legend=language_version_legend,
    )
    # Option lists are built in Python; templates only say which value is chosen.
    env.globals["options"] = options
    return env


def _autoescape(name: str | None) -> bool:
    return bool(name) and str(name).endswith((".html", ".htm", ".xml"))


def render_page(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    templates = state(request).templates
    with i18n.using(lang_of(request.scope)):  # also for error pages made outside the locale middleware
        return templates.TemplateResponse(
            request, template, context or {}, status_code=status_code, headers=headers
        )


def render_shared(request: Request, template: str, context: dict[str, Any], *, token_stand_in: str) -> str:
    """A page as render_page would make it, but with `token_stand_in` where the visitor's CSRF token
    goes, so one rendering can be shared by every anonymous visitor with their own token swapped in."""
    templates = state(request).templates
    full = {**context, "request": request, **_context(request), "csrf_token": token_stand_in}
    with i18n.using(lang_of(request.scope)):
        return templates.env.get_template(template).render(full)


class SharedBytecode(BytecodeCache):
    """Compiled templates kept in memory for the whole process. Every environment make_templates builds
    is configured alike, so a second app (the demo loader beside the server, or each test's own app)
    reuses the first one's compiled code instead of lexing, parsing and compiling every template again.
    Jinja checks each entry against its template's source, so an edited template is still recompiled."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = SharedBytecode()


def make_templates() -> Jinja2Templates:
    env = make_environment()
    # Emails (.txt) share the environment, so autoescape is decided per template name.
    env.autoescape = _autoescape
    env.bytecode_cache = _COMPILED
    return Jinja2Templates(env=env, context_processors=[_context])
