"""One small-count rule everywhere: pages state it from civic/core/publish.py, never in their own words."""

from __future__ import annotations

import re

from civic.core.templating import ROOT, TEMPLATE_DIR

# Wording that restates the rule by hand; "fewer than 5 clear days" is a panel notice rule, not a count.
OWN_WORDS = re.compile(r"(?:numbers|counts?) (?:under|below|from 1 to) \d|“?fewer than \d”?(?! clear)", re.I)


def test_no_template_words_the_small_count_rule_itself() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in TEMPLATE_DIR.rglob("*.html")
        for match in OWN_WORDS.finditer(path.read_text("utf-8"))
    ]
    assert offenders == []
