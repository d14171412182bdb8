"""Scans of paper petitions and bundles: uploaded on the paper forms, told apart by their first bytes,
size-limited, downloaded only by moderators as audited attachments, deleted with the paper signatures."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from civic.config import Settings
from civic.core.audit import AuditEntry
from civic.core.users import Role
from civic.petitions.models import Petition, PetitionPaperScan, State
from civic.petitions.policy import policy_of
from civic.petitions.service_fraud import anonymise_due
from tests.conftest import PASSWORD, make_settings
from tests.petitions.conftest import NO_CACHE, PetitionMaker

LIMIT = 4000
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
FORM = {"action": "Save the Abbey Road bus stop", "background": "It is used by 300 people a day.",
        "lead": "Lena Lead", "received": "2026-11-20"}  # fmt: skip


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url, extra={**NO_CACHE, "PETITION_SCAN_MAX_BYTES": str(LIMIT)})


async def _post(web: Any, url: str, fields: dict[str, str], name: str, data: bytes, kind: str) -> Any:
    token = await web.csrf_token()
    files = {"scan": (name, data, kind)}
    return await web.http.post(url, data={"csrf_token": token, **fields}, files=files)


async def _scans(db: Any) -> list[PetitionPaperScan]:
    async with db.reading() as session:
        return list((await session.exec(select(PetitionPaperScan))).all())


async def _audit(db: Any, action: str) -> list[AuditEntry]:
    async with db.reading() as session:
        return list((await session.exec(select(AuditEntry).where(AuditEntry.action == action))).all())


async def test_a_moderator_records_a_paper_petition_with_its_scan_and_downloads_it(
    web: Any, another_web: Any, db: Any, make_staff: Any
) -> None:
    moderator = await make_staff(Role.MODERATOR)
    await web.login(moderator.email, PASSWORD)
    form_page = await web.get("/petitions/paper/new")
    assert 'enctype="multipart/form-data"' in form_page.text and 'type="file"' in form_page.text
    # The browser's name and type are ignored: the bytes say PDF.
    done = await _post(web, "/petitions/paper/new", FORM, "sheets.txt", PDF, "text/plain")
    assert done.status_code == 303, done.text
    [scan] = await _scans(db)
    assert (scan.content_type, scan.size, scan.sha256) == (
        "application/pdf",
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
    )
    assert scan.batch_id is None and scan.uploaded_by == moderator.id and scan.data == PDF
    page = await web.get(done.headers["location"])
    url = f"/petitions/{scan.petition_id}/paper/scans/{scan.id}"
    assert url in page.text and "The petition as handed in" in page.text
    got = await web.get(url)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert (
        got.headers["content-disposition"]
        == f'attachment; filename="petition-{scan.petition_id}-scan-{scan.id}.pdf"'
    )
    assert got.headers["x-content-type-options"] == "nosniff" and got.headers["cache-control"] == "no-store"
    [uploaded] = await _audit(db, "petitions.scan_upload")
    [downloaded] = await _audit(db, "petitions.scan_download")
    assert uploaded.actor_id == downloaded.actor_id == moderator.id
    assert scan.sha256 in uploaded.reason and uploaded.object_id == downloaded.object_id == str(scan.id)
    # A resident is sent to sign in; other staff roles are refused; an unknown scan is a 404.
    resident = await another_web.get(url)
    assert resident.status_code in {303, 307} and "/login" in resident.headers["location"]
    for role in (Role.COUNCILLOR, Role.PANEL_CLERK):
        other = await make_staff(role)
        await another_web.login(other.email, PASSWORD)
        assert (await another_web.get(url)).status_code == 403
        await another_web.logout()
    assert (await web.get(f"/petitions/{scan.petition_id}/paper/scans/{scan.id + 1}")).status_code == 404
    assert len(await _audit(db, "petitions.scan_download")) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The selected file is empty"),
        (b"GIF89a" + b"\x00" * 20, "The selected file must be a PDF, PNG or JPEG file"),
        (b"MZ\x90\x00 not a pdf at all", "The selected file must be a PDF, PNG or JPEG file"),
        (b"%PDF-" + b"x" * LIMIT, "The selected file must be smaller than 4 KB"),
    ],
)
async def test_a_bad_scan_is_refused_on_the_form_which_keeps_its_values(
    web: Any, db: Any, make_staff: Any, data: bytes, message: str
) -> None:
    await web.login((await make_staff(Role.MODERATOR)).email, PASSWORD)
    # The name and type the browser gives are those of a good file: only the bytes count.
    refused = await _post(web, "/petitions/paper/new", FORM, "scan.pdf", data, "application/pdf")
    assert refused.status_code == 422 and message in refused.text
    assert 'href="#scan"' in refused.text  # the error summary links to the file field
    assert 'value="Save the Abbey Road bus stop"' in refused.text and 'value="Lena Lead"' in refused.text
    assert "It is used by 300 people a day." in refused.text and 'value="2026-11-20"' in refused.text
    assert await _scans(db) == []
    async with db.reading() as session:
        assert (await session.exec(select(Petition))).all() == []


async def test_the_form_without_a_file_records_the_petition_with_no_scan(
    web: Any, db: Any, make_staff: Any
) -> None:
    await web.login((await make_staff(Role.MODERATOR)).email, PASSWORD)
    done = await _post(web, "/petitions/paper/new", FORM, "", b"", "application/octet-stream")
    assert done.status_code == 303 and await _scans(db) == []


async def test_only_upload_routes_take_bodies_over_the_general_limit(
    web: Any, make_staff: Any, make_petition: PetitionMaker
) -> None:
    await web.login((await make_staff(Role.MODERATOR)).email, PASSWORD)
    petition = await make_petition()
    big = b"%PDF-" + b"x" * 1_100_000  # over MAX_BODY_BYTES (1 MiB) and over this test's scan limit
    # Over the scan limit plus the form allowance: 413 before the handler reads it.
    assert (
        await _post(web, f"/petitions/{petition.id}/paper/scans", {}, "a.pdf", big, "application/pdf")
    ).status_code == 413
    # Any other route keeps MAX_BODY_BYTES, even one under /paper.
    assert (
        await _post(web, f"/petitions/{petition.id}/paper", {}, "a.pdf", big[:LIMIT], "application/pdf")
    ).status_code != 413
    assert (
        await _post(web, f"/petitions/{petition.id}/paper/decide", {}, "a.pdf", big, "application/pdf")
    ).status_code == 413


async def test_scans_are_added_per_bundle_and_deleted_with_the_paper_signatures(
    web: Any, db: Any, clock: Any, settings: Settings, make_staff: Any, make_petition: PetitionMaker
) -> None:
    moderator = await make_staff(Role.MODERATOR)
    await web.login(moderator.email, PASSWORD)
    petition = await make_petition()
    started = await web.post_form(
        f"/petitions/{petition.id}/paper", {"label": "Library box", "sheets": "1", "received": "2026-11-20"}
    )
    batch_id = int(started.headers["location"].rsplit("/", 1)[1])
    url = f"/petitions/{petition.id}/paper/scans"
    none_chosen = await _post(web, url, {"batch": str(batch_id)}, "", b"", "application/octet-stream")
    assert none_chosen.status_code == 422 and "Select a scan of the paper sheets" in none_chosen.text
    wrong_batch = await _post(web, url, {"batch": "999"}, "box.png", PNG, "image/png")
    assert wrong_batch.status_code == 422 and "Choose which sheets the scan shows" in wrong_batch.text
    added = await _post(web, url, {"batch": str(batch_id)}, "box.png", PNG, "image/png")
    assert added.status_code == 303
    second = await _post(web, url, {"batch": ""}, "all.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 30, "image/jpeg")
    assert second.status_code == 303
    scans = await _scans(db)
    assert [(s.batch_id, s.content_type) for s in scans] == [(batch_id, "image/png"), (None, "image/jpeg")]
    page = await web.get(f"/petitions/{petition.id}/paper")
    assert "Bundle: Library box" in page.text and "Download scan" in page.text
    png = await web.get(f"{url}/{scans[0].id}")
    assert png.headers["content-type"] == "image/png" and png.headers["content-disposition"].endswith('.png"')
    # A moderator deletes one by hand (audited); the retention job deletes the rest.
    assert (await web.post_form(f"{url}/{scans[1].id}/delete")).status_code == 303
    assert [s.id for s in await _scans(db)] == [scans[0].id]
    assert len(await _audit(db, "petitions.scan_delete")) == 1
    async with db.transaction() as session:
        stored = await session.get(Petition, petition.id)
        assert stored is not None
        stored.state, stored.closed_at = State.CLOSED, clock.now()
        session.add(stored)
    policy = policy_of(settings)
    clock.advance(policy.anonymise_after - timedelta(days=1))
    async with db.transaction() as session:
        assert await anonymise_due(session, now=clock.now(), policy=policy) == 0
    assert len(await _scans(db)) == 1
    clock.advance(timedelta(days=2))
    async with db.transaction() as session:
        assert await anonymise_due(session, now=clock.now(), policy=policy) == 1
    assert await _scans(db) == []
    # Months later the moderator signs in again: the deleted scan is a 404.
    await web.login(moderator.email, PASSWORD)
    assert (await web.get(f"{url}/{scans[0].id}")).status_code == 404
