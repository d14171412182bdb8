"""The `civic` command: serve, migrate, users, areas, mail, jobs, audit and demo data."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from civic.config import ConfigError, Settings
from civic.features import FEATURES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="civic", description="Civic: local accountability and participatory budgeting"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the web app with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument(
        "--check", action="store_true", help="only say whether the database is behind the code (exit 1 if so)"
    )
    users = sub.add_parser("users", help="manage staff accounts").add_subparsers(dest="action", required=True)
    create = users.add_parser("create", help="create a staff account (asks for the password)")
    create.add_argument("email")
    create.add_argument("--name", required=True)
    create.add_argument("--role", required=True)
    create.add_argument("--ward", action="append", default=[], help="ward code (councillors; repeatable)")
    create.add_argument("--neighbourhood", help="neighbourhood slug (police)")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    set_role = users.add_parser("set-role", help="change a staff member's role")
    set_role.add_argument("email")
    set_role.add_argument("role")
    set_role.add_argument("--ward", action="append", default=[])
    set_role.add_argument("--neighbourhood")
    disable = users.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("email")
    disable.add_argument("--reason", default="")
    users.add_parser("list", help="list staff accounts")
    areas = sub.add_parser("areas", help="wards, neighbourhoods and postcodes").add_subparsers(
        dest="action", required=True
    )
    imp = areas.add_parser(
        "import-postcodes", help="load postcodes from a CSV in the ONS postcode directory layout"
    )
    imp.add_argument("file", type=Path)
    from civic.boundary_commands import add_arguments as add_boundary_arguments

    add_boundary_arguments(areas)
    mail = sub.add_parser("mail", help="the outbox").add_subparsers(dest="action", required=True)
    mail.add_parser("worker", help="send queued mail and run scheduled jobs until stopped")
    mail.add_parser("send-once", help="send one batch of queued mail and exit")
    check = mail.add_parser(
        "test", help="queue a test message to ADDRESS and send one batch, to check SMTP_URL"
    )
    check.add_argument("address")
    from civic.mail_commands import add_arguments as add_mail_arguments
    from civic.ops_commands import add_arguments as add_ops_arguments

    add_ops_arguments(sub)
    from civic.privacy_commands import add_arguments as add_privacy_arguments

    add_privacy_arguments(sub)
    from civic.recount_commands import add_arguments as add_recount_arguments

    add_recount_arguments(sub)

    add_mail_arguments(mail)
    jobs = sub.add_parser("jobs", help="scheduled jobs").add_subparsers(dest="action", required=True)
    jobs.add_parser("run", help="run every scheduled job once, now")
    audit = sub.add_parser("audit", help="the audit log").add_subparsers(dest="action", required=True)
    audit.add_parser("verify", help="check the hash chain; report the first broken link")
    demo = sub.add_parser("demo", help="demo data").add_subparsers(dest="action", required=True)
    load = demo.add_parser("load", help="load the fictional demo council")
    load.add_argument("--if-empty", action="store_true", help="do nothing if any staff account exists")
    for feature in FEATURES:
        if feature.commands is not None:
            feature.commands.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "serve":
            return serve(args, settings)
        from civic.commands import HANDLERS  # imported late: it loads every feature

        handler = HANDLERS[f"{args.command} {getattr(args, 'action', '')}".strip()]
        return asyncio.run(handler(args, settings))
    except (ConfigError, ValueError) as exc:
        print(f"civic: {exc}", file=sys.stderr)
        return 2


def serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    options: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "proxy_headers": settings.trust_proxy_headers,
        # Civic writes its own access line per request (route names, no paths or client addresses).
        "access_log": False,
    }
    if args.workers > 1:
        _share_metrics(Path(settings.metrics_dir))
        uvicorn.run("civic.asgi:app", workers=args.workers, **options)
    else:
        from civic.app import create_app

        uvicorn.run(create_app(settings), **options)
    return 0


def _share_metrics(folder: Path) -> None:
    """Every worker process writes its metrics into `folder`, so a scrape of one sees them all. The
    folder is emptied first: files left by processes of an earlier run would be counted again."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


if __name__ == "__main__":
    raise SystemExit(main())
