"""The open data catalogue: features register each public dataset with its formats and fields;
the open data hub page lists them all under the Open Government Licence v3.0."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from starlette.responses import Response

from civic.config import Settings

OGL = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
PUBLIC_CACHE = "public, max-age=60, stale-while-revalidate=300"


@dataclass(frozen=True)
class Dataset:
    title: str
    description: str
    formats: tuple[tuple[str, str], ...]  # (format name, URL path), e.g. ("JSON", "/petitions.json")
    fields: tuple[tuple[str, str], ...]  # (field, meaning)
    feature: str = ""


DATASETS: list[Dataset] = []


def register_dataset(dataset: Dataset) -> Dataset:
    DATASETS.append(dataset)
    return dataset


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets run cells that start like formulas; a leading apostrophe keeps them as text.
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_response(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": PUBLIC_CACHE,
        "X-Licence": OGL,
    }
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def json_response(data: Any) -> Response:
    body = json.dumps({"licence": OGL, "licence_url": OGL_URL, "data": data}, default=str, ensure_ascii=False)
    return Response(
        body,
        media_type="application/json",
        headers={"Cache-Control": PUBLIC_CACHE, "Access-Control-Allow-Origin": "*"},
    )


FEED_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)  # `updated` of a feed with no entries yet


@dataclass(frozen=True)
class FeedEntry:
    path: str  # the entry's page, e.g. "/petitions/7"; also its Atom id, made absolute
    title: str
    updated: datetime
    summary: str
    author: str = ""


def _entry_xml(settings: Settings, entry: FeedEntry) -> str:
    url = escape(settings.url(entry.path))
    author = f"<author><name>{escape(entry.author)}</name></author>" if entry.author else ""
    return (
        f'<entry><id>{url}</id><title>{escape(entry.title)}</title><link href="{url}"/>'
        f"<updated>{entry.updated.isoformat()}</updated>{author}<summary>{escape(entry.summary)}</summary></entry>"
    )


def atom_response(settings: Settings, *, path: str, title: str, entries: Sequence[FeedEntry]) -> Response:
    """An Atom feed of `entries` (already in the order readers should see them), under the OGL."""
    self_url = escape(settings.url(path))
    updated = max((entry.updated for entry in entries), default=FEED_EPOCH)
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{self_url}</id><title>{escape(f'{settings.council_name}: {title}')}</title>"
        f'<updated>{updated.isoformat()}</updated><link rel="self" href="{self_url}"/>'
        f"<rights>{OGL}</rights>{''.join(_entry_xml(settings, e) for e in entries)}</feed>"
    )
    return Response(feed, media_type="application/atom+xml", headers={"Cache-Control": PUBLIC_CACHE})
