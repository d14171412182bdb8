"""`civic budgets ...`: count a pabulib file, import one as a process, export a process's ballots."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from civic.config import Settings


def add_parser(sub: Any) -> None:
    budgets = sub.add_parser("budgets", help="youth budgets: count, import and export pabulib files")
    actions = budgets.add_subparsers(dest="action", required=True)
    count = actions.add_parser("tally", help="count a .pb file and print the outcome as JSON")
    count.add_argument("file", type=Path)
    count.add_argument("--rule", choices=["greedy", "mes"], default="greedy")
    count.add_argument("--explain", action="store_true", help="include each project's explanation")
    count.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="ID",
        help="leave project ID out of the count, as a council decision did (repeatable)",
    )
    imp = actions.add_parser("import-pabulib", help="create a process (in its results phase) from a .pb file")
    imp.add_argument("file", type=Path)
    exp = actions.add_parser("export-pabulib", help="write a process's anonymised ballots as .pb")
    exp.add_argument("process_id", type=int)
    exp.add_argument("--area", type=int, default=None)
    exp.add_argument("--output", type=Path, default=None)


def _read(path: Path) -> Any:
    from civic.budgets import pabulib

    try:
        return pabulib.parse(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None


async def tally_file(args: argparse.Namespace, settings: Settings) -> int:
    from civic.budgets import tally

    pb = _read(args.file)
    excluded = dict.fromkeys(args.exclude, "left out with --exclude")
    outcome = tally.tally(pb.tally_projects(), pb.budget, pb.ballots, rule=args.rule, excluded=excluded)
    data = outcome.as_json()
    if not args.explain:
        data.pop("projects")
    print(json.dumps(data, indent=2))
    return 0


async def import_pabulib(args: argparse.Namespace, settings: Settings) -> int:
    from civic.budgets import service, service_voting
    from civic.budgets.models import BallotType, BudgetProcess, Channel, Feasibility, TallyRule
    from civic.core.clock import SystemClock
    from civic.core.db import Database, row_id

    pb = _read(args.file)
    now = SystemClock().now()
    slug = "pb-" + "".join(c if c.isalnum() else "-" for c in args.file.stem.lower())[:60]
    rule = TallyRule.MES if pb.meta.get("rule", "").lower() in {"equalshares", "mes"} else TallyRule.GREEDY
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            if await service.get_process(session, slug) is not None:
                print(f"civic: a process called {slug} already exists", file=sys.stderr)
                return 1
            process = BudgetProcess(
                slug=slug,
                title=pb.meta.get("description", args.file.stem)[:160],
                total=pb.budget,
                ballot_type=BallotType.APPROVAL,
                min_choices=0,
                max_choices=max(1, len(pb.projects)),
                rule=rule,
                age_as_of=now,
                ideas_open_at=now - timedelta(days=4),
                review_at=now - timedelta(days=3),
                voting_opens_at=now - timedelta(days=2),
                voting_closes_at=now - timedelta(days=1),
                delivery_at=now + timedelta(days=365),
                created_at=now,
            )
            await service.create_process(session, process, [], actor=None, now=now)
            ids: dict[str, int] = {}
            keep_ids = all(p.id.isdigit() and int(p.id) > 0 for p in pb.projects)
            for p in sorted(
                pb.projects, key=lambda p: (not p.id.isdigit(), int(p.id) if p.id.isdigit() else 0, p.id)
            ):
                proposal = await service.create_proposal(
                    session,
                    process,
                    title=(p.name or f"Project {p.id}")[:120],
                    summary=f"pabulib project {p.id}",
                    area_id=None,
                    idea_ids=[],
                    actor=None,
                    now=now,
                )
                if keep_ids:  # the site's project numbers are the file's ids, so exports round-trip
                    proposal.number = int(p.id)
                    session.add(proposal)
                    await session.flush()
                await service.assess_proposal(
                    session,
                    proposal,
                    cost=p.cost,
                    feasibility=Feasibility.FEASIBLE,
                    reason="Imported from pabulib.",
                    actor=None,
                    now=now,
                )
                ids[p.id] = row_id(proposal)
            for ballot in pb.ballots:
                await service_voting.store_ballot(
                    session,
                    process_id=row_id(process),
                    area_id=None,
                    age_band="",
                    channel=Channel.PAPER,
                    choices=[ids[i] for i, points in ballot.items() if points > 0],
                    secret=None,
                )
    finally:
        await db.dispose()
    print(
        f"Imported {len(pb.projects)} projects and {len(pb.ballots)} ballots as process {process.id} ({slug})."
    )
    print(
        "Project numbers on the site follow the file's ids in order; the .pb export uses the site's numbers."
    )
    return 0


async def export_pabulib(args: argparse.Namespace, settings: Settings) -> int:
    from civic.budgets import service_results
    from civic.budgets.models import BudgetProcess
    from civic.core.db import Database

    db = Database(settings.database_url)
    try:
        async with db.reading() as session:
            process = await session.get(BudgetProcess, args.process_id)
            if process is None:
                print(f"civic: there is no budget process {args.process_id}", file=sys.stderr)
                return 1
            text = await service_results.export_pabulib(session, process, args.area)
    finally:
        await db.dispose()
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


HANDLERS = {
    "budgets tally": tally_file,
    "budgets import-pabulib": import_pabulib,
    "budgets export-pabulib": export_pabulib,
}
