"""The words GOV.UK Frontend's components would otherwise say in English, in the reader's language.

The components take their text as parameters (their JavaScript reads the plural forms from data
attributes), so the form kit passes these. Babel extracts them from here like any other string; they
stay unformatted (`%{count}` is filled in by GOV.UK Frontend, not by Python).
"""

from __future__ import annotations

from dataclasses import dataclass

from civic.core.i18n import raw_gettext, raw_ngettext

# A number in each plural category Intl.PluralRules knows, so every language gets all its forms
# (Welsh has six: zero, one, two, few, many, other).
PLURAL_SAMPLES = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 6, "other": 5}


def _plural(singular: str, plural: str) -> dict[str, str]:
    return {category: raw_ngettext(singular, plural, n) for category, n in PLURAL_SAMPLES.items()}


@dataclass(frozen=True)
class ComponentTexts:
    count_description: str
    characters_under: dict[str, str]
    characters_at: str
    characters_over: dict[str, str]
    show: str
    hide: str
    show_password: str
    hide_password: str
    password_shown: str
    password_hidden: str


def govuk_texts() -> ComponentTexts:
    return ComponentTexts(
        count_description=raw_gettext("You can enter up to %{count} characters"),
        characters_under=_plural(
            "You have %{count} character remaining", "You have %{count} characters remaining"
        ),
        characters_at=raw_gettext("You have 0 characters remaining"),
        characters_over=_plural(
            "You have %{count} character too many", "You have %{count} characters too many"
        ),
        show=raw_gettext("Show"),
        hide=raw_gettext("Hide"),
        show_password=raw_gettext("Show password"),
        hide_password=raw_gettext("Hide password"),
        password_shown=raw_gettext("Your password is visible"),
        password_hidden=raw_gettext("Your password is hidden"),
    )
