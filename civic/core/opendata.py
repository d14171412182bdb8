"""The open data catalogue: features register each public dataset with its formats and fields;
the open data hub page lists them all under the Open Government Licence v3.0."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

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
