"""Petitions in the open data catalogue: the petition list (JSON, CSV, Atom) and signature counts by
ward for every published petition. No names, emails or postcodes of anyone."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core.db import reading
from civic.core.deps import state
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.maps import GEOJSON_FIELDS
from civic.core.opendata import Dataset
from civic.core.publish import (
    FEWER,
    SMALL_COUNT_NOTE_SHOWN,
    FeedEntry,
    atom_response,
    csv_of_records,
    json_response,
    shown_value,
)
from civic.petitions.models import PUBLISHED_STATES, Petition
from civic.petitions.service_counting import public_ward_counts
from civic.petitions.web_common import ward_names

FEED_SIZE = 50

PETITION_FIELDS = (
    ("id", _l("the petition's number")),
    ("url", _l("the petition's page")),
    ("action", _l("what the council is asked to do")),
    ("state", _l("open, closed or rejected")),
    ("signature_count", _l("confirmed signatures that count (suspect ones are left out)")),
    ("opened_at / closes_at / closed_at", _l("when it opened, closes and closed (UTC, ISO 8601)")),
    ("response_threshold / debate_threshold", _l("signatures needed, as recorded when it opened")),
    ("response_due_at", _l("when the council's response is due, once the response threshold is reached")),
    ("response", _l("the council's current answer: summary, details, first publication, version")),
    ("debate", _l("debate date, outcome and links")),
)
WARD_FIELDS = (
    ("petition_id", _l("the petition's number")),
    ("ward_code", _l("ONS ward code, or OUTSIDE for people who work or study here")),
    ("ward", _l("ward name")),
    ("signatures", _l("confirmed, counted signatures from that ward; %(note)s", note=SMALL_COUNT_NOTE_SHOWN)),
)

DATASETS = (
    Dataset(
        _l("Petitions"),
        _l(
            "Every published petition with its signature count, thresholds, the council's response and debate."
        ),
        (("JSON", "/petitions.json"), ("CSV", "/petitions.csv"), ("Atom", "/petitions.atom")),
        PETITION_FIELDS,
        _l("Petitions"),
    ),
    Dataset(
        _l("Petition signatures by ward"),
        _l("How many counted signatures each published petition has from each ward."),
        (("JSON", "/petitions/signatures-by-ward.json"), ("CSV", "/petitions/signatures-by-ward.csv")),
        WARD_FIELDS,
        _l("Petitions"),
    ),
    Dataset(
        _l("Petition signatures by ward: maps"),
        _l(
            "Each published petition's ward map as GeoJSON (RFC 7946): the ward outlines with the signatures "
            "and signatures per 1,000 residents, at /petitions/NUMBER/signatures-by-ward.geojson (linked "
            "under the map on the petition's page). Counts from 1 to 4 are given as '%(fewer)s'.",
            fewer=FEWER,
        ),
        (),
        (
            *GEOJSON_FIELDS,
            ("signatures", _l("counted signatures from the ward")),
            ("per_1000_residents", _l("signatures per 1,000 residents (null when not shown)")),
        ),
        _l("Petitions"),
    ),
)


async def _ward_counts(session: AsyncSession) -> list[dict[str, Any]]:
    names = await ward_names(session)
    return [
        {"petition_id": pid, "ward_code": code, "ward": names.get(code, code), "signatures": shown_value(n)}
        for pid, code, n in await public_ward_counts(session)
    ]


async def wards_json(request: Request) -> Response:
    async with reading(request) as session:
        return json_response(await _ward_counts(session))


async def wards_csv(request: Request) -> Response:
    async with reading(request) as session:
        rows = await _ward_counts(session)
    header = [name for name, _ in WARD_FIELDS]
    return csv_of_records(header, rows, "petition-signatures-by-ward.csv")


def _entry(petition: Petition) -> FeedEntry:
    updated = petition.closed_at or petition.opened_at or petition.created_at
    return FeedEntry(f"/petitions/{petition.id}", petition.action, updated, petition.background)


async def atom(request: Request) -> Response:
    """Newly opened and closed petitions, newest first; responses have their own feed."""
    async with reading(request) as session:
        rows = await session.exec(
            select(Petition)
            .where(col(Petition.state).in_(PUBLISHED_STATES))
            .order_by(col(Petition.opened_at).desc(), col(Petition.id).desc())
            .limit(FEED_SIZE)
        )
        entries = [_entry(petition) for petition in rows.all()]
    return atom_response(
        state(request).settings, path="/petitions.atom", title=gettext("petitions"), entries=entries
    )
