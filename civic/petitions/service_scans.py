"""Scans of paper petitions and of bundles of paper sheets: checked by their first bytes, kept in the
database, downloaded by moderators only, and removed with the paper signatures they show."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import defer
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.audit import record
from civic.core.db import row_id
from civic.core.errors import NotFound
from civic.core.i18n import gettext
from civic.core.users import StaffUser
from civic.petitions.models import Petition, PetitionPaperScan

# What a scan may be, told by its first bytes: a browser's content type and a file's name are only
# what the sender says.
MAGIC = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
EXTENSIONS = {kind: ext for _magic, kind, ext in MAGIC}


class ScanError(Exception):
    """An upload that cannot be kept as a scan; the message is shown on the form."""


def scan_type(data: bytes) -> str | None:
    """The content type of a PDF, PNG or JPEG file, from its first bytes; None for anything else."""
    return next((kind for magic, kind, _ext in MAGIC if data.startswith(magic)), None)


def check_scan(data: bytes, *, max_bytes: int) -> str:
    """The scan's content type, or ScanError saying what is wrong with the file."""
    if not data:
        raise ScanError(gettext("The selected file is empty"))
    if len(data) > max_bytes:
        raise ScanError(gettext("The selected file must be smaller than %(size)s", size=_size(max_bytes)))
    kind = scan_type(data)
    if kind is None:
        raise ScanError(gettext("The selected file must be a PDF, PNG or JPEG file"))
    return kind


def _size(n: int) -> str:
    return f"{n // 1_000_000} MB" if n >= 1_000_000 else f"{max(1, n // 1000)} KB"


async def add_scan(
    session: AsyncSession,
    petition: Petition,
    data: bytes,
    *,
    batch_id: int | None,
    max_bytes: int,
    actor: StaffUser,
    now: datetime,
) -> PetitionPaperScan:
    scan = PetitionPaperScan(
        petition_id=row_id(petition), batch_id=batch_id, content_type=check_scan(data, max_bytes=max_bytes),
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_by=row_id(actor),
        uploaded_at=now,
    )  # fmt: skip
    session.add(scan)
    await session.flush()
    await record(
        session, actor=actor, action="petitions.scan_upload", object_type="petition_paper_scan",
        object_id=scan.id, now=now, reason=f"petition {petition.id}, {scan.size} bytes, sha256 {scan.sha256}",
    )  # fmt: skip
    return scan


@dataclass(frozen=True)
class ScanInfo:
    """What the paper page lists of a scan (its bytes stay in the database)."""

    id: int
    batch_id: int | None
    content_type: str
    size: int
    sha256: str
    uploaded_by: int
    uploaded_at: datetime

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, "bin")


async def scans_of(session: AsyncSession, petition_id: int) -> list[ScanInfo]:
    """A petition's scans, oldest first, without loading their bytes."""
    rows = await session.exec(
        select(PetitionPaperScan)
        .options(defer(PetitionPaperScan.data))  # type: ignore[arg-type]
        .where(PetitionPaperScan.petition_id == petition_id)
        .order_by(col(PetitionPaperScan.id))
    )
    return [
        ScanInfo(row_id(s), s.batch_id, s.content_type, s.size, s.sha256, s.uploaded_by, s.uploaded_at)
        for s in rows.all()
    ]


async def download_scan(
    session: AsyncSession, petition: Petition, scan_id: int, *, actor: StaffUser, now: datetime
) -> PetitionPaperScan:
    """One of the petition's scans, with an audit entry saying who downloaded it."""
    scan = await session.get(PetitionPaperScan, scan_id)
    if scan is None or scan.petition_id != petition.id:
        raise NotFound()
    await record(
        session, actor=actor, action="petitions.scan_download", object_type="petition_paper_scan",
        object_id=scan.id, now=now, reason=f"petition {petition.id}",
    )  # fmt: skip
    return scan


async def delete_scan(
    session: AsyncSession, petition: Petition, scan_id: int, *, actor: StaffUser, now: datetime
) -> None:
    """A moderator removes a scan (uploaded by mistake, or on an erasure request met by hand)."""
    scan = await session.get(PetitionPaperScan, scan_id)
    if scan is None or scan.petition_id != petition.id:
        raise NotFound()
    await session.delete(scan)
    await record(
        session, actor=actor, action="petitions.scan_delete", object_type="petition_paper_scan",
        object_id=scan_id, now=now, reason=f"petition {petition.id}",
    )  # fmt: skip
    await session.flush()


async def delete_scans_of(session: AsyncSession, petition_id: int) -> int:
    """Every scan of a petition, deleted when its signers' personal data is removed."""
    done = await session.exec(
        delete(PetitionPaperScan).where(col(PetitionPaperScan.petition_id) == petition_id)
    )
    return int(done.rowcount or 0)
