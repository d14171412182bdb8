"""The reader's language on the web: chosen per request, remembered in a cookie, offered on every page.

A link with `?lang=cy` (the language switch, an `hreflang` alternate) chooses Welsh for that page and
sets the `civic_lang` cookie, so the reader stays on the same page and every later page follows. With no
choice made, the browser's Accept-Language is the first guess and DEFAULT_LANGUAGE the last. Pages
therefore vary by cookie and Accept-Language, and say so (`Vary`), so no shared cache hands a Welsh
page to an English reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from civic.core import i18n
from civic.core.cookies import read_cookie
from civic.core.state import app_state

SCOPE_KEY = "civic.lang"
COOKIE_MAX_AGE = 365 * 24 * 3600  # a year: the reader chose once and should not have to again


def lang_of(scope: Scope) -> str:
    """The language this request is answered in (set by LocaleMiddleware)."""
    found: str = scope.get(SCOPE_KEY, i18n.SOURCE_LANGUAGE)
    return found


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def _asked(scope: Scope) -> str | None:
    query = scope.get("query_string", b"").decode("latin-1")
    for key, value in parse_qsl(query):
        if key == i18n.QUERY_PARAMETER:
            return str(value)
    return None


class LocaleMiddleware:
    """Chooses the request's language, translates the rest of the request in it, and sets the cookie
    when a link chose a language."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = app_state(scope["app"]).settings
        asked, cookie = _asked(scope), read_cookie(scope, i18n.COOKIE)
        lang = i18n.choose(
            asked=asked,
            cookie=cookie,
            accept_language=_header(scope, b"accept-language"),
            languages=settings.languages,
            default=settings.default_language,
        )
        scope[SCOPE_KEY] = lang
        remember = lang if asked == lang and cookie != lang else None
        # With one language offered, pages do not vary by language and shared caches keep one copy.
        varies = len(settings.languages) > 1
        token = i18n.set_current(lang)
        try:
            await self.app(scope, receive, self._sender(send, remember, settings.secure_cookies, varies))
        finally:
            i18n.reset(token)

    @staticmethod
    def _sender(send: Send, remember: str | None, secure: bool, varies: bool) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if varies and headers.get("content-type", "").startswith("text/html"):
                    headers.add_vary_header("Accept-Language")
                    headers.add_vary_header("Cookie")
                if remember:
                    flags = "; Secure" if secure else ""
                    headers.append(
                        "set-cookie",
                        f"{i18n.COOKIE}={remember}; Path=/; Max-Age={COOKIE_MAX_AGE}; HttpOnly; "
                        f"SameSite=Lax{flags}",
                    )
                    # A response that sets a cookie is this reader's alone.
                    if "public" in headers.get("cache-control", ""):
                        headers["cache-control"] = headers["cache-control"].replace("public", "private")
            await send(message)

        return wrapped


@dataclass(frozen=True)
class LanguageLink:
    lang: str  # the catalogue's code (cy, en_XA)
    tag: str  # BCP 47 for lang= and hreflang= (cy, en-XA)
    name: str  # the language's name in itself
    href: str  # this page in that language
    current: bool


def links(scope: Scope, languages: tuple[str, ...], base_url: str = "") -> list[LanguageLink]:
    """This page in each offered language: the switch's links and the `hreflang` alternates."""
    path = scope.get("path", "/")
    kept = [
        (key, value)
        for key, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        if key != i18n.QUERY_PARAMETER
    ]
    current = lang_of(scope)
    return [
        LanguageLink(
            lang=lang,
            tag=i18n.html_lang(lang),
            name=i18n.language_name(lang),
            href=f"{base_url}{path}?{urlencode([*kept, (i18n.QUERY_PARAMETER, lang)])}",
            current=lang == current,
        )
        for lang in languages
    ]
