"""Moderators' scans of paper sheets: added on a petition's paper page (for the petition handed in
on paper or for one bundle), downloaded as attachments, removed by hand. Uploads and downloads are
audited; the petition retention job deletes scans with the paper signatures."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from civic.core.clock import now
from civic.core.db import row_id, transaction
from civic.core.deps import path_id, staff
from civic.core.errors import NotFound
from civic.core.forms import UploadedFile, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.rules import require
from civic.core.users import Role
from civic.petitions import service_scans
from civic.petitions.models import PetitionPaperBatch
from civic.petitions.staff_paper import MESSAGE, list_context
from civic.petitions.web_common import form_page, load, policy

FIELD = "scan"


def chosen_file(form: FormData) -> bytes | None:
    """The bytes of the file in the form's scan field; None when no file was chosen (a browser sends
    an empty part with no file name then), b"" for a chosen file that is empty."""
    upload = form.get(FIELD)
    if not isinstance(upload, UploadedFile) or (not upload.filename and not upload.data):
        return None
    return upload.data


def scan_error(data: bytes | None, max_bytes: int, *, required: bool) -> str | None:
    """The message for the scan field, or None when the file (or its absence) is fine."""
    if data is None:
        return gettext("Select a scan of the paper sheets") if required else None
    try:
        service_scans.check_scan(data, max_bytes=max_bytes)
    except service_scans.ScanError as exc:
        return str(exc)
    return None


async def upload(request: Request) -> Response:
    actor, form, at = staff(request, Role.MODERATOR), await read_form(request), now(request)
    data, most = chosen_file(form), policy(request).scan_max_bytes
    async with transaction(request) as session:
        petition = await load(session, request)
        require("petitions.enter_paper", actor, petition, now=at, message=str(MESSAGE))
        errors = {FIELD: message} if (message := scan_error(data, most, required=True)) else {}
        raw, batch_id = text(form, "batch"), None
        if raw:
            batch = (
                await session.get(PetitionPaperBatch, int(raw)) if raw.isdigit() and len(raw) < 10 else None
            )
            if batch is None or batch.petition_id != petition.id:
                errors["batch"] = gettext("Choose which sheets the scan shows")
            batch_id = batch.id if batch else None
        if errors or data is None:
            context = await list_context(session, petition, scan_of=raw)
            return form_page(request, "petitions/staff/paper.html", context, errors)
        await service_scans.add_scan(
            session, petition, data, batch_id=batch_id, max_bytes=most, actor=actor, now=at
        )
    return redirect_after_post(request, f"/petitions/{petition.id}/paper#scans")


async def download(request: Request) -> Response:
    actor, at = staff(request, Role.MODERATOR), now(request)
    async with transaction(request) as session:
        petition = await load(session, request)
        require("petitions.download_scan", actor, petition, now=at, otherwise=NotFound())
        scan = await service_scans.download_scan(
            session, petition, path_id(request, "scan_id"), actor=actor, now=at
        )
    extension = service_scans.EXTENSIONS.get(scan.content_type, "bin")
    name = f"petition-{petition.id}-scan-{scan.id}.{extension}"
    headers = {
        # Never shown in the browser: a scan is a file to save, not a page of this site.
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
    return Response(scan.data, media_type=scan.content_type, headers=headers)


async def delete(request: Request) -> Response:
    actor, at = staff(request, Role.MODERATOR), now(request)
    async with transaction(request) as session:
        petition = await load(session, request)
        require("petitions.download_scan", actor, petition, now=at, otherwise=NotFound())
        await service_scans.delete_scan(session, petition, path_id(request, "scan_id"), actor=actor, now=at)
    return redirect_after_post(request, f"/petitions/{row_id(petition)}/paper#scans")
