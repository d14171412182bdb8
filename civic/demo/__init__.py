"""Demo data: a fictional council (Fernbridge) with a dozen wards, two police neighbourhoods,
postcodes for every ward, fictional ward boundaries in the ONS file format and one staff account per role (and an officer for each policing team, who
answers only for it), so a newcomer can click through everything.

Features add their own demo content through their contract's `demo` loaders, which run in the order
of civic/features.py after the areas and staff exist. Passwords are random and printed once on the console.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Settings
from civic.core.areas import Neighbourhood, NeighbourhoodWard, Ward, import_postcodes
from civic.core.boundaries import import_boundaries
from civic.core.db import Database
from civic.core.demo import DemoContext, demo_now
from civic.core.outbox import Mail
from civic.core.staff import create_staff
from civic.core.templating import make_templates
from civic.core.users import Role, StaffUser
from civic.features import FEATURES

HERE = Path(__file__).resolve().parent
NEIGHBOURHOODS = {
    "fernbridge-central": (
        "Fernbridge Central and Docks",
        ["E05900001", "E05900003", "E05900004", "E05900006", "E05900008", "E05900009"],
    ),
    "fernbridge-north": (
        "Fernbridge North and Villages",
        ["E05900002", "E05900005", "E05900007", "E05900010", "E05900011", "E05900012"],
    ),
}
STAFF: list[tuple[Role, str, str, dict[str, Any]]] = [
    (Role.ADMIN, "admin@fernbridge.example", "Alex Admin", {}),
    (Role.MODERATOR, "moderator@fernbridge.example", "Morgan Moderator", {}),
    (
        Role.COUNCILLOR,
        "councillor@fernbridge.example",
        "Cllr Chris Patel",
        {"wards": ["E05900006", "E05900001"], "party": "Independent"},
    ),
    (
        Role.POLICE,
        "police@fernbridge.example",
        "PC Priya Shah",
        {"neighbourhood": "fernbridge-central"},
    ),
    (
        Role.POLICE,
        "police.north@fernbridge.example",
        "PC Sam Okafor",
        {"neighbourhood": "fernbridge-north"},
    ),
    (Role.YOUTH_WORKER, "youth@fernbridge.example", "Yusuf Youthworker", {}),
    (Role.PANEL_CLERK, "clerk@fernbridge.example", "Clara Clerk", {}),
]


async def load_areas(session: AsyncSession) -> None:
    for ward in json.loads((HERE / "wards.json").read_text()):
        session.add(Ward(**ward))
    for slug, (name, wards) in NEIGHBOURHOODS.items():
        session.add(Neighbourhood(slug=slug, name=name))
        await session.flush()
        for code in wards:
            session.add(NeighbourhoodWard(neighbourhood_slug=slug, ward_code=code))
    await session.flush()
    await import_postcodes(session, (HERE / "postcodes.csv").read_text())
    await import_boundaries(session, (HERE / "fernbridge_wards.geojson").read_text())


async def load_staff(session: AsyncSession, ctx: DemoContext) -> dict[str, str]:
    credentials: dict[str, str] = {}
    now = demo_now()  # round local times, never after now
    for role, email, name, extra in STAFF:
        password = secrets.token_urlsafe(12)
        user = await create_staff(
            session,
            actor=None,
            email=email,
            name=name,
            role=role,
            password=password,
            now=now,
            wards=extra.get("wards"),
            neighbourhood=extra.get("neighbourhood"),
            party=extra.get("party"),
            hash_cost=ctx.settings.password_hash_cost,
        )
        ctx.staff.setdefault(role, user)  # the first account of each role; feature demos act as it
        credentials[email] = password
    return credentials


async def load_demo(settings: Settings, *, if_empty: bool = False) -> int:
    db = Database(settings.database_url)
    try:
        async with db.transaction() as session:
            if if_empty and (await session.exec(select(func.count()).select_from(StaffUser))).one() > 0:
                print("Demo data already loaded; nothing to do.")
                return 0
            ctx = DemoContext(settings=settings, mail=Mail(make_templates().env, settings))
            await load_areas(session)
            credentials = await load_staff(session, ctx)
            for feature in FEATURES:
                for loader in feature.demo:
                    await loader(session, ctx)
    finally:
        await db.dispose()
    _print_credentials(credentials)
    return 0


def _print_credentials(credentials: dict[str, str]) -> None:
    print("\nDemo council loaded. Staff sign-in details (shown only this once):\n")
    for (role, email, _name, _extra), password in zip(STAFF, credentials.values(), strict=True):
        print(f"  {role.label:<13} {email:<32} {password}")
    print("\nSign in at /login. Store these now; they are not saved anywhere readable.\n")
