"""The shared output rules: the CSV formula guard, the licence wrapper, Atom, and small counts."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from civic.config import Settings
from civic.core.publish import (
    OGL,
    OGL_URL,
    FeedEntry,
    atom_response,
    csv_cell,
    csv_response,
    json_bare,
    json_document,
    json_response,
    licensed,
    shown_breakdown,
    shown_count,
    shown_value,
)
from civic.core.templating import make_environment


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-42", "'-42"),  # text that reads like a number is still text from someone
        ("Answer =1+1", "Answer =1+1"),
        ("'quoted", "'quoted"),
        ("", ""),
        (None, ""),
        (-42, -42),  # a real number stays a number
        (1.5, 1.5),
        (True, "True"),
    ],
)
def test_csv_cells_that_start_like_a_formula_get_an_apostrophe(value: object, written: object) -> None:
    assert csv_cell(value) == written


def test_csv_quotes_separators_so_no_value_starts_a_cell_of_its_own() -> None:
    response = csv_response(["a", "b"], [["x,=1+1", 'say "=2"\n=3']], "t.csv")
    rows = list(csv.reader(io.StringIO(bytes(response.body).decode())))
    assert rows == [["a", "b"], ["x,=1+1", 'say "=2"\n=3']]
    assert response.headers["x-licence"] == OGL
    assert response.headers["content-disposition"] == 'attachment; filename="t.csv"'


def test_every_json_document_carries_the_licence_first() -> None:
    assert list(licensed({"page": 1})) == ["licence", "licence_url", "page"]
    body = json.loads(bytes(json_response([1, 2]).body))
    assert body == {"licence": OGL, "licence_url": OGL_URL, "data": [1, 2]}
    document = json_document({"total": 3}, cache="private, max-age=5")
    assert json.loads(bytes(document.body))["total"] == 3
    assert document.headers["cache-control"] == "private, max-age=5"
    bare = json_bare([{"issue": "x"}])
    assert json.loads(bytes(bare.body)) == [{"issue": "x"}] and bare.headers["x-licence"] == OGL


def test_atom_feeds_name_the_council_the_licence_and_escape_text() -> None:
    settings = Settings(base_url="https://civic.example", council_name="Fernbridge Council")
    at = datetime(2026, 11, 1, 10, tzinfo=UTC)
    entry = FeedEntry("/petitions/7", "Fix <the> road & more", at, "summary")
    response = atom_response(settings, path="/petitions.atom", title="petitions", entries=[entry])
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(bytes(response.body))  # noqa: S314 - our own feed
    assert root.findtext("a:title", namespaces=ns) == "Fernbridge Council: petitions"
    assert root.findtext("a:rights", namespaces=ns) == OGL
    assert root.findtext("a:id", namespaces=ns) == "https://civic.example/petitions.atom"
    assert root.findtext("a:author/a:name", namespaces=ns) == "Fernbridge Council"
    assert root.findtext("a:entry/a:title", namespaces=ns) == "Fix <the> road & more"
    panel = atom_response(settings, path="/panels/p/feed.atom", title="p", entries=[], page="/panels/p")
    root = ET.fromstring(bytes(panel.body))  # noqa: S314 - our own feed
    assert root.findtext("a:id", namespaces=ns) == "https://civic.example/panels/p"


@pytest.mark.parametrize(
    ("count", "page", "data"),
    [(0, "0", 0), (1, "fewer than 5", "fewer than 5"), (4, "fewer than 5", "fewer than 5"), (5, "5", 5),
     (1200, "1,200", 1200)],
)  # fmt: skip
def test_small_counts_are_1_to_4_and_zero_is_shown(count: int, page: str, data: int | str) -> None:
    assert shown_count(count) == page
    assert shown_value(count) == data
    env = make_environment()
    assert env.from_string("{{ n | shown_count }}").render(n=count) == page
    assert env.from_string("{{ shown_count(n) }}").render(n=count) == page


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ([6, 3], ["not shown", "fewer than 5"]),  # 9 in all: showing the 6 would give the 3 away
        ([10, 8, 3], ["10", "not shown", "fewer than 5"]),
        ([6, 3, 2], ["6", "fewer than 5", "fewer than 5"]),  # two hidden already protect each other
        ([7, 0], ["7", "0"]),
        ([3, 0], ["fewer than 5", "0"]),
        ([1200, 5], ["1,200", "5"]),
    ],
)
def test_small_counts_are_hidden_and_cannot_be_worked_out_from_the_total(
    counts: list[int], shown: list[str]
) -> None:
    assert shown_breakdown(counts) == shown
