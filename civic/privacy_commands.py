"""`civic privacy data-map` and `civic privacy duty`: the data map for the README, and who handles
subject access and erasure requests."""

from __future__ import annotations

import argparse

from civic.config import Settings
from civic.core.clock import SystemClock
from civic.core.db import Database
from civic.core.duties import Duty, set_duty
from civic.core.notices import data_map
from civic.core.users import UserError, get_user_by_email


def add_arguments(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    privacy = sub.add_parser("privacy", help="personal data: the data map, data protection duties")
    actions = privacy.add_subparsers(dest="action", required=True)
    actions.add_parser("data-map", help="print the README's data map (markdown) from the retention register")
    duty = actions.add_parser("duty", help="give or remove an administrator's data protection duty")
    duty.add_argument("email")
    duty.add_argument("--remove", action="store_true")


async def data_map_command(args: argparse.Namespace, settings: Settings) -> int:
    print(data_map(settings), end="")
    return 0


async def duty_command(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            user = await get_user_by_email(session, args.email)
            if user is None:
                print(f"civic: there is no staff account for {args.email}")
                return 1
            held = not args.remove
            await set_duty(
                session, user, Duty.DATA_PROTECTION, held=held, actor=None, now=SystemClock().now()
            )
    except UserError as exc:
        print(f"civic: {exc}")
        return 1
    finally:
        await db.dispose()
    print("Done.")
    return 0


HANDLERS = {"privacy data-map": data_map_command, "privacy duty": duty_command}
