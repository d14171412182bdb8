"""Option lists for selects, radios and checkboxes, built in Python rather than in Jinja.

A pure module (no web framework), so that the template environment can offer `options` to every
template without importing the form-reading code in civic/core/forms.py."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict


class Hint(TypedDict):
    text: str


class Option(TypedDict, total=False):
    value: str
    text: str
    selected: bool
    checked: bool
    id: str
    hint: Hint


# (value, text) or (value, text, hint): a hint is shown under that one radio or checkbox.
Pair = tuple[object, object] | tuple[object, object, object]


def options(
    pairs: Iterable[Pair],
    selected: object = None,
    *,
    id_prefix: str | None = None,
) -> list[Option]:
    """Items for a select, radios or checkboxes, built here rather than in Jinja.

    `selected` is one value (select, radios) or a collection of values (checkboxes); values compare
    as strings, as they come back from a form. With `id_prefix`, the first item's id is the prefix
    (where the error summary links) and each other item's is `<prefix>-<value>`; without it the GOV.UK
    macros number them."""
    chosen = _chosen(selected)
    items: list[Option] = []
    for pair in pairs:
        value, label = pair[0], pair[1]
        key = "" if value is None else str(value)
        item: Option = {"value": key, "text": str(label), "selected": key in chosen, "checked": key in chosen}
        if len(pair) == 3 and pair[2]:
            item["hint"] = {"text": str(pair[2])}
        if id_prefix is not None:
            item["id"] = f"{id_prefix}-{key}" if items else id_prefix
        items.append(item)
    return items


def _chosen(selected: object) -> set[str]:
    if selected is None:
        return set()
    if isinstance(selected, (set, frozenset, list, tuple)):
        return {str(value) for value in selected}
    return {str(selected)}
