"""What an agenda item concerns, kept generic: a (kind, ref) pair such as ("petition", "42").

Each kind has a public label and a link pattern. Features that exist register their kinds here (a later
feature calls `register_kind` from its own package); a pair whose kind is unknown is still shown, with
the label the clerk gave, just without a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from civic.core.i18n import Text
from civic.core.i18n import lazy_gettext as _l

MINUTES_KIND = "panel_minutes"  # an item approving the minutes of an earlier meeting of the panel
REF_RE = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")


@dataclass(frozen=True)
class LinkKind:
    kind: str
    label: Text  # in the reader's language when shown
    href_pattern: str  # "{ref}" is replaced by the reference

    def href(self, ref: str) -> str:
        return self.href_pattern.replace("{ref}", ref)


KINDS: dict[str, LinkKind] = {}


def register_kind(kind: str, label: Text, href_pattern: str) -> None:
    KINDS[kind] = LinkKind(kind, label, href_pattern)


for _kind, _label, _pattern in (
    ("petition", _l("Petition"), "/petitions/{ref}"),
    ("police_priority", _l("Police priority"), "/priorities/priority/{ref}"),
    ("police_round", _l("Police priorities round"), "/priorities/rounds/{ref}"),
    ("youth_budget", _l("Youth budget"), "/budgets/{ref}"),
    ("youth_project", _l("Projects of a youth budget"), "/budgets/{ref}/proposals"),
    (MINUTES_KIND, _l("Minutes of an earlier meeting"), "/panels/meetings/{ref}"),
):
    register_kind(_kind, _label, _pattern)


def kind_label(kind: str) -> str:
    found = KINDS.get(kind)
    return str(found.label) if found else kind.replace("_", " ").capitalize()


def href_for(kind: str, ref: str) -> str | None:
    found = KINDS.get(kind)
    return found.href(ref) if found else None


def check_link(kind: str, ref: str) -> str | None:
    """A message for the clerk when the pair cannot be stored, else None."""
    if kind not in KINDS:
        return "Choose what the item is about from the list"
    if not REF_RE.match(ref):
        return "Enter the reference (its number or short name, as in its web address)"
    return None
