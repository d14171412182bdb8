"""The staff page for a petition handed in on paper: its text, the lead petitioner, the date it
arrived and, if there is one, a scan of its sheets. Its signatures are then typed in bundles on the petition's paper page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from civic.core.clock import now
from civic.core.db import transaction
from civic.core.deps import staff
from civic.core.forms import check_length, check_no_formula, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import lazy_gettext as _l
from civic.core.rules import require
from civic.core.users import Role
from civic.petitions import service_paper, service_scans
from civic.petitions.staff_paper import received_day
from civic.petitions.staff_scans import FIELD, chosen_file, scan_error
from civic.petitions.web_common import form_page, policy

FIELDS = (
    ("action", _l("what the petition asks for"), 80),
    ("background", _l("the petition's background"), 300),
    ("lead", _l("the lead petitioner's name"), 120),
)


async def new_form(request: Request) -> Response:
    require("petitions.record_paper_petition", staff(request, Role.MODERATOR), now=now(request))
    return form_page(request, "petitions/staff/paper_new.html", {"values": {}}, {})


async def new_post(request: Request) -> Response:
    actor, form, at = staff(request, Role.MODERATOR), await read_form(request), now(request)
    require("petitions.record_paper_petition", actor, now=at)
    values = {name: text(form, name) for name, _label, _most in FIELDS} | {"received": text(form, "received")}
    errors: dict[str, str] = {}
    for name, label, most in FIELDS:
        check_length(errors, name, values[name], label, maximum=most)
        check_no_formula(errors, name, values[name], label)
    received = received_day(errors, values["received"], at.date())
    scan, most = chosen_file(form), policy(request).scan_max_bytes
    if message := scan_error(scan, most, required=False):
        errors[FIELD] = message
    if errors or received is None:
        return form_page(request, "petitions/staff/paper_new.html", {"values": values}, errors)
    async with transaction(request) as session:
        petition = await service_paper.record_paper_petition(
            session, action=values["action"], background=values["background"], lead=values["lead"],
            received_on=received.isoformat(), actor=actor, now=at, policy=policy(request),
        )  # fmt: skip
        if scan is not None:
            await service_scans.add_scan(
                session, petition, scan, batch_id=None, max_bytes=most, actor=actor, now=at
            )
    return redirect_after_post(request, f"/petitions/{petition.id}/paper")
