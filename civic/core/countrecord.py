"""Count records: the files and facts anyone needs to check a published count themselves.

A feature that publishes a count (youth budgets, police priorities) stores, in the same transaction
as the count, the anonymised ballots it counted, the result it got, the rule and its parameters, the
tie-break and the counting engine's name and version. The record's digest (SHA-256 over its
manifest, which holds the SHA-256 of every file) goes into the hash-chained audit log when the result
is published, so a file changed later no longer matches its digest, a digest changed later no longer
matches the record's digest, and a record digest changed later breaks the audit chain.

The files are stored as they were published, never made again from the live tables: a title edited
after the count must not change a published file. `civic.core.recount` checks a record; the
features' recount modules count its files again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.responses import Response

from civic.core import audit
from civic.core.db import UTCDateTime, row_id
from civic.core.publish import OGL, PUBLIC_CACHE
from civic.core.recount import FORMAT, canonical, record_digest, sha256_text
from civic.core.users import StaffUser

MEDIA_TYPES = {
    ".pb": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
}


class CountRecord(SQLModel, table=True):
    """One published (or about to be published) count's record. Never edited once published."""

    __tablename__ = "count_record"
    __table_args__ = (UniqueConstraint("kind", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)  # the feature: "budgets", "priorities"
    object_id: str = Field(max_length=80)  # the count it records: a budget result, a priorities round
    title: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=UTCDateTime)
    manifest_json: str = Field(sa_type=Text)  # canonical JSON; its digest is `record_sha256`
    files_json: str = Field(sa_type=Text)  # file name -> the file's text, exactly as published
    record_sha256: str = Field(max_length=64)
    audit_entry_id: int | None = Field(default=None, foreign_key="audit_entry.id")


@dataclass(frozen=True)
class CountFile:
    name: str  # e.g. "ballots.pb", "result.json"; safe in a URL path and as a file name
    role: str  # "ballots" or "result"
    text: str
    label: str = ""  # what it is, for people (e.g. an area's name)


def result_text(data: Any) -> str:
    """A result as published: JSON with sorted keys, indented so people can read it."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class Engine:
    name: str  # the module that counts, e.g. "civic.budgets.tally"
    version: str


def build_manifest(
    *,
    kind: str,
    title: str,
    rule: str,
    parameters: Mapping[str, Any],
    tie_break: str,
    engine: Engine,
    files: Sequence[CountFile],
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "kind": kind,
        "title": title,
        "rule": rule,
        "parameters": dict(parameters),
        "tie_break": tie_break,
        "engine": {"name": engine.name, "version": engine.version},
        "files": [
            {"name": f.name, "role": f.role, "label": f.label, "sha256": sha256_text(f.text)} for f in files
        ],
    }


async def store(
    session: AsyncSession,
    *,
    kind: str,
    object_id: object,
    manifest: dict[str, Any],
    files: Sequence[CountFile],
    now: datetime,
) -> CountRecord:
    record = CountRecord(
        kind=kind,
        object_id=str(object_id),
        title=str(manifest["title"])[:200],
        created_at=now,
        manifest_json=canonical(manifest).decode(),
        files_json=json.dumps({f.name: f.text for f in files}, ensure_ascii=False),
        record_sha256=record_digest(manifest),
    )
    session.add(record)
    await session.flush()
    return record


async def publish(
    session: AsyncSession, record: CountRecord, *, actor: StaffUser | None, now: datetime
) -> audit.AuditEntry:
    """Put the record's digest into the public audit log; the record is then fixed."""
    entry = await audit.record(
        session,
        actor=actor,
        action=f"{record.kind}.count_record_published",
        object_type="count_record",
        object_id=record.id,
        now=now,
        reason=f"{record.title}: count record sha256:{record.record_sha256}",
        public=True,
    )
    record.audit_entry_id = entry.id
    session.add(record)
    await session.flush()
    return entry


async def find(session: AsyncSession, kind: str, object_id: object) -> CountRecord | None:
    query = select(CountRecord).where(CountRecord.kind == kind, CountRecord.object_id == str(object_id))
    return (await session.exec(query)).first()


async def published(session: AsyncSession, kind: str, object_id: object) -> CountRecord | None:
    """The record, if its digest is in the audit log."""
    record = await find(session, kind, object_id)
    return record if record is not None and record.audit_entry_id is not None else None


def audit_fields(entry: audit.AuditEntry) -> dict[str, Any]:
    """Everything `audit.entry_hash` covers, so anyone can recompute the entry's hash."""
    return {
        "id": row_id(entry),
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "reason": entry.reason,
        "reason_digest": entry.reason_digest,
        "public": entry.public,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


async def document(session: AsyncSession, record: CountRecord) -> dict[str, Any]:
    """The record as published (`record.json`): the manifest, its digest and the audit entry."""
    entry = (
        None if record.audit_entry_id is None else await session.get(audit.AuditEntry, record.audit_entry_id)
    )
    return {
        **json.loads(record.manifest_json),
        "record_sha256": record.record_sha256,
        "audit": None if entry is None else audit_fields(entry),
    }


def files_of(record: CountRecord) -> dict[str, str]:
    files: dict[str, str] = json.loads(record.files_json)
    return files


def file_names(record: CountRecord) -> list[dict[str, Any]]:
    """The manifest's file list (name, role, label, sha256), for pages."""
    listed: list[dict[str, Any]] = json.loads(record.manifest_json)["files"]
    return listed


def _headers(filename: str) -> dict[str, str]:
    return {
        "Cache-Control": PUBLIC_CACHE,
        "X-Licence": OGL,
        "Access-Control-Allow-Origin": "*",
        "Content-Disposition": f'attachment; filename="{filename}"',
    }


def record_response(doc: Mapping[str, Any]) -> Response:
    body = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return Response(body, media_type="application/json", headers=_headers("record.json"))


def file_response(record: CountRecord, name: str) -> Response | None:
    """One of the record's files, byte for byte as its digest was taken; None if it has no such file."""
    text = files_of(record).get(name)
    if text is None:
        return None
    suffix = name[name.rfind(".") :] if "." in name else ""
    media_type = MEDIA_TYPES.get(suffix, "text/plain; charset=utf-8")
    return Response(text.encode(), media_type=media_type, headers=_headers(name))


def page_context(doc: Mapping[str, Any], base: str, absolute: str) -> dict[str, Any]:
    """What a "Check this count" page shows: the files with their digests and links under `base`
    (the record's folder, e.g. "/budgets/youth-fund/count/"), and the record's absolute URL for the
    `civic recount` command line."""
    files = [{**f, "href": base + str(f["name"])} for f in doc["files"]]
    return {
        "record": doc,
        "files": files,
        "ballots": [f for f in files if f["role"] == "ballots"],
        "record_href": base + "record.json",
        "record_url": absolute,
        "audit_entry": doc.get("audit"),
        "audit_at": datetime.fromisoformat(doc["audit"]["at"]) if doc.get("audit") else None,
    }
