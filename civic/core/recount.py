"""Checking a count record (see `civic.core.countrecord`) without trusting the site that published it.

Each check is one line a person can read: the files match their digests, the manifest matches the
record's digest, the audit entry's hash recomputes and names that digest, and the count made again
gives the published result. No database: everything comes from the record and its files.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from civic.core.audit import AuditEntry, entry_hash

FORMAT = "civic-count-record/1"
MANIFEST_KEYS = ("format", "kind", "title", "rule", "parameters", "tie_break", "engine", "files")


def engine_version() -> str:
    """Civic's version, named in every record as the counting engine's version."""
    try:
        return importlib.metadata.version("civic")
    except importlib.metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def canonical(data: Any) -> bytes:
    """The one byte form a digest is taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def manifest_of(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {key: doc[key] for key in MANIFEST_KEYS if key in doc}


def record_digest(manifest: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(manifest)).hexdigest()


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""

    def line(self) -> str:
        return f"{'match' if self.ok else 'MISMATCH'}: {self.name}" + (
            f" ({self.detail})" if self.detail else ""
        )


class RecordError(ValueError):
    """The record cannot be read as a count record; the message says why."""


def check_shape(doc: Any) -> None:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise RecordError(f"this is not a count record (its format is not {FORMAT})")
    files = doc.get("files")
    if not isinstance(files, list) or not all(isinstance(f, dict) and "name" in f for f in files):
        raise RecordError("the record's file list is missing or malformed")


def check_files(doc: Mapping[str, Any], files: Mapping[str, bytes]) -> list[Check]:
    checks = []
    for listed in doc["files"]:
        name = str(listed["name"])
        got = files.get(name)
        if got is None:
            checks.append(Check(f"file {name}", False, "not found"))
            continue
        digest = hashlib.sha256(got).hexdigest()
        checks.append(Check(f"file {name} has the published SHA-256", digest == listed.get("sha256"), digest))
    return checks


def check_record(doc: Mapping[str, Any]) -> Check:
    digest = record_digest(manifest_of(doc))
    return Check("the record has its published SHA-256", digest == doc.get("record_sha256"), digest)


def check_audit(doc: Mapping[str, Any]) -> list[Check]:
    """The audit entry's own hash recomputes from its fields and it names the record's digest. Its
    place in the chain (its hash is the next entry's previous-hash) is what `civic audit verify`
    checks on the site's database."""
    fields = doc.get("audit")
    if not isinstance(fields, dict):
        return [Check("the audit log entry", False, "the record has none: it was not published")]
    try:
        entry = AuditEntry(
            at=datetime.fromisoformat(str(fields["at"])),
            actor_id=fields["actor_id"],
            actor_label=fields["actor_label"],
            action=fields["action"],
            object_type=fields["object_type"],
            object_id=fields["object_id"],
            reason=fields["reason"],
            public=fields["public"],
            prev_hash=fields["prev_hash"],
            hash=fields["hash"],
            reason_digest=fields.get("reason_digest", ""),
        )
    except (KeyError, ValueError, TypeError):
        return [Check("the audit log entry", False, "its fields are missing or malformed")]
    recomputed = entry_hash(entry)
    named = f"sha256:{doc.get('record_sha256')}" in str(fields["reason"])
    publication = fields["action"] == f"{doc.get('kind')}.count_record_published" and fields["public"] is True
    return [
        Check("the audit log entry has its published hash", recomputed == fields["hash"], recomputed),
        Check("the audit log entry names the record's SHA-256", named),
        Check(
            "the audit log entry is the public publication of this record", publication, str(fields["action"])
        ),
    ]


def first_difference(published: Any, recounted: Any, path: str = "") -> str:
    """Where two JSON values first differ, as a path such as `areas[0].selected`."""
    if isinstance(published, dict) and isinstance(recounted, dict):
        for key in sorted(set(published) | set(recounted)):
            if published.get(key) != recounted.get(key):
                return first_difference(
                    published.get(key), recounted.get(key), f"{path}.{key}" if path else key
                )
    if isinstance(published, list) and isinstance(recounted, list) and len(published) == len(recounted):
        for i, (a, b) in enumerate(zip(published, recounted, strict=True)):
            if a != b:
                return first_difference(a, b, f"{path}[{i}]")
    return path or "the whole result"


def compare_results(published: Any, recounted: Any) -> Check:
    if published == recounted:
        return Check("the count made again gives the published result", True)
    return Check(
        "the count made again gives the published result",
        False,
        f"differs at {first_difference(published, recounted)}",
    )
