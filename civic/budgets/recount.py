"""Count a budget result's record again: each area's `.pb` with the record's rule and overrides.

Pure like `tally`: the files come in as text. The result has the shape the site stores and publishes
as `result.json` (per area: `tally.Outcome.as_json()` with the area's id and name, then the tie-break).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from civic.budgets import pabulib, tally

ENGINE = "civic.budgets.tally"
RESULT_FILE = "result.json"


def recount(manifest: Mapping[str, Any], files: Mapping[str, str]) -> dict[str, Any]:
    """The result the record's ballots give; raises `tally.TallyError` if a file cannot be counted."""
    parameters = manifest["parameters"]
    rule = manifest["rule"]
    if rule not in tally.RULES:
        raise tally.TallyError(f"the record's rule {rule!r} is not one this engine counts")
    areas = []
    for area in parameters["areas"]:
        name = str(area["file"])
        if name not in files:
            raise tally.TallyError(f"the ballots file {name} is missing")
        pb = pabulib.parse(files[name])
        excluded = {str(pid): str(reason) for pid, reason in area.get("excluded", {}).items()}
        outcome = tally.tally(
            pb.tally_projects(),
            pb.budget,
            pb.ballots,
            rule=rule,
            excluded=excluded,
            increment=int(parameters.get("add1_increment", 1)),
        )
        areas.append({"area_id": area["area_id"], "name": area["name"], **outcome.as_json()})
    return {"areas": areas, "tie_break": tally.TIE_BREAK_TEXT}
