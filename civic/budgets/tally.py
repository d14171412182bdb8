"""The participatory-budgeting rule engine: pure, exact and fast. No web, database or clock imports.

Inputs are projects (an id and a whole-number cost), a whole-number budget and ballots. A ballot maps
project ids to points; an approval ballot gives each chosen project 1 point. Money is exact: costs and
the budget are integers (whole currency units) and every share, payment and remainder is a
`fractions.Fraction`, so no result ever depends on floating-point rounding.

Rules
-----
``greedy`` (the default)
    Projects in order of points (approvals) descending; fund each one that still fits in what is left,
    skip those that do not, and continue to the end of the list.

``mes``
    The Method of Equal Shares with cost utilities. Every voter starts with an equal share of the
    budget. A project is rho-affordable when the sum over its supporters of min(their remaining money,
    rho x cost) covers its cost; the project with the smallest rho is funded and its supporters are
    charged min(their money, rho x cost). Rounds repeat until no project is affordable.
    Completed by **Add1**: every voter's starting share is raised by one currency unit at a time and
    MES re-run, for as long as the outcome still fits in the real budget; the last outcome that fits is
    kept. Unlike pabutools' iterated `method_of_equal_shares` (`voter_budget_increment=1`), we do not
    stop at the first exhaustive outcome: `tests/budgets/data/hand_add1.pb` is a case where that would
    spend £20 of £70 and we spend £70. If every supported project fits in the budget at once, every
    outcome fits and raising never ends by itself; the outcome it tends to is taken directly (from the
    share at which each ballot could pay for all it chose alone, every supported project is funded at
    the same prices whatever the share). The kept outcome is then completed with greedy on the money left.

Ties (both rules, documented on the results page): lower cost first, then more votes, then project id.
Project ids compare naturally: ids made only of digits compare as numbers and come before other ids,
which compare as text.

Administrative overrides (a project withdrawn, one of two incompatible projects removed) are passed in
as `excluded` with a reason; those projects take no part in the count and their explanation quotes it.

Speed: identical ballots are merged with a weight, and MES runs in `civic.budgets.mes`, which finds
who cannot afford a price with numpy floats but computes every price exactly (see its docstring).
Add1 runs in `civic.budgets.add1`: at each unit step it asks a float run of MES with a rigorous error
bound (`civic.budgets.mes_scan`), which either names the projects the exact engine would fund or
refuses (near ties), and then the exact engine answers; the kept share's run is made exactly.
`stepping=True` runs the exact engine at each step (the definition, for comparison; same result), and
`exact_only=True` makes no float decision at all (exact prices throughout, with the exact engine's
jumps over the shares proved to give the outcome it already has).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from civic.budgets import add1
from civic.budgets.mes import EqualShares, MesRun

Rule = Literal["greedy", "mes"]
RULES: tuple[Rule, ...] = ("greedy", "mes")
Stage = Literal["greedy", "mes", "completion", "not funded", "excluded"]
TIE_BREAK_TEXT = "If two projects are tied, the cheaper one comes first, then the one with more votes, then the lower project number."


class TallyError(ValueError):
    """The input cannot be counted; the message says why."""


@dataclass(frozen=True)
class Project:
    id: str
    cost: int


@dataclass(frozen=True)
class ProjectOutcome:
    id: str
    cost: int
    votes: int  # voters who chose it
    points: int  # equals votes for approval ballots
    funded: bool
    stage: Stage
    explanation: str
    supporters_paid: Fraction | None = None  # MES: what its supporters paid between them
    money_left: Fraction | None = None  # what was left when its turn came (greedy) or its supporters held


@dataclass(frozen=True)
class Outcome:
    rule: Rule
    budget: int
    selected: tuple[str, ...]  # in the order they were funded
    spent: int
    projects: tuple[ProjectOutcome, ...]  # in the order of the results table (funded first)
    voters: int
    voter_share: Fraction | None = None  # MES: the starting share of the run that was kept
    add1_steps: int = 0
    shares: ShareBook | None = None  # MES: what one voter's share paid for follows from it

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "rule": self.rule,
            "budget": self.budget,
            "selected": list(self.selected),
            "spent": self.spent,
            "voters": self.voters,
            "voter_share": None if self.voter_share is None else str(self.voter_share),
            "add1_steps": self.add1_steps,
            "projects": [
                {
                    "id": p.id,
                    "cost": p.cost,
                    "votes": p.votes,
                    "funded": p.funded,
                    "stage": p.stage,
                    "explanation": p.explanation,
                }
                for p in self.projects
            ],
        }
        if self.shares is not None:
            data["shares"] = self.shares.as_json()
        return data


@dataclass(frozen=True)
class ShareBook:
    """What the Method of Equal Shares did with the voters' shares, kept with the result so that one
    voter's own payments follow from their own choices alone (`civic.budgets.shares`): every voter
    starts with `voter_share`, and for each project in `prices`, in that order, each of its supporters
    pays the price or, if they have less left, all they have left."""

    prices: tuple[tuple[str, Fraction], ...]  # projects funded from shares, in order: the most one paid
    held: Mapping[str, Fraction]  # projects not funded from shares: their supporters' money at the end
    left_at_turn: Mapping[str, int]  # projects the completion step tried: the budget left at their turn

    def as_json(self) -> dict[str, object]:
        return {
            "prices": [[pid, str(price)] for pid, price in self.prices],
            "held_at_end": {pid: str(held) for pid, held in self.held.items()},
            "left_at_turn": dict(self.left_at_turn),
        }


def id_key(project_id: str) -> tuple[int, int, str]:
    return (0, int(project_id), "") if project_id.isdigit() else (1, 0, project_id)


def tie_key(project: Project, votes: int) -> tuple[int, int, tuple[int, int, str]]:
    """Lower cost first, then more votes, then project id."""
    return (project.cost, -votes, id_key(project.id))


def money(value: Fraction | int) -> str:
    """Whole units when exact, otherwise two decimal places (for explanations only)."""
    value = Fraction(value)
    if value.denominator == 1:
        return f"£{value.numerator:,}"
    return f"£{float(value):,.2f}"


@dataclass
class _Election:
    projects: list[Project]
    budget: int
    votes: list[int]  # per project index
    points: list[int]
    types: list[tuple[int, ...]]  # distinct approval sets as sorted project indices
    weights: list[int]
    voters: int
    excluded: dict[str, str] = field(default_factory=dict)


def _prepare(
    projects: Sequence[Project],
    budget: int,
    ballots: Iterable[Mapping[str, int] | Iterable[str]],
    excluded: Mapping[str, str] | None,
) -> _Election:
    if isinstance(budget, bool) or not isinstance(budget, int) or budget < 0:
        raise TallyError("The budget must be a whole number of at least 0")
    index: dict[str, int] = {}
    for project in projects:
        if project.id in index:
            raise TallyError(f"Project {project.id} is listed twice")
        if isinstance(project.cost, bool) or not isinstance(project.cost, int) or project.cost < 0:
            raise TallyError(f"Project {project.id} must cost a whole number of at least 0")
        index[project.id] = len(index)
    excluded = dict(excluded or {})
    for pid in excluded:
        if pid not in index:
            raise TallyError(f"Excluded project {pid} is not in the list of projects")
    votes, points = [0] * len(projects), [0] * len(projects)
    counter: Counter[tuple[int, ...]] = Counter()
    plain: Counter[tuple[int, ...]] = Counter()
    voters = 0
    skip = {index[pid] for pid in excluded}
    ballots = list(ballots)
    if not skip and not any(isinstance(ballot, Mapping) for ballot in ballots):
        # the usual case, counted at C speed (a city's 75,000 ballots in a twentieth of a second)
        voters, find = len(ballots), index.__getitem__
        try:
            plain = Counter(tuple(sorted(set(map(find, ballot)))) for ballot in ballots)
        except KeyError as exc:
            raise TallyError(f"A ballot names project {exc.args[0]}, which is not in the list") from None
        ballots = []
    for ballot in ballots:
        voters += 1
        if isinstance(ballot, Mapping):
            counter[_scored(ballot, index, skip, points)] += 1
            continue
        try:
            plain[tuple(sorted({index[pid] for pid in ballot} - skip))] += 1
        except KeyError as exc:
            raise TallyError(f"A ballot names project {exc.args[0]}, which is not in the list") from None
    for chosen, weight in plain.items():
        counter[chosen] += weight
        for i in chosen:
            points[i] += weight  # on an approval ballot each choice is one point
    for chosen, weight in counter.items():
        for i in chosen:
            votes[i] += weight
    types = list(counter)
    return _Election(
        list(projects), budget, votes, points, types, [counter[t] for t in types], voters, excluded
    )


def _scored(
    ballot: Mapping[str, int], index: dict[str, int], skip: set[int], points: list[int]
) -> tuple[int, ...]:
    chosen = []
    for pid, score in ballot.items():
        if pid not in index:
            raise TallyError(f"A ballot names project {pid}, which is not in the list")
        if score < 0:
            raise TallyError("Points on a ballot cannot be negative")
        i = index[pid]
        if score > 0 and i not in skip:
            points[i] += int(score)
            chosen.append(i)
    return tuple(sorted(chosen))


def tally(
    projects: Sequence[Project],
    budget: int,
    ballots: Iterable[Mapping[str, int] | Iterable[str]],
    *,
    rule: Rule = "greedy",
    excluded: Mapping[str, str] | None = None,
    increment: int = 1,
    exact_only: bool = False,
    stepping: bool = False,
    counts: Counter[str] | None = None,
) -> Outcome:
    """Count `ballots` for `projects` under `budget` with `rule`; see the module docstring. `counts`,
    if given, receives the number of MES runs made by kind (for the benchmark)."""
    if rule not in RULES:
        raise TallyError(f"Unknown rule {rule!r}; use greedy or mes")
    election = _prepare(projects, budget, ballots, excluded)
    if rule == "greedy":
        return _greedy_outcome(election)
    return _mes_outcome(election, increment, exact_only, stepping, counts)


def _greedy_order(e: _Election, candidates: Iterable[int]) -> list[int]:
    return sorted(candidates, key=lambda i: (-e.points[i], tie_key(e.projects[i], e.votes[i])))


def _run_greedy(e: _Election, start: list[int], left: int) -> tuple[list[int], dict[int, int]]:
    """Greedy over the projects not in `start`: returns the newly funded and what was left at each turn."""
    taken = set(start) | {i for i, p in enumerate(e.projects) if p.id in e.excluded}
    funded: list[int] = []
    left_at: dict[int, int] = {}
    for i in _greedy_order(e, (i for i in range(len(e.projects)) if i not in taken)):
        left_at[i] = left
        if e.projects[i].cost <= left:
            funded.append(i)
            left -= e.projects[i].cost
    return funded, left_at


def _greedy_outcome(e: _Election) -> Outcome:
    funded, left_at = _run_greedy(e, [], e.budget)
    chosen = set(funded)
    rows = []
    for i in _table_order(e, chosen):
        p = e.projects[i]
        if p.id in e.excluded:
            rows.append(_excluded_row(e, i))
            continue
        left = left_at[i]
        if i in chosen:
            text = f"Funded with {e.votes[i]} votes: {money(left)} was left when its turn came, enough for its cost of {money(p.cost)}."
        else:
            text = f"Not funded: {money(left)} was left when its turn came (its {e.votes[i]} votes placed it there), less than its cost of {money(p.cost)}."
        rows.append(_row(e, i, i in chosen, "greedy" if i in chosen else "not funded", text, None, left))
    return _outcome(e, "greedy", funded, rows)


def _table_order(e: _Election, chosen: set[int]) -> list[int]:
    order = _greedy_order(e, range(len(e.projects)))
    return [i for i in order if i in chosen] + [i for i in order if i not in chosen]


def _row(
    e: _Election,
    i: int,
    funded: bool,
    stage: Stage,
    text: str,
    paid: Fraction | None,
    left: Fraction | int | None,
) -> ProjectOutcome:
    p = e.projects[i]
    return ProjectOutcome(
        id=p.id,
        cost=p.cost,
        votes=e.votes[i],
        points=e.points[i],
        funded=funded,
        stage=stage,
        explanation=text,
        supporters_paid=paid,
        money_left=None if left is None else Fraction(left),
    )


def _excluded_row(e: _Election, i: int) -> ProjectOutcome:
    reason = e.excluded[e.projects[i].id]
    return _row(
        e,
        i,
        False,
        "excluded",
        f"Not counted: the council removed it from the count. Reason: {reason}",
        None,
        None,
    )


def _outcome(
    e: _Election,
    rule: Rule,
    funded: list[int],
    rows: list[ProjectOutcome],
    share: Fraction | None = None,
    steps: int = 0,
    shares: ShareBook | None = None,
) -> Outcome:
    return Outcome(
        rule=rule,
        budget=e.budget,
        selected=tuple(e.projects[i].id for i in funded),
        spent=sum(e.projects[i].cost for i in funded),
        projects=tuple(rows),
        voters=e.voters,
        voter_share=share,
        add1_steps=steps,
        shares=shares,
    )


# --- Method of Equal Shares -------------------------------------------------------------------------


def _supported(e: _Election) -> list[int]:
    return [i for i in range(len(e.projects)) if e.votes[i] > 0 and e.projects[i].id not in e.excluded]


def _engine(e: _Election, exact_only: bool = False) -> EqualShares:
    keys = [tie_key(p, e.votes[i]) for i, p in enumerate(e.projects)]
    engine = EqualShares([p.cost for p in e.projects], e.types, e.weights, keys)
    engine.force_exact = exact_only
    return engine


def equal_shares(
    projects: Sequence[Project],
    budget: int,
    ballots: Iterable[Mapping[str, int] | Iterable[str]],
    *,
    excluded: Mapping[str, str] | None = None,
) -> tuple[str, ...]:
    """MES alone from an equal share of the budget, without Add1 or completion (what pabutools'
    `method_of_equal_shares` computes with cost satisfaction); for checks and comparisons."""
    e = _prepare(projects, budget, ballots, excluded)
    if e.voters == 0:
        return ()
    run = _engine(e).run(Fraction(e.budget, e.voters), _supported(e))
    return tuple(e.projects[i].id for i in run.funded)


def _mes_with_add1(
    e: _Election,
    increment: int,
    exact_only: bool = False,
    stepping: bool = False,
    counts: Counter[str] | None = None,
) -> tuple[MesRun, Fraction, int]:
    if e.voters == 0:
        return MesRun([], {}, {}, {i: Fraction(0) for i in range(len(e.projects))}), Fraction(0), 0
    if increment < 1:
        raise TallyError("The Add1 increment must be at least 1")
    base = Fraction(e.budget, e.voters)
    live = _supported(e)
    engine = _engine(e, exact_only)
    if sum(e.projects[i].cost for i in live) <= e.budget:
        run, share, steps = add1.every_outcome_fits(engine, e.types, base, increment, live)
    elif stepping:
        run, share, steps = add1.stepping(engine, e.budget, base, increment, live)
    elif exact_only:  # no float decisions: the exact engine's jumps
        run, share, steps = add1.jumping(engine, e.budget, base, increment, live)
    else:
        run, share, steps = add1.scanning(engine, e.budget, base, increment, live)
    if counts is not None:
        counts.update(engine.runs)
    return engine.explain(run, share), share, steps


def _mes_outcome(
    e: _Election,
    increment: int,
    exact_only: bool = False,
    stepping: bool = False,
    counts: Counter[str] | None = None,
) -> Outcome:
    run, share, steps = _mes_with_add1(e, increment, exact_only, stepping, counts)
    spent = sum(e.projects[i].cost for i in run.funded)
    extra, left_at = _run_greedy(e, run.funded, e.budget - spent)
    funded = run.funded + extra
    chosen = set(funded)
    rows = []
    for i in _table_order(e, chosen):
        p = e.projects[i]
        if p.id in e.excluded:
            rows.append(_excluded_row(e, i))
        elif i in run.paid:
            text = (
                f"Funded by equal shares with {e.votes[i]} votes: its supporters paid its cost of "
                f"{money(p.cost)} between them, none paying more than {money(run.price[i])}."
            )
            rows.append(_row(e, i, True, "mes", text, run.paid[i], None))
        else:
            held = run.left[i]
            first = f"Its {e.votes[i]} supporters had {money(held)} of their shares left, less than its cost of {money(p.cost)}"
            left = left_at[i]
            if i in chosen:
                text = f"{first}; funded in the completion step: {money(left)} of the budget was left when its turn came."
                rows.append(_row(e, i, True, "completion", text, None, left))
            else:
                text = f"Not funded. {first}, and in the completion step {money(left)} was left when its turn came."
                rows.append(_row(e, i, False, "not funded", text, None, held))
    ids = [p.id for p in e.projects]
    book = ShareBook(
        prices=tuple((ids[i], run.price[i]) for i in run.funded),
        held={ids[i]: held for i, held in sorted(run.left.items()) if ids[i] not in e.excluded},
        left_at_turn={ids[i]: left for i, left in sorted(left_at.items())},
    )
    return _outcome(e, "mes", funded, rows, share, steps, book)
