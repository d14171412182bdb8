"""The Add1 completion of equal shares: raise every voter's share one unit at a time, keep the last outcome
that fits the budget before the next raise overspends. Three engines compute the same thing.

``scanning`` (the default) visits every unit step, as the definition does, but asks each step's question
(which projects are funded?) of a certified float run (`civic.budgets.mes_scan`), guided by the order
of the step before, and of the exact engine only when the float run refuses. On large elections the
order of funding changes at almost every step, so jumps are short and the cost is the runs themselves:
a float run is several times cheaper than an exact one.

``stepping`` runs MES at every share ``base + k x increment`` in turn. It is the definition, kept so that
tests can compare the fast engine against it.

``jumping`` (used with ``exact_only``) runs MES only where the outcome may change. From a run at share s it certifies
an interval [s, s + T] on which MES funds the same projects in the same order, skips every share in it,
and runs MES again just after it. The certificate rests on one monotonicity fact. Fix the sequence of
projects funded at s and replay it at a larger share s' ("forced" run): every price falls or stays and
every voter's money at every round rises or stays, because each price is the least p with
``sum over supporters of min(money, p) >= cost`` and more money can only lower that least p (induction on
rounds). So between s and s' = s + T, at round r:

- a competitor p cannot beat the project f funded there if its supporters, with their money at s' in
  that round, could not pay its cost at f's rate at s: ``sum min(money at s', rho_f(s) x cost_p) < cost_p``
  (in between, every supporter's money is at most its value at s' and f's rate at most its value at s);
  if the sum equals the cost exactly (checked in exact arithmetic) p at best ties, which f wins when it
  comes first in the tie-break and some supporter of p already had more than that payment at s;
- after the last round nothing becomes affordable if each remaining project's supporters, with their
  money at s' after the last round, hold less than its cost.

Both tests only get harder as T grows, so a search over grid points (galloping, aiming by the slack,
then bisecting) finds where the certified shares end. Floats (numpy) evaluate the sums with a margin far
above their rounding error, and the forced run's prices are exact (`EqualShares.price`), so a
certificate is never wrong; when it is too cautious the engine only runs MES at a share that turns out
to give the same outcome, which costs time, never a different result. A certificate that fails at
round r still proves rounds 1 to r - 1 at its share, so the next MES run resumes there, knowing that
every project left has a rho above the last certified rate.

The certificate is about the order of funding, not only the set funded. On large elections a project
whose supporters are short of money can move one place earlier at almost every unit step while the set
stays the same, and then the jumps are short: a certificate on the set alone would be needed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from civic.budgets.mes import EqualShares, MesRun, State
from civic.budgets.mes_scan import ScanShares

MARGIN = 1e-9  # relative; rounding errors of the float sums are below 1e-11


def cost_of(engine: EqualShares, run: MesRun) -> int:
    return sum(engine.costs[p] for p in run.funded)


def every_outcome_fits(
    engine: EqualShares, types: Sequence[Sequence[int]], base: Fraction, increment: int, live: list[int]
) -> tuple[MesRun, Fraction, int]:
    """When every supported project fits at once, raising never stops by itself. Once each ballot's share
    covers the whole cost of what it chose, nobody ever runs short: every supported project is funded at
    the same prices whatever the share, so that limiting outcome is the last that fits."""
    needed = max((sum(engine.costs[i] for i in chosen) for chosen in types), default=0)
    steps = max(0, -((base - needed) // increment))
    share = base + steps * increment
    return engine.run(share, live), share, int(steps)


def stepping(
    engine: EqualShares, budget: int, base: Fraction, increment: int, live: list[int]
) -> tuple[MesRun, Fraction, int]:
    """Add1 by definition: one MES run per unit step."""
    supported = set(live)
    kept, share, steps = engine.run(base, live), base, 0
    while set(kept.funded) != supported:
        trial_share = base + (steps + 1) * increment
        trial = engine.run(trial_share, live)
        if cost_of(engine, trial) > budget:
            break
        kept, share, steps = trial, trial_share, steps + 1
    return kept, share, steps


def scanning(
    engine: EqualShares, budget: int, base: Fraction, increment: int, live: list[int]
) -> tuple[MesRun, Fraction, int]:
    """Add1 by definition, one MES run per unit step, each asked first of the float runs of
    `civic.budgets.mes_scan` (certified, or refused and then made by the exact engine), each guided by
    the order of the run before; the kept share's run is then made exactly for the results."""
    scan, supported = ScanShares(engine), set(live)

    def funded(share: Fraction, hint: list[int]) -> list[int]:
        found = scan.funded(share, live, hint)
        return engine.run(share, live).funded if found is None else found

    steps = unaffordable_from(engine, budget, base, increment, live)
    engine.runs["steps without a run"] += steps
    kept = funded(base + steps * increment, [])
    while set(kept) != supported:
        trial = funded(base + (steps + 1) * increment, kept)
        if sum(engine.costs[p] for p in trial) > budget:
            break
        steps, kept = steps + 1, trial
    share = base + steps * increment
    return engine.run(share, live, hint=kept), share, steps


def unaffordable_from(
    engine: EqualShares, budget: int, base: Fraction, increment: int, live: list[int]
) -> int:
    """A number of unit steps that Add1 certainly takes: every share up to base + that x increment funds
    projects costing at most the budget between them, and not every supported project (whose total
    cost is over the budget), so no step before it stops the raising and no run is needed there.

    Why: MES can fund a project only if its supporters hold its cost when they start, votes x share >=
    cost, so what it funds at a share costs at most the total of the projects affordable in that sense,
    and that total grows with the share. It is at most the budget for every share below the threshold
    cost / votes of the project whose turn, in order of thresholds, first takes the total over it."""
    if sum(engine.costs[p] for p in live) <= budget:
        return 0
    total = 0
    for threshold, cost in sorted(
        (Fraction(engine.costs[p], engine.votes[p]), engine.costs[p]) for p in live
    ):
        total += cost
        if total > budget:
            # the largest k with base + k x increment < threshold (shares at the threshold may not fit)
            return max(0, math.ceil((threshold - base) / increment) - 1)
    return 0  # not reached: the total of every project is over the budget


@dataclass
class Probe:
    """A forced run at a later share: `slack` (None if the outcome is not certified up to that share) and
    `state`, the rounds certified, with their exact prices at that share (all rounds if certified)."""

    slack: float | None
    state: State


def jumping(
    engine: EqualShares, budget: int, base: Fraction, increment: int, live: list[int]
) -> tuple[MesRun, Fraction, int]:
    """Add1 with jumps over the shares certified to give the outcome already computed (same result)."""
    supported = set(live)
    k = unaffordable_from(engine, budget, base, increment, live)
    engine.runs["steps without a run"] += k
    current = engine.run(base + k * increment, live)
    guess = 1
    while set(current.funded) != supported:
        share = base + k * increment
        (j, last), (_, after) = _certified_until(engine, current, share, increment, live, guess)
        # the rounds `after` certified are MES's own at the next share: resume from them
        trial = engine.run(share + (j + 1) * increment, live, after.state, current.funded)
        if cost_of(engine, trial) > budget:
            if j == 0:
                return current, share, k
            return engine.run(share + j * increment, live, last.state), share + j * increment, k + j
        guess = max(1, 2 * j)
        k, current = k + j + 1, trial
    return current, base + k * increment, k


def _certified_until(
    engine: EqualShares, run: MesRun, share: Fraction, increment: int, live: list[int], guess: int
) -> tuple[tuple[int, Probe], tuple[int, Probe]]:
    """The end j of the certified run of grid shares from `share` and the first one after it that is not
    certified (j + 1), each with its probe. Gallops, aims by the slack, then bisects."""
    lo: tuple[int, Probe] | None = None
    hi: tuple[int, Probe] | None = None
    j, lo_slack = guess, 0.0
    while hi is None or hi[0] > (0 if lo is None else lo[0]) + 1:
        low = 0 if lo is None else lo[0]
        if hi is not None:
            j = (low + hi[0]) // 2 if j <= low or j >= hi[0] else j
        probe = certificate(engine, run, share, share + j * increment, live)
        if probe.slack is None:
            hi = (j, probe)
            j = (low + j) // 2
            continue
        if lo is not None and hi is None and lo_slack > probe.slack:
            # the slack falls roughly linearly with the share: aim a little short of where it reaches 0
            reach = j + (j - low) * probe.slack / (lo_slack - probe.slack)
            step = min(4 * j, max(j + 1, int(j + 0.9 * (reach - j))))
        else:
            step = 2 * j
        lo, lo_slack = (j, probe), probe.slack
        j = step if hi is None else (j + hi[0]) // 2
    if lo is None:
        lo = (0, Probe(1.0, engine.replay(run, share)))
    assert hi is not None  # the loop ends only once a share that is not certified is known
    return lo, hi


def certificate(engine: EqualShares, run: MesRun, share: Fraction, later: Fraction, live: list[int]) -> Probe:
    """Whether MES is certified to give `run`'s outcome (computed at `share`) at every share up to
    `later` (see the module docstring), with a lower bound of the relative slack."""
    engine.runs["certificates"] += 1
    state = State(later, np.zeros(len(engine.weights), dtype=np.float64))
    before = State(share, np.zeros(len(engine.weights), dtype=np.float64))  # the run itself, for ties
    for p in run.funded:
        if engine.costs[p] == 0:
            state.add(p, Fraction(0))
    rivals = _Rivals(engine, [p for p in live if engine.costs[p] > 0], state.share_f)
    slack = 1.0
    for f in run.funded:
        if engine.costs[f] == 0:
            continue
        rivals.drop(f)
        rate = run.price[f] / engine.costs[f]
        found = rivals.against(f, rate, state, before)
        if found is None:
            return Probe(None, state)
        slack = min(slack, found)
        state.floor = float(rate)  # every rival's rho is at least this from now on (rho never falls)
        price = engine.price(f, later, state)
        if price is None:  # cannot happen (money only grows with the share); refuse rather than assume
            return Probe(None, state)
        state.add(f, price)
        state.spent[engine.supporters[f]] += float(price)
        before.spent[engine.supporters[f]] += float(run.price[f])
    for p in np.flatnonzero(rivals.active).tolist():
        rows = engine.supporters[rivals.ids[p]]
        held = float((engine.weights[rows] * np.maximum(state.share_f - state.spent[rows], 0.0)).sum())
        if held + rivals.margin[p] >= rivals.cost[p]:
            return Probe(None, state)
        slack = min(slack, (rivals.cost[p] - held - rivals.margin[p]) / rivals.cost[p])
    return Probe(slack, state)


class _Rivals:
    """The projects that could beat the one funded in a round, with a bound of what their supporters
    could pay at its rate, kept from round to round: at most votes x rate x cost, and since money only
    falls from round to round, at most the last bound plus votes x cost x the rise of the rate."""

    def __init__(self, engine: EqualShares, ids: list[int], share_f: float) -> None:
        self.engine, self.ids = engine, ids
        self.where = {p: k for k, p in enumerate(ids)}
        self.cost = np.array([engine.costs[p] for p in ids], dtype=np.float64)
        self.votes = np.array([engine.votes[p] for p in ids], dtype=np.float64)
        self.margin = MARGIN * (self.cost + self.votes * share_f)  # far above the float sums' rounding
        self.active = np.ones(len(ids), dtype=bool)
        self.bound = np.full(len(ids), np.inf)
        self.rate = np.zeros(len(ids))

    def drop(self, p: int) -> None:
        self.active[self.where[p]] = False

    def against(self, f: int, exact_rate: Fraction, state: State, before: State) -> float | None:
        """The least relative slack of the rivals against `f` funded at `exact_rate`, or None if one of
        them might beat it. A rival whose supporters could pay exactly its cost at that rate ties, which
        `f` wins if it comes first in the tie-break and the rival's rate cannot be lower: some supporter
        could pay more (at the run's own share already, so at every larger one)."""
        if not self.active.any():
            return 1.0
        rate = float(exact_rate)
        grown = self.votes * self.cost * np.maximum(0.0, rate - self.rate)
        bound = np.minimum(self.votes * rate * self.cost, self.bound + grown)
        tied = np.zeros(len(self.ids), dtype=bool)
        for k in np.flatnonzero(self.active & (bound + self.margin >= self.cost)).tolist():
            p = self.ids[k]
            rows = self.engine.supporters[p]
            money = np.maximum(state.share_f - state.spent[rows], 0.0)
            bound[k] = float((self.engine.weights[rows] * np.minimum(money, rate * self.cost[k])).sum())
            if bound[k] + self.margin[k] < self.cost[k]:
                continue
            if not self._tie_won(f, p, exact_rate, state, before) or bound[k] - self.margin[k] > self.cost[k]:
                return None
            tied[k] = True
        self.bound, self.rate = bound, np.full(len(self.ids), rate)
        clear = self.active & ~tied
        return float(((self.cost - bound - self.margin) / self.cost)[clear].min()) if clear.any() else 0.0

    def _tie_won(self, f: int, p: int, exact_rate: Fraction, state: State, before: State) -> bool:
        engine = self.engine
        if engine.keys[p] < engine.keys[f]:
            return False
        rows, cap = engine.supporters[p], exact_rate * engine.costs[p]
        richer = before.share_f - before.spent[rows] > float(cap) * (1 + MARGIN) + before.tol
        return bool(richer.any()) and engine.capped_sum(p, cap, state.share, state) <= engine.costs[p]
