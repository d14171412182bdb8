"""Demo responsible bodies: the council, each neighbourhood policing team, and the youth service."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.areas import list_neighbourhoods
from civic.core.demo import DemoContext
from civic.responses.models import BodyKind
from civic.responses.queries_members import COUNCIL_BODY, police_body
from civic.responses.service import ensure_body

YOUTH_BODY = "youth-service"


async def load_bodies(session: AsyncSession, ctx: DemoContext) -> None:
    await ensure_body(
        session,
        COUNCIL_BODY,
        ctx.settings.council_name,
        BodyKind.DEPARTMENT,
        "Councillors answering petitions",
    )
    await ensure_body(
        session, YOUTH_BODY, "Youth Service", BodyKind.YOUTH, "Runs the youth budget and reports on delivery"
    )
    for neighbourhood in await list_neighbourhoods(session):
        await ensure_body(
            session,
            police_body(neighbourhood.slug),
            f"{neighbourhood.name} Neighbourhood Policing Team",
            BodyKind.POLICE,
        )
