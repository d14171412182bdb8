"""Public output, written once: CSV with the formula guard, JSON and Atom under the licence, and the
small-count rule. Features say which rows and columns to publish; this module decides how they are
made safe, so a fix here reaches every page, file and feed at once."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from xml.sax.saxutils import escape

from starlette.responses import Response

from civic.config import Settings
from civic.core.i18n import current, html_lang, lazy_gettext

OGL = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
PUBLIC_CACHE = "public, max-age=60, stale-while-revalidate=300"

# Spreadsheets (Excel, LibreOffice, Sheets) run a cell that starts with one of these as a formula
# (OWASP "CSV Injection"). Forms refuse them in names; exports defuse whatever else gets through.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """One CSV cell as written. Text that starts like a formula gets a leading apostrophe, which a
    spreadsheet reads as "this is text". Numbers (int, float, not bool) are written as they are: a
    negative number is data, not a formula, and must stay a number. Text that merely looks like a
    number ("-1", "-inf", "\\t5") is still text and still guarded: it may have come from a resident."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The header, then every row with each cell guarded; the csv module quotes separators, quotes
    and line breaks, so no value can start a new cell of its own."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def csv_response(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    filename: str,
    *,
    cache: str = PUBLIC_CACHE,
) -> Response:
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": cache,
        "X-Licence": OGL,
    }
    return Response(csv_text(header, rows), media_type="text/csv; charset=utf-8", headers=headers)


def csv_of_records(
    columns: Sequence[str], records: Iterable[Mapping[str, Any]], filename: str, *, cache: str = PUBLIC_CACHE
) -> Response:
    """The usual case: dict records, published in the order of `columns` (missing keys are empty)."""
    return csv_response(columns, ([r.get(c) for c in columns] for r in records), filename, cache=cache)


def licensed(document: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON document with the licence first, so whoever reuses the data knows its terms."""
    return {"licence": OGL, "licence_url": OGL_URL, **document}


def json_document(document: Mapping[str, Any], *, cache: str = PUBLIC_CACHE) -> Response:
    """A licensed JSON object: `document`'s own keys after the licence's. Any site may read it."""
    body = json.dumps(licensed(document), default=str, ensure_ascii=False)
    headers = {"Cache-Control": cache, "Access-Control-Allow-Origin": "*", "X-Licence": OGL}
    return Response(body, media_type="application/json", headers=headers)


def geojson_document(document: Mapping[str, Any], *, cache: str = PUBLIC_CACHE) -> Response:
    """A licensed GeoJSON FeatureCollection (RFC 7946): the licence keys travel as foreign members
    beside `type` and `features`, which GeoJSON readers ignore and people read."""
    body = json.dumps(licensed(document), default=str, ensure_ascii=False, separators=(",", ":"))
    headers = {"Cache-Control": cache, "Access-Control-Allow-Origin": "*", "X-Licence": OGL}
    return Response(body, media_type="application/geo+json", headers=headers)


def json_response(data: Any, *, cache: str = PUBLIC_CACHE) -> Response:
    """The usual shape: {"licence", "licence_url", "data"}."""
    return json_document({"data": data}, cache=cache)


def json_bare(data: Any, *, cache: str = PUBLIC_CACHE) -> Response:
    """Data in a shape fixed by someone else (police.uk's list of priorities), which leaves no room
    for the licence in the body: the licence travels in the X-Licence header instead."""
    body = json.dumps(data, default=str, ensure_ascii=False)
    headers = {"Cache-Control": cache, "Access-Control-Allow-Origin": "*", "X-Licence": OGL}
    return Response(body, media_type="application/json", headers=headers)


# --- Atom -------------------------------------------------------------------------------------------

FEED_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)  # `updated` of a feed with no entries yet


@dataclass(frozen=True)
class FeedEntry:
    path: str  # the entry's page, e.g. "/petitions/7"; also its Atom id, made absolute
    title: str
    updated: datetime
    summary: str
    author: str = ""


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _entry_xml(settings: Settings, entry: FeedEntry) -> str:
    url = _attr(settings.url(entry.path))
    author = f"<author><name>{escape(entry.author)}</name></author>" if entry.author else ""
    return (
        f'<entry><id>{url}</id><title>{escape(entry.title)}</title><link rel="alternate" href="{url}"/>'
        f"<updated>{entry.updated.isoformat()}</updated>{author}<summary>{escape(entry.summary)}</summary></entry>"
    )


def atom_response(
    settings: Settings,
    *,
    path: str,
    title: str,
    entries: Sequence[FeedEntry],
    page: str = "",
    empty_since: datetime = FEED_EPOCH,
) -> Response:
    """An Atom feed of `entries` (already in the order readers should see them), under the licence.

    The title names the council, so a reader who follows several councils can tell them apart. A feed
    that follows one page (`page`, e.g. a panel's) takes that page's address as its id and links to
    it; otherwise its own address is its id. The council is the feed's author (RFC 4287 wants one)
    unless an entry names its own. `empty_since` dates a feed that has no entries yet. The feed's own
    words (its title, the entries' titles) are in the language of the moment, named by `xml:lang`."""
    self_url = _attr(settings.url(path))
    feed_id = _attr(settings.url(page)) if page else self_url
    alternate = f'<link rel="alternate" href="{feed_id}"/>' if page else ""
    updated = max((entry.updated for entry in entries), default=empty_since)
    feed = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{html_lang(current())}">'
        f"<id>{feed_id}</id><title>{escape(f'{settings.council_name}: {title}')}</title>"
        f'<updated>{updated.isoformat()}</updated>{alternate}<link rel="self" href="{self_url}"/>'
        f"<author><name>{escape(settings.council_name)}</name></author>"
        f"<rights>{OGL}</rights>{''.join(_entry_xml(settings, e) for e in entries)}</feed>"
    )
    return Response(
        feed, media_type="application/atom+xml; charset=utf-8", headers={"Cache-Control": PUBLIC_CACHE}
    )


# --- Small counts -----------------------------------------------------------------------------------

SMALL_BELOW = 5
FEWER = f"fewer than {SMALL_BELOW}"
HIDDEN = "not shown"
SMALL_COUNT_NOTE = f"counts from 1 to {SMALL_BELOW - 1} are given as the text '{FEWER}'; 0 is given as 0"
# The same note for people reading the open data page, in their language (the value stays English).
SMALL_COUNT_NOTE_SHOWN = lazy_gettext(
    "counts from 1 to %(most)s are given as the text '%(fewer)s'; 0 is given as 0",
    most=SMALL_BELOW - 1,
    fewer=FEWER,
)
# The same rule in words for pages, next to any table of counts (a page that said "numbers under 5
# are not shown" above a row showing 0 contradicted its own table).
SMALL_COUNT_SENTENCE = (
    f"To protect people's privacy, counts from 1 to {SMALL_BELOW - 1} are shown as “{FEWER}”. "
    "A count of 0 is shown as 0: it says nobody did something, which points to no one."
)


# The rule's words on pages, in the reader's language (open data keeps FEWER and HIDDEN in English:
# they are values that programs compare).
SHOWN_TEXT: Final = {
    FEWER: lazy_gettext("fewer than %(n)s", n=SMALL_BELOW),
    HIDDEN: lazy_gettext("not shown"),
}
SMALL_COUNT_WORDS = lazy_gettext(
    "To protect people's privacy, counts from 1 to %(top)s are shown as “%(fewer)s”. "
    "A count of 0 is shown as 0: it says nobody did something, which points to no one.",
    top=SMALL_BELOW - 1,
    fewer=SHOWN_TEXT[FEWER],
)


def shown_text(text: str) -> str:
    """A published figure as a page says it: "fewer than 5" and "not shown" translated."""
    found = SHOWN_TEXT.get(text)
    return text if found is None else str(found)


def shown_count_text(count: int) -> str:
    """`shown_count` as a page says it, in the reader's language (the template filter)."""
    return shown_text(shown_count(count))


def is_small(count: int) -> bool:
    """The one definition of a count too small to publish: 1 to 4.

    In a small area a count of 1 to 4 can point to people (the one household on a street that voted).
    0 is shown: it says that nobody did something, which identifies no one, and hiding it would make
    "fewer than 5" mean "maybe nobody" and stop readers telling an empty row from a small one. This is
    the usual UK practice for official statistics (NHS England, DfE: true zeros are published)."""
    return 0 < count < SMALL_BELOW


def shown_count(count: int) -> str:
    """A count as a public page shows it: "fewer than 5" for a small one, else "1,234"."""
    return FEWER if is_small(count) else f"{count:,}"


def shown_value(count: int) -> int | str:
    """The same for open data: the count as a number, or the text "fewer than 5"."""
    return FEWER if is_small(count) else count


def shown_breakdown(counts: Sequence[int]) -> list[str]:
    """A breakdown whose counts add up to a published total. Hiding a single small count would not
    hide it: subtracting the others from the total gives it back. So when exactly one count is small,
    the next smallest non-zero count is hidden too ("not shown"). Zeros are never hidden: they are
    known to be zero either way."""
    small = [i for i, c in enumerate(counts) if is_small(c)]
    also: set[int] = set()
    if len(small) == 1:
        others = sorted((c, i) for i, c in enumerate(counts) if c > 0 and i != small[0])
        also = {others[0][1]} if others else set()
    return [HIDDEN if i in also else shown_count(c) for i, c in enumerate(counts)]
