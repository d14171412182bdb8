"""The one input rule, applied at the boundary to every form field and every query parameter.

Every value is normalised to NFC and its line endings (CRLF, CR) become LF. A value holding NUL or
another control character (C0 other than tab and newline, DEL, C1) or a lone surrogate is refused, and
so is a tab or newline anywhere but a multi-line field (MULTILINE_FIELDS, the textareas and the hidden
fields that carry their text between steps): browsers never send a line break from a one-line input,
so one there is a bug or an attack. Refused input never reaches a handler, so SQLite (which stores
NUL) and PostgreSQL (which refuses it) never disagree about what can be stored.

Forms pass through `clean_fields` in `civic.core.forms.read_form` (whether the CSRF middleware parsed
them or Starlette's parser did, multipart included); query strings pass through
`QueryRuleMiddleware`. The check is a precompiled regex and `unicodedata.is_normalized` per value, so it
costs a few microseconds on the signing hot path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TypeVar
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from civic.core.errors import BadInput, bad_input_response, error_response

# Field names that are multi-line text somewhere (a test checks every <textarea> in the templates is
# here). A name is allowed tabs and newlines in every form that uses it.
MULTILINE_FIELDS = frozenset(
    {
        "action",
        "additional_details",
        "alternatives",
        "areas",
        "background",
        "body",
        "cancel_reason",
        "comment",
        "correction_note",
        "description",
        "details",
        "late_reason",
        "lines",
        "note",
        "outcome",
        "override_reason",
        "purpose",
        "reason",
        "reasons",
        "summary",
        "target",
        "terms_of_reference",
        "text",
        "urgency_reason",
        "what",
        "withdrawn_reason",
    }
)
# CR is in the range: it is turned into LF before the search, so one left over is a bug.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Anything the rule refuses or changes in any field (tab, LF and CR too), for the hot path's one search.
ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# A query string of printable ASCII without percent-escapes cannot hold anything the rule refuses.
PLAIN_QUERY = re.compile(rb"[\x21-\x24\x26-\x7e]*")
LINE_BREAK = "line break"
F = TypeVar("F")  # what a form holds besides text: uploaded files


def _label(name: str) -> str:
    shown = FORBIDDEN.sub("", name).replace("_", " ").replace("-", " ").strip()
    return shown[:40] or "a field"


def clean_value(value: str, *, multiline: bool) -> tuple[str, str | None]:
    """The value under the rule, and what is wrong with it: None, LINE_BREAK or the refused character
    as "U+0000"."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    bad = FORBIDDEN.search(value)
    if bad is not None:
        return value, f"U+{ord(bad.group()):04X}"
    if not multiline and ("\n" in value or "\t" in value):
        return value, LINE_BREAK
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return value, None


def form_message(name: str, problem: str) -> str:
    label = _label(name)
    if problem == LINE_BREAK:
        return f"The answer to ‘{label}’ must be on one line. Remove the line break or tab and try again."
    return (
        f"The answer to ‘{label}’ contains a character that cannot be used (an invisible control "
        f"character, {problem}). Remove it and try again."
    )


def query_message(name: str, problem: str) -> str:
    shown = "a line break or tab" if problem == LINE_BREAK else f"an invisible control character, {problem}"
    return (
        f"The web address contains a character that cannot be used in ‘{_label(name)}’ ({shown}). "
        "Check the link, or go back and try again."
    )


def clean_fields(items: Iterable[tuple[str, str | F]]) -> list[tuple[str, str | F]]:
    """Form fields under the rule; raises BadInput (422) naming every field that breaks it. Values that
    are not text (uploaded files) pass unchanged."""
    fields = list(items)
    # The hot path: one search and one normalisation check over all names and values joined by "&",
    # which never combines with a neighbour, so the whole is NFC exactly when every part is.
    joined = "&".join([name for name, _ in fields] + [v for _, v in fields if isinstance(v, str)])
    if not ANY_CONTROL.search(joined) and (joined.isascii() or unicodedata.is_normalized("NFC", joined)):
        return fields
    cleaned: list[tuple[str, str | F]] = []
    problems: dict[str, str] = {}
    for name, value in fields:
        if FORBIDDEN.search(name):
            problems.setdefault(name, "A field name in the form contains a character that cannot be used.")
            continue
        if not isinstance(value, str):
            cleaned.append((name, value))
            continue
        text, problem = clean_value(value, multiline=name in MULTILINE_FIELDS)
        if problem is not None:
            problems.setdefault(name, form_message(name, problem))
        cleaned.append((name, text))
    if problems:
        raise BadInput(list(problems.items()), status_code=422)
    return cleaned


def clean_query(raw: bytes) -> bytes | None:
    """A query string under the rule: None when it needs no change, else the NFC-normalised query string.
    Raises BadInput (400) naming the parameters that break it. Parsed as Starlette parses it."""
    if not raw or PLAIN_QUERY.fullmatch(raw):
        return None
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    cleaned: list[tuple[str, str]] = []
    problems: dict[str, str] = {}
    for name, value in pairs:
        name_clean, name_problem = clean_value(name, multiline=False)
        value_clean, problem = clean_value(value, multiline=False)
        if name_problem or problem:
            problems.setdefault(name, query_message(name, name_problem or problem or ""))
        cleaned.append((name_clean, value_clean))
    if problems:
        raise BadInput(list(problems.items()), status_code=400)
    if cleaned == pairs:
        return None
    return urlencode(cleaned).encode("ascii")


# No page's address holds a control character, tab or line break: such a path is a 404 at once, so it
# is never copied into a redirect (a login link's `next`) or a log line.
PATH_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class QueryRuleMiddleware:
    """Applies the rule to every request's query string: 400 with a message when it breaks it, and an
    NFC-normalised query string for the app when it only needed normalising. A path with a control
    character is a 404."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and PATH_CONTROL.search(scope["path"]):
            await error_response(scope, 404)(scope, receive, send)
            return
        if scope["type"] == "http" and scope.get("query_string"):
            try:
                normalised = clean_query(scope["query_string"])
            except BadInput as exc:
                await bad_input_response(Request(scope), exc)(scope, receive, send)
                return
            if normalised is not None:
                scope["query_string"] = normalised
        await self.app(scope, receive, send)
