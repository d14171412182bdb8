"""Count a priorities round's record again: its ballots CSV (with meeting tallies). Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from civic.priorities import ballots_csv
from civic.priorities.counting import as_json

ENGINE = "civic.priorities.counting"
BALLOTS_FILE = "ballots.csv"
RESULT_FILE = "result.json"


def tally_text(text: str) -> dict[str, object]:
    """What `civic priorities tally FILE.csv` prints."""
    parsed = ballots_csv.parse(text)
    return as_json(parsed.count(), method=parsed.method, allowed=parsed.choices, top_n=parsed.top_n)


def recount(manifest: Mapping[str, Any], files: Mapping[str, str]) -> dict[str, object]:
    """The result the record's ballots give; raises `ballots_csv.BallotsFileError` if they cannot be read."""
    if BALLOTS_FILE not in files:
        raise ballots_csv.BallotsFileError(f"the ballots file {BALLOTS_FILE} is missing")
    return tally_text(files[BALLOTS_FILE])
