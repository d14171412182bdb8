"""The retention register and the subject-access contract, in core types.

Every table column that holds personal data is declared once, as a `PersonalData` entry beside the
model that holds it: core's own tables in `civic/core/privacy_core.py`, each feature's in its
`privacy.py`, named by its contract (`Feature.personal_data`). The privacy notices, the README's data
map and the register test are all built from `REGISTER`, and each retention period is read from the
same setting the deletion job reads, so a notice cannot say something the code does not do.

A feature also gives `SubjectAccess`: how to find, export and erase what it holds about one email
address. Core calls those functions for a subject access or erasure request without importing any
feature.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import ConfigError, Settings
from civic.core.i18n import LazyString, Text, gettext, lazy_gettext, ngettext


class Basis(StrEnum):
    """The lawful basis (UK GDPR article 6) a council relies on for a piece of personal data."""

    PUBLIC_TASK = "public task"
    CONSENT = "consent"
    LEGAL_OBLIGATION = "legal obligation"

    @property
    def explained(self) -> str:
        """In the language of the moment (the reader's, on a page)."""
        return {
            Basis.PUBLIC_TASK: gettext(
                "a task the council carries out in the public interest (UK GDPR article 6(1)(e))"
            ),
            Basis.CONSENT: gettext(
                "your consent, which you can withdraw at any time (UK GDPR article 6(1)(a))"
            ),
            Basis.LEGAL_OBLIGATION: gettext("a legal obligation the council has (UK GDPR article 6(1)(c))"),
        }[self]


@dataclass(frozen=True)
class Retention:
    """How long a piece of personal data is kept, and what removes it.

    `rule` is a sentence with `%(period)s` where the period goes, e.g. "deleted %(period)s after the
    petition closes" (a lazy string, so a notice shows it in the reader's language). The period is
    read from `setting` (a whole number of `unit`), the very setting the deletion job `job` reads. A
    rule with no setting is fixed in the code (`period` is then unused)."""

    rule: Text
    setting: str | None = None
    unit: str = "days"
    job: str | None = None

    def period(self, settings: Settings) -> str:
        if self.setting is None:
            return ""
        amount = _setting_int(settings, self.setting)
        if self.unit == "hours":
            return ngettext("%(num)s hour", "%(num)s hours", amount)
        return ngettext("%(num)s day", "%(num)s days", amount)

    def describe(self, settings: Settings) -> str:
        """The rule in the language of the moment, with its period."""
        if isinstance(self.rule, LazyString):  # its own values too ("deleted after %(days)s days")
            return gettext(self.rule.message, **self.rule.variables, period=self.period(settings))
        return self.rule % {"period": self.period(settings)}


def _setting_int(settings: Settings, name: str) -> int:
    """A period setting, core's own (a Settings field) or a feature's (registered by name)."""
    own = name.lower()
    if hasattr(settings, own) and isinstance(getattr(settings, own), int):
        return int(getattr(settings, own))
    try:
        return settings.int_value(name)
    except ConfigError:
        raise ConfigError(f"the retention register names {name}, which is not a setting") from None


@dataclass(frozen=True)
class PersonalData:
    """One table's personal-data columns, declared once with why and for how long they are kept."""

    table: str
    columns: tuple[str, ...]
    what: Text  # "your name, email address and postcode"
    purpose: Text
    basis: Basis
    who_sees: Text
    retention: Retention
    feature: str = "site"  # whose notice lists it; filled from the contract by civic/features.py


@dataclass(frozen=True)
class Held:
    """One record a feature holds about an email address, for the export (JSON and a page)."""

    kind: str  # "Petition signature"
    fields: Mapping[str, str]
    note: str = ""  # what erasure will do to it, or why it stays


@dataclass(frozen=True)
class Erased:
    """What one erasure did in one feature: a sentence per kind of record, for the audit and the page."""

    changed: int
    summary: str


@dataclass(frozen=True)
class Subject:
    """Whose data is asked for: the address as typed (normalised) and the key of the email hashes,
    so a feature that stores only a keyed hash of an address can still find its rows."""

    email: str
    secret: str


SearchFunc = Callable[[AsyncSession, Subject], Awaitable[list[Held]]]
EraseFunc = Callable[[AsyncSession, Subject, datetime], Awaitable[Erased]]


@dataclass(frozen=True)
class SubjectAccess:
    """How a feature answers a subject access or erasure request for one email address.

    `search` returns what it holds; `erase` removes or anonymises it and flushes, never commits.
    `rules` are the sentences the privacy notice shows about what erasure does in this feature."""

    search: SearchFunc
    erase: EraseFunc
    rules: tuple[Text, ...] = ()
    notes: tuple[Text, ...] = field(default=())  # things the export always says (e.g. secret ballots)


@dataclass(frozen=True)
class FeatureAccess:
    """A feature's subject access functions with its name, as core keeps them."""

    feature: str
    access: SubjectAccess


EVERYONE = lazy_gettext("everyone")


@dataclass(frozen=True)
class Cookie:
    """A cookie Civic sets. All are essential (none tracks anyone), so none needs consent; the cookies
    page lists each with its lifetime, read from the code or the setting that sets it."""

    name: str
    purpose: Text
    lifetime: Callable[[Settings], str]
    who: Text = EVERYONE


REGISTER: list[PersonalData] = []  # filled by civic/features.py install()
COOKIES: list[Cookie] = []  # likewise: core's and every feature's
ACCESS: list[FeatureAccess] = []  # likewise


def email_digest(email: str) -> str:
    """A digest of an address, for audit entries about a request that must not name the resident."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def declared_columns() -> set[tuple[str, str]]:
    return {(entry.table, column) for entry in REGISTER for column in entry.columns}


def entries_of(feature: str) -> list[PersonalData]:
    return [entry for entry in REGISTER if entry.feature == feature]
