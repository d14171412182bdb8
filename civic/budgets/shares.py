"""One voter's own share of a stored count: what their share was, what it helped pay for, and why the
projects they chose that were not funded were not (a reading age of about 11, as `summary`).

Pure: it reads one area of a stored count (`outcome_json`) and the voter's own choices, nothing else,
and never runs the count again. The Method of Equal Shares gives every voter the same share
(`voter_share`, after raising it), and pays for projects one after another (`shares.prices`, in
order): each supporter of a project pays its price, or everything they have left if that is less.
So a voter's payments follow from their own choices alone, and the payments of all a project's
supporters add up to its cost (tests check both against the engine).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from civic.budgets.summary import names
from civic.budgets.tally import money
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l

NOT_KEPT = _l(
    "We cannot show your own share for this count. It was counted before we started keeping what "
    "each share paid for."
)
NOT_COUNTED = _l("We cannot show your own share: your vote's area is not in the published count.")
NO_SHARES = _l(
    "This vote was counted by putting the projects in order of votes, so nobody had a share of their own."
)


@dataclass(frozen=True)
class Paid:
    title: str
    amount: Fraction

    @property
    def shown(self) -> str:
        return money(self.amount)  # pence when it is not whole pounds, as in the sentences


@dataclass(frozen=True)
class YourShare:
    share: Fraction | None  # None when the count had no shares, or did not keep them
    paid: list[Paid]  # what the share paid towards, in the order the projects were paid for
    sentences: list[str]  # in the language of the moment: worked out for one reader, never stored

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def payments(
    share: Fraction, prices: Sequence[tuple[str, Fraction]], chosen: set[str]
) -> list[tuple[str, Fraction]]:
    """What one voter who chose `chosen` paid towards each project in `prices` that they chose."""
    left, paid = share, []
    for pid, price in prices:
        if pid in chosen:
            pay = min(left, price)
            left -= pay
            paid.append((pid, pay))
    return paid


def stored_prices(area: Mapping[str, Any]) -> list[tuple[str, Fraction]] | None:
    """The stored order and prices of the projects paid for from shares, or None if not kept."""
    book = area.get("shares")
    if not isinstance(book, Mapping) or area.get("voter_share") is None:
        return None
    return [(str(pid), Fraction(str(price))) for pid, price in book["prices"]]


def your_share(
    area: Mapping[str, Any], chosen: Sequence[str], titles: Mapping[str, str], *, has_areas: bool = False
) -> YourShare:
    """The share of a voter who chose `chosen` (project ids as the count names them) in `area`."""

    def title(pid: str) -> str:
        return titles.get(pid) or gettext("Project %(number)s", number=pid)

    rows = {str(p["id"]): p for p in area["projects"]}
    mine = [pid for pid in chosen if pid in rows]
    if area["rule"] != "mes":
        return YourShare(None, [], [str(NO_SHARES), *_greedy_reasons(area, mine, title, has_areas)])
    prices = stored_prices(area)
    if prices is None:
        return YourShare(None, [], [str(NOT_KEPT)])
    share = Fraction(str(area["voter_share"]))
    paid = payments(share, prices, set(mine))
    helped = [(pid, amount) for pid, amount in paid if amount > 0]
    sentences = [
        gettext("Your share was %(amount)s. Everyone who voted had the same share.", amount=money(share))
    ]
    if helped:
        sentences.append(
            gettext("You helped pay for %(projects)s.", projects=names([title(pid) for pid, _ in helped]))
        )
        towards = [
            gettext("%(amount)s towards %(project)s", amount=money(amount), project=title(pid))
            for pid, amount in helped
        ]
        sentences.append(gettext("You paid %(payments)s.", payments=names(towards)))
        spent = sum((amount for _, amount in helped), Fraction(0))
        if spent < share:
            sentences.append(gettext("%(amount)s of your share was not used.", amount=money(share - spent)))
    else:
        sentences.append(gettext("Your share did not pay for any project this time."))
    for pid, amount in paid:
        if amount == 0:
            sentences.append(_paid_by_others(title(pid), rows[pid]))
    in_prices = {pid for pid, _ in prices}
    for pid in mine:
        if pid not in in_prices:
            sentences.append(_mes_reason(title(pid), rows[pid], area, has_areas))
    return YourShare(share, [Paid(title(pid), amount) for pid, amount in helped], sentences)


def _paid_by_others(name: str, row: Mapping[str, Any]) -> str:
    if int(row["cost"]) == 0:
        return gettext("%(project)s, which you chose, cost nothing.", project=name)
    return gettext(
        "%(project)s, which you chose, was paid for by the others who chose it, because your share had been used up.",
        project=name,
    )


def _excluded(name: str, row: Mapping[str, Any]) -> str:
    reason = str(row.get("explanation", "")).partition("Reason: ")[2].strip()
    text = gettext(
        "%(project)s, which you chose, was not counted, because the council took it out of the count.",
        project=name,
    )
    if not reason:
        return text
    return text + " " + gettext("Their reason: %(reason)s", reason=reason)


def _too_big(row: Mapping[str, Any], area: Mapping[str, Any], has_areas: bool) -> str | None:
    if int(row["cost"]) <= int(area["budget"]):
        return None
    cost, budget = money(int(row["cost"])), money(int(area["budget"]))
    if has_areas:
        return gettext(
            "it cost %(cost)s, more than your area's whole budget of %(budget)s", cost=cost, budget=budget
        )
    return gettext("it cost %(cost)s, more than the whole budget of %(budget)s", cost=cost, budget=budget)


def _mes_reason(name: str, row: Mapping[str, Any], area: Mapping[str, Any], has_areas: bool) -> str:
    """Why a project the voter chose was not paid for from shares, and what happened to it then."""
    if row["stage"] == "excluded":
        return _excluded(name, row)
    if row["stage"] == "completion":
        return gettext(
            "%(project)s, which you chose, was paid for at the end, from the money that was left over, "
            "not from people's shares.",
            project=name,
        )
    too_big = _too_big(row, area, has_areas)
    if too_big is not None:
        return gettext(
            "%(project)s, which you chose, was not funded, because %(why)s.", project=name, why=too_big
        )
    cost, pid = int(row["cost"]), str(row["id"])
    held = area["shares"].get("held_at_end", {}).get(pid)
    left = area["shares"].get("left_at_turn", {}).get(pid)
    if int(row["votes"]) * Fraction(str(area["voter_share"])) < cost:
        why = gettext(
            "even the shares of everyone who chose it did not add up to its cost of %(cost)s",
            cost=money(cost),
        )
    elif held is not None:
        why = gettext(
            "it cost more than the money the people who chose it had left. They had paid for other "
            "projects first, and had %(left)s left between them, but it cost %(cost)s",
            left=money(Fraction(str(held))),
            cost=money(cost),
        )
    else:
        why = gettext(
            "the people who chose it did not have the %(cost)s it cost between them", cost=money(cost)
        )
    text = gettext("%(project)s, which you chose, was not funded, because %(why)s.", project=name, why=why)
    if left is not None:
        end = gettext(
            "At the end, only %(left)s of the budget was left, not enough to pay for it.",
            left=money(int(left)),
        )
        text += f" {end}"
    return text


def _greedy_reasons(
    area: Mapping[str, Any], mine: list[str], title: Callable[[str], str], has_areas: bool
) -> list[str]:
    rows = {str(p["id"]): p for p in area["projects"]}
    out = []
    for pid in mine:
        row = rows[pid]
        if row["funded"]:
            out.append(gettext("%(project)s, which you chose, was funded.", project=title(pid)))
        elif row["stage"] == "excluded":
            out.append(_excluded(title(pid), row))
        else:
            why = _too_big(row, area, has_areas) or gettext(
                "there was not enough money left when its turn came"
            )
            out.append(
                gettext(
                    "%(project)s, which you chose, was not funded, because %(why)s.",
                    project=title(pid),
                    why=why,
                )
            )
    return out
