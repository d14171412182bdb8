"""Reading the admin's responsible-body form into values and a field -> message map, and the
residents' fixed option lists."""

from __future__ import annotations

import re

from starlette.datastructures import FormData

from civic.core.forms import Errors, text
from civic.core.i18n import gettext
from civic.responses.models import BodyKind

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
BODY_FIELDS = ("slug", "name", "kind", "description")


def check_body(slug: str, name: str, kind: str) -> Errors:
    errors: Errors = {}
    if not SLUG_RE.match(slug) or len(slug) > 60:
        errors["slug"] = gettext(
            "Enter a short identifier of lower-case letters, numbers and hyphens, like police-fernbridge-north"
        )
    if not name or len(name) > 160:
        errors["name"] = gettext("Enter the body's name (160 characters or fewer)")
    if kind not in {k.value for k in BodyKind}:
        errors["kind"] = gettext("Choose what kind of body it is")
    return errors


def parse_body(form: FormData) -> tuple[dict[str, str], Errors]:
    """The body form's values (kept to redisplay) and what is wrong with them, before any
    database check such as a slug already in use."""
    values = {key: text(form, key) for key in BODY_FIELDS}
    errors = check_body(values["slug"], values["name"], values["kind"])
    if len(values["description"]) > 500:
        errors["description"] = gettext("Description must be 500 characters or fewer")
    return values, errors


def everything_pairs(council_name: str) -> list[tuple[object, str]]:
    """The unsubscribe page's one box: stop every update email, not just this one."""
    return [
        ("yes", gettext("Stop all update emails from %(council)s, not just this one", council=council_name))
    ]
