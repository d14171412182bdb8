"""Read and write the pabulib `.pb` format (sections META, PROJECTS, VOTES; `;`-separated).

Pure like `tally`: no web or database imports. Vote types `approval` and `choose-1` read as approval
ballots; `cumulative` and `scoring` keep their points; `ordinal` ballots are read as approval of every
project they rank (documented in the README). Costs and the budget must be whole numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from civic.budgets.tally import Project, TallyError


class PabulibError(TallyError):
    """The file is not valid pabulib (or uses something we do not support); the message says where."""


@dataclass
class PbProject:
    id: str
    cost: int
    name: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class PbFile:
    meta: dict[str, str]
    projects: list[PbProject]
    ballots: list[dict[str, int]]  # project id -> points (1 for approval)
    voter_meta: list[dict[str, str]] = field(default_factory=list)

    @property
    def budget(self) -> int:
        return _whole(self.meta.get("budget", ""), "META budget")

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")

    def tally_projects(self) -> list[Project]:
        return [Project(p.id, p.cost) for p in self.projects]


def _whole(raw: str, where: str) -> int:
    text = raw.strip().replace(",", ".")
    try:
        number = float(text) if "." in text or "e" in text.lower() else int(text)
    except ValueError:
        raise PabulibError(f"{where} must be a number, not {raw!r}") from None
    if isinstance(number, float):
        if not number.is_integer():
            raise PabulibError(f"{where} must be a whole number, not {raw!r}")
        number = int(number)
    if number < 0:
        raise PabulibError(f"{where} cannot be negative")
    return number


def parse(text: str) -> PbFile:
    meta: dict[str, str] = {}
    projects: list[PbProject] = []
    ballots: list[dict[str, int]] = []
    voter_meta: list[dict[str, str]] = []
    section, header = "", []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    for line_no, row in enumerate(reader, start=1):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        first = row[0].strip().lower()
        if first in {"meta", "projects", "votes"}:
            section = first
            try:
                header = [h.strip() for h in next(reader)]
            except StopIteration:
                raise PabulibError(f"Section {first.upper()} has no header line") from None
            continue
        if not section:
            raise PabulibError(f"Line {line_no}: data before the META section")
        if section == "meta":
            meta[row[0].strip()] = row[1].strip() if len(row) > 1 else ""
            continue
        values = {header[i]: row[i].strip() for i in range(min(len(header), len(row)))}
        if section == "projects":
            projects.append(_project(values, line_no))
        else:
            ballot, rest = _ballot(values, meta.get("vote_type", "approval"), line_no)
            ballots.append(ballot)
            voter_meta.append(rest)
    if "budget" not in meta:
        raise PabulibError("META has no budget")
    _whole(meta["budget"], "META budget")
    known = {p.id for p in projects}
    if len(known) != len(projects):
        raise PabulibError("A project id appears twice in PROJECTS")
    for ballot in ballots:
        for pid in ballot:
            if pid not in known:
                raise PabulibError(f"A vote names project {pid}, which is not in PROJECTS")
    return PbFile(meta, projects, ballots, voter_meta)


def _project(values: dict[str, str], line_no: int) -> PbProject:
    pid = values.get("project_id", "")
    if not pid:
        raise PabulibError(f"Line {line_no}: a project has no project_id")
    cost = _whole(values.get("cost", ""), f"Line {line_no}: cost of project {pid}")
    extra = {k: v for k, v in values.items() if k not in {"project_id", "cost", "name"}}
    return PbProject(pid, cost, values.get("name", ""), extra)


def _ballot(values: dict[str, str], vote_type: str, line_no: int) -> tuple[dict[str, int], dict[str, str]]:
    chosen = [v.strip() for v in values.get("vote", "").split(",") if v.strip()]
    rest = {k: v for k, v in values.items() if k not in {"vote", "points"}}
    if vote_type in {"approval", "choose-1", "ordinal"}:
        return dict.fromkeys(chosen, 1), rest
    if vote_type in {"cumulative", "scoring"}:
        raw = [v.strip() for v in values.get("points", "").split(",") if v.strip()]
        if len(raw) != len(chosen):
            raise PabulibError(f"Line {line_no}: vote and points have different lengths")
        return {pid: _whole(p, f"Line {line_no}: points") for pid, p in zip(chosen, raw, strict=True)}, rest
    raise PabulibError(f"vote_type {vote_type!r} is not supported")


def _cell(value: object) -> str:
    return str(value).replace(";", ",").replace("\n", " ").replace("\r", " ")


def write(
    meta: Mapping[str, object],
    projects: Sequence[PbProject],
    ballots: Sequence[Mapping[str, int]],
    voter_meta: Sequence[Mapping[str, str]] | None = None,
) -> str:
    """A `.pb` text. Voters are numbered 1..n in the order given (callers shuffle or sort first)."""
    vote_type = str(meta.get("vote_type", "approval"))
    lines = ["META", "key;value"]
    full = {**meta, "num_projects": len(projects), "num_votes": len(ballots), "vote_type": vote_type}
    lines += [f"{_cell(k)};{_cell(v)}" for k, v in full.items()]
    extra_keys = sorted({k for p in projects for k in p.extra})
    lines += ["PROJECTS", ";".join(["project_id", "cost", "name", *extra_keys])]
    for p in projects:
        lines.append(
            ";".join(_cell(x) for x in [p.id, p.cost, p.name, *(p.extra.get(k, "") for k in extra_keys)])
        )
    voter_keys = sorted({k for v in (voter_meta or []) for k in v if k != "voter_id"})
    scored = vote_type in {"cumulative", "scoring"}
    lines.append("VOTES")
    lines.append(";".join(["voter_id", "vote", *(["points"] if scored else []), *voter_keys]))
    for n, ballot in enumerate(ballots, start=1):
        ids = sorted(ballot, key=lambda pid: (not pid.isdigit(), int(pid) if pid.isdigit() else 0, pid))
        row = [str(n), ",".join(ids)]
        if scored:
            row.append(",".join(str(ballot[i]) for i in ids))
        extra = (voter_meta or [{}] * len(ballots))[n - 1]
        row += [_cell(extra.get(k, "")) for k in voter_keys]
        lines.append(";".join(row))
    return "\n".join(lines) + "\n"
