"""Staff pages for assisted signing: the form a member of staff fills in with a resident (consent
recorded, no email), the reference to print or read out, and the moderators' review list."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from civic.core.clock import now
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, staff
from civic.core.errors import NotFound
from civic.core.forms import check_length, check_no_formula, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.rules import require
from civic.core.templating import render_page
from civic.core.users import Role
from civic.petitions import service_assisted
from civic.petitions.models import Channel, OfflineSignature
from civic.petitions.web_common import forget, form_page, load, policy

MESSAGE = _l("Staff sign only open petitions for residents.")
DECLARED = [("yes", _l("The resident lives, works or studies in the council's area"))]
CONSENT = [
    ("yes", _l("The resident asked me to sign for them and agreed to their name and postcode being kept"))
]


def _context(petition: Any, values: dict[str, Any]) -> dict[str, Any]:
    return {"petition": petition, "values": values, "declared_pairs": DECLARED, "consent_pairs": CONSENT}


async def assisted_form(request: Request) -> Response:
    actor, at = staff(request), now(request)
    async with reading(request) as session:
        petition = await load(session, request)
    require("petitions.sign_assisted", actor, petition, now=at, message=str(MESSAGE))
    return form_page(request, "petitions/staff/assisted.html", _context(petition, {}), {})


async def assisted_post(request: Request) -> Response:
    actor, form, at = staff(request), await read_form(request), now(request)
    values = {k: text(form, k) for k in ("name", "postcode", "declared", "consent")}
    errors: dict[str, str] = {}
    check_length(errors, "name", values["name"], _l("the resident's name"), maximum=120)
    check_no_formula(errors, "name", values["name"], _l("the resident's name"))
    if not values["postcode"]:
        errors["postcode"] = gettext("Enter the resident's postcode")
    if values["consent"] != "yes":
        errors["consent"] = gettext("Confirm the resident asked you to sign and agreed")
    async with transaction(request) as session:
        petition = await load(session, request)
        require("petitions.sign_assisted", actor, petition, now=at, message=str(MESSAGE))
        if errors:
            return form_page(request, "petitions/staff/assisted.html", _context(petition, values), errors)
        row = await service_assisted.sign_assisted(
            session, petition, name=values["name"], postcode=values["postcode"],
            declared=values["declared"] == "yes", actor=actor, limit=policy(request).assisted_limit, now=at,
        )  # fmt: skip
    forget(request, row_id(petition))
    return redirect_after_post(request, f"/petitions/{petition.id}/assisted/{row.id}")


async def receipt(request: Request) -> Response:
    """The reference for the resident, printable; only the member of staff who entered it (or a
    moderator) sees it."""
    actor = staff(request)
    async with reading(request) as session:
        petition = await load(session, request)
        row = await session.get(OfflineSignature, path_id(request, "signature_id"))
    if row is None or row.petition_id != petition.id or row.channel != Channel.ASSISTED:
        raise NotFound()
    if row.entered_by != actor.id and not actor.has_role(Role.MODERATOR):
        raise NotFound()
    return render_page(request, "petitions/staff/assisted_done.html", {"petition": petition, "row": row})
