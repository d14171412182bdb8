"""Bar chart labels wrap onto more lines instead of being cut ("Free swimming on Satu…")."""

from __future__ import annotations

import re
from types import SimpleNamespace

from civic.core.templating import label_lines, make_environment
from civic.petitions.web import ward_chart

LONG = "Free swimming on Saturday mornings for under-16s"
COUNCIL = "Fernbridge Borough Council"


def _svg_text(html: str) -> list[str]:
    """The words each <text> of the SVG shows, its tspans joined."""
    svg = html[html.index("<svg") : html.index("</svg>")]
    return [
        " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", text))
        for text in re.findall(r"<text[^>]*>(.*?)</text>", svg)
    ]


def test_a_label_wraps_at_word_boundaries_and_keeps_every_word() -> None:
    lines = label_lines(LONG, 22)
    assert len(lines) > 1 and all(len(line) <= 22 for line in lines)
    assert " ".join(lines) == LONG


def test_the_bar_chart_shows_whole_labels_and_grows_to_fit_them() -> None:
    env = make_environment()
    template = env.from_string(
        '{% from "_macros/charts.html" import bar_chart %}{{ bar_chart("c", rows, "%", 100) }}'
    )
    short = template.render(rows=[{"label": "Abbey", "value": 50}, {"label": "Mill", "value": 40}])
    long = template.render(rows=[{"label": LONG, "value": 50}, {"label": COUNCIL, "value": 40}])
    assert "…" not in long
    labels = [text for text in _svg_text(long) if text]
    assert labels == [LONG, COUNCIL]
    height = lambda html: int(re.search(r'<svg[^>]*height="(\d+)"', html).group(1))  # noqa: E731
    assert height(long) > height(short)


def test_the_spend_chart_shows_whole_project_titles() -> None:
    env = make_environment()
    area = SimpleNamespace(
        budget=10000, spent=6000, name="North",
        projects=[SimpleNamespace(id=1, funded=True, cost=6000)],
    )  # fmt: skip
    html = env.from_string(
        '{% from "budgets/_macros.html" import spend_chart %}{{ spend_chart(area, titles) }}'
    ).render(area=area, titles={1: LONG})
    assert "…" not in html[html.index("<svg") : html.index("</svg>")]
    assert f"1. {LONG}" in [text for text in _svg_text(html) if text]


def test_the_petition_ward_chart_wraps_long_ward_names() -> None:
    chart = ward_chart([("E05000001", 12), ("E05000002", 3)], {"E05000001": f"{COUNCIL} Riverside North"})
    first, second = chart["bars"]
    assert " ".join(first["lines"]) == f"{COUNCIL} Riverside North" and len(first["lines"]) > 1
    assert second["y"] > 28  # the next bar starts below the wrapped label
    assert chart["height"] >= second["y"] + 28
