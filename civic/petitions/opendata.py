"""Petitions in the open data catalogue: the petition list (JSON, CSV, Atom) and signature counts by
ward for every published petition. No names, emails or postcodes of anyone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core.db import reading
from civic.core.opendata import (
    OGL,
    PUBLIC_CACHE,
    Dataset,
    csv_response,
    json_response,
    register_dataset,
)
from civic.petitions.counting import counted
from civic.petitions.models import PUBLISHED_STATES, Petition, Signature
from civic.petitions.views import ward_names

FEED_SIZE = 50
FEED_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)  # `updated` of an empty feed

PETITION_FIELDS = (
    ("id", "the petition's number"),
    ("url", "the petition's page"),
    ("action", "what the council is asked to do"),
    ("state", "open, closed or rejected"),
    ("signature_count", "confirmed signatures that count (suspect ones are left out)"),
    ("opened_at / closes_at / closed_at", "when it opened, closes and closed (UTC, ISO 8601)"),
    ("response_threshold / debate_threshold", "signatures needed, as recorded when it opened"),
    ("response_due_at", "when the council's response is due, once the response threshold is reached"),
    ("response", "the council's current answer: summary, details, first publication, version"),
    ("debate", "debate date, outcome and links"),
)
WARD_FIELDS = (
    ("petition_id", "the petition's number"),
    ("ward_code", "ONS ward code, or OUTSIDE for people who work or study here"),
    ("ward", "ward name"),
    ("signatures", "confirmed, counted signatures from that ward"),
)

register_dataset(
    Dataset(
        "Petitions",
        "Every published petition with its signature count, thresholds, the council's response and debate.",
        (("JSON", "/petitions.json"), ("CSV", "/petitions.csv"), ("Atom", "/petitions.atom")),
        PETITION_FIELDS,
        "Petitions",
    )
)
register_dataset(
    Dataset(
        "Petition signatures by ward",
        "How many counted signatures each published petition has from each ward.",
        (("JSON", "/petitions/signatures-by-ward.json"), ("CSV", "/petitions/signatures-by-ward.csv")),
        WARD_FIELDS,
        "Petitions",
    )
)


async def _ward_counts(session: AsyncSession) -> list[dict[str, Any]]:
    names = await ward_names(session)
    rows = await session.exec(
        select(Signature.petition_id, Signature.ward_code, func.count())
        .join(Petition, col(Petition.id) == col(Signature.petition_id))
        .where(col(Petition.state).in_(PUBLISHED_STATES), *counted())
        .group_by(col(Signature.petition_id), col(Signature.ward_code))
        .order_by(col(Signature.petition_id), col(Signature.ward_code))
    )
    return [
        {"petition_id": pid, "ward_code": code, "ward": names.get(code, code), "signatures": int(n)}
        for pid, code, n in rows.all()
    ]


async def wards_json(request: Request) -> Response:
    async with reading(request) as session:
        return json_response(await _ward_counts(session))


async def wards_csv(request: Request) -> Response:
    async with reading(request) as session:
        rows = await _ward_counts(session)
    header = [name for name, _ in WARD_FIELDS]
    return csv_response(header, ([r[h] for h in header] for r in rows), "petition-signatures-by-ward.csv")


def _entry(request: Request, petition: Petition) -> str:
    url = request.app.state.settings.url(f"/petitions/{petition.id}")
    updated = petition.closed_at or petition.opened_at or petition.created_at
    return (
        f"<entry><id>{escape(url)}</id><title>{escape(petition.action)}</title>"
        f'<link href="{escape(url)}"/><updated>{updated.isoformat()}</updated>'
        f"<summary>{escape(petition.background)}</summary></entry>"
    )


async def atom(request: Request) -> Response:
    """Newly opened and closed petitions, newest first; responses have their own feed."""
    async with reading(request) as session:
        rows = await session.exec(
            select(Petition)
            .where(col(Petition.state).in_(PUBLISHED_STATES))
            .order_by(col(Petition.opened_at).desc(), col(Petition.id).desc())
            .limit(FEED_SIZE)
        )
        petitions = list(rows.all())
    settings = request.app.state.settings
    self_url = escape(settings.url("/petitions.atom"))
    updated = max((p.closed_at or p.opened_at or FEED_EPOCH for p in petitions), default=FEED_EPOCH)
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{self_url}</id><title>{escape(settings.council_name)}: petitions</title>"
        f'<updated>{updated.isoformat()}</updated><link rel="self" href="{self_url}"/>'
        f"<rights>{OGL}</rights>{''.join(_entry(request, p) for p in petitions)}</feed>"
    )
    return Response(feed, media_type="application/atom+xml", headers={"Cache-Control": PUBLIC_CACHE})
