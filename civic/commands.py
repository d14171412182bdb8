"""The work behind each `civic` subcommand (the parser lives in `civic.cli`)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from pathlib import Path

from civic import boundary_commands, mail_commands, ops_commands, privacy_commands, recount_commands
from civic.config import ConfigError, Settings
from civic.core import areas, audit
from civic.core.clock import SystemClock
from civic.core.db import Database
from civic.core.features import CommandHandler
from civic.core.staff import change_role, create_staff, parse_role, set_disabled
from civic.core.state import app_state
from civic.core.users import UserError, get_user_by_email, list_users
from civic.features import FEATURES

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
Handler = CommandHandler


def read_password(args: argparse.Namespace) -> str:
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise ConfigError("The passwords did not match")
    return first


def alembic_config(url: str):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    from alembic import command

    if url.startswith("sqlite") and ":///" in url:
        Path(url.split(":///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")


async def migrate(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "check", False):
        return await ops_commands.migrate_check(settings)
    await asyncio.to_thread(upgrade, settings.database_url)
    print("Database is up to date.")
    return 0


async def users_create(args: argparse.Namespace, settings: Settings) -> int:
    password = read_password(args)
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            user = await create_staff(
                session,
                actor=None,
                email=args.email,
                name=args.name,
                role=parse_role(args.role),
                password=password,
                now=SystemClock().now(),
                wards=args.ward,
                neighbourhood=args.neighbourhood,
                hash_cost=settings.password_hash_cost,
            )
    except UserError as exc:
        print(f"civic: {exc}")
        return 1
    finally:
        await db.dispose()
    print(f"Created {user.email} ({user.role.label}).")
    return 0


async def _with_user(settings: Settings, email: str, change) -> int:  # type: ignore[no-untyped-def]
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            user = await get_user_by_email(session, email)
            if user is None:
                print(f"civic: there is no staff account for {email}")
                return 1
            await change(session, user)
    except UserError as exc:
        print(f"civic: {exc}")
        return 1
    finally:
        await db.dispose()
    print("Done.")
    return 0


async def users_set_role(args: argparse.Namespace, settings: Settings) -> int:
    role, now = parse_role(args.role), SystemClock().now()

    async def change(session, user):  # type: ignore[no-untyped-def]
        await change_role(
            session,
            user,
            actor=None,
            role=role,
            now=now,
            wards=args.ward,
            neighbourhood=args.neighbourhood,
        )

    return await _with_user(settings, args.email, change)


async def users_disable(args: argparse.Namespace, settings: Settings) -> int:
    now = SystemClock().now()

    async def change(session, user):  # type: ignore[no-untyped-def]
        await set_disabled(session, user, actor=None, disabled=True, now=now, reason=args.reason)

    return await _with_user(settings, args.email, change)


async def users_list(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    async with db.reading() as session:
        for user in await list_users(session):
            state = "disabled" if user.disabled else "active"
            print(f"{user.email}\t{user.role.value}\t{state}\t{user.name}")
    await db.dispose()
    return 0


async def areas_import(args: argparse.Namespace, settings: Settings) -> int:
    try:
        content = args.file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        print(f"civic: cannot read {args.file}: {exc.strerror}")
        return 1
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            report = await areas.import_postcodes(session, content)
            await audit.record(
                session,
                actor=None,
                action="areas.import_postcodes",
                object_type="postcodes",
                object_id=args.file.name,
                now=SystemClock().now(),
                reason=f"{report.imported} imported",
            )
    except areas.PostcodeError as exc:
        print(f"civic: {exc}")
        return 1
    finally:
        await db.dispose()
    print(
        f"Imported {report.imported} postcodes; skipped {report.outside_council} outside the council, "
        f"{report.terminated} terminated, {report.malformed} malformed."
    )
    return 0


async def mail_worker(args: argparse.Namespace, settings: Settings) -> int:
    from civic.app import create_app

    app = create_app(settings)
    print("Mail worker running; press Ctrl+C to stop.")
    try:
        await app_state(app).worker.run_forever()
    finally:
        await app_state(app).db.dispose()
    return 0


async def mail_send_once(args: argparse.Namespace, settings: Settings) -> int:
    from civic.app import create_app

    app = create_app(settings)
    claimed = await app_state(app).worker.pass_once()
    await app_state(app).db.dispose()
    print(f"Claimed {claimed} messages.")
    return 0


async def mail_test(args: argparse.Namespace, settings: Settings) -> int:
    from civic.app import create_app

    app = create_app(settings)
    now = app_state(app).clock.now()
    async with app_state(app).db.transaction() as session:
        await app_state(app).mail.enqueue(
            session,
            to=args.address,
            template="mail_check",
            context={"name": args.address, "link": "/"},
            now=now,
        )
    claimed = await app_state(app).worker.pass_once()
    await app_state(app).db.dispose()
    if not settings.smtp_url:
        print("No SMTP_URL is set: the message is waiting in the outbox (see /dev/mailbox in development).")
    else:
        print(f"Sent one batch ({claimed} messages). Check the outbox if it does not arrive.")
    return 0


async def jobs_run(args: argparse.Namespace, settings: Settings) -> int:
    from civic.app import create_app

    app = create_app(settings)
    for name, result in (await app_state(app).worker.jobs_once(force=True)).items():
        print(f"{name}: {result}")
    await app_state(app).db.dispose()
    return 0


async def audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    db = Database(settings.database_url)
    async with db.reading() as session:
        report = await audit.verify_chain(session)
    await db.dispose()
    if report.ok:
        print(f"Audit chain intact: {report.checked} entries checked.")
        return 0
    print(
        f"Audit chain BROKEN at entry {report.broken_at}: {report.problem} ({report.checked} entries before it are intact)."
    )
    return 1


async def demo_load(args: argparse.Namespace, settings: Settings) -> int:
    from civic.demo import load_demo

    return await load_demo(settings, if_empty=args.if_empty)


HANDLERS: dict[str, Handler] = {
    "migrate": migrate,
    "users create": users_create,
    "users set-role": users_set_role,
    "users disable": users_disable,
    "users list": users_list,
    "areas import-postcodes": areas_import,
    "mail worker": mail_worker,
    "mail send-once": mail_send_once,
    "mail test": mail_test,
    "jobs run": jobs_run,
    "audit verify": audit_verify,
    "demo load": demo_load,
    **{
        name: handler
        for f in FEATURES
        if f.commands is not None
        for name, handler in f.commands.handlers.items()
    },
    **mail_commands.HANDLERS,
    **ops_commands.HANDLERS,
    **privacy_commands.HANDLERS,
    **boundary_commands.HANDLERS,
    **recount_commands.HANDLERS,
}
