"""`civic priorities tally FILE.csv`: count a round's published ballots file and print the outcome."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from civic.config import Settings


def add_parser(sub: Any) -> None:
    priorities = sub.add_parser("priorities", help="police priorities: count a published ballots file")
    actions = priorities.add_subparsers(dest="action", required=True)
    count = actions.add_parser(
        "tally", help="count a round's ballots.csv (from its count record) and print the outcome as JSON"
    )
    count.add_argument("file", type=Path)


async def tally_file(args: argparse.Namespace, settings: Settings) -> int:
    from civic.priorities import recount

    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ValueError(f"cannot read {args.file}: {exc.strerror}") from None
    print(json.dumps(recount.tally_text(text), indent=2))
    return 0


HANDLERS = {"priorities tally": tally_file}
