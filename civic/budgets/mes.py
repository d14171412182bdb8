"""The Method of Equal Shares (cost utilities) for `tally`: exact decisions at numpy speed.

Exactness. A voter's money is never stored; it is a function of the prices paid so far:

    money(v) = max(0, share - sum of price_f over funded projects f that v approved)

where price_f is what each supporter of f who could afford it paid (rho x cost). A supporter who could
not afford price_f paid everything they had, so their money is 0 from then on, which the max() gives.
Prices are `Fraction`s. Floats (numpy) are used only to *find* the supporters who cannot pay a
candidate price; the price itself is then computed exactly as

    price = (cost - exact money of those supporters) / (number of the other supporters)

where the exact money of a set of voters is `count x share - sum_f price_f x (how many of them approved
f)`, integer counts from numpy times exact prices. The float classification is accepted only when every
supporter's float money is further than a safety margin from the exact price (and from 0); otherwise
the price is recomputed on the exact path, which groups supporters by which funded projects they
approved and sorts the groups' exact money. Tests compare both paths and pabutools.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
Key = tuple[int, int, tuple[int, int, str]]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class MesRun:
    funded: list[int]
    paid: dict[int, Fraction]  # per funded project: what its supporters paid (its cost)
    price: dict[int, Fraction]  # per funded project: the most any one supporter paid (rho x cost)
    left: dict[int, Fraction] = field(
        default_factory=dict
    )  # per unfunded project: supporters' money at the end


class EqualShares:
    """Ballot types (distinct approval sets) with weights, prepared once and run for several shares."""

    def __init__(
        self,
        costs: Sequence[int],
        types: Sequence[Sequence[int]],
        weights: Sequence[int],
        keys: Sequence[Key],
    ) -> None:
        self.costs = list(costs)
        self.keys = list(keys)  # tie-break keys per project (smaller wins)
        m, t = len(costs), len(types)
        self.approves = np.zeros((t, m), dtype=np.bool_)  # one byte a cell: read by the exact path only
        lengths = np.fromiter((len(chosen) for chosen in types), dtype=np.int64, count=t)
        cols = np.fromiter((p for chosen in types for p in chosen), dtype=np.int64, count=int(lengths.sum()))
        self.approves[np.repeat(np.arange(t, dtype=np.int64), lengths), cols] = True
        self.weights = np.asarray(weights, dtype=np.int64).reshape(t)
        # each project's supporters in ascending order: the (type, project) cells sorted by project
        voter, chosen = np.nonzero(self.approves)
        order = np.argsort(chosen, kind="stable")
        ends = np.cumsum(np.bincount(chosen, minlength=m))
        by_project = voter[order].astype(np.int64)
        self.supporters: list[IntArray] = np.split(by_project, ends[:-1]) if m else []
        self.votes = [int(self.weights[s].sum()) for s in self.supporters]
        self._pairs: dict[int, tuple[IntArray, IntArray]] = {}  # see `pairs`, made when first needed
        self.force_exact = False  # tests switch the fast path off to compare the two
        self.runs: Counter[str] = Counter()  # MES runs made, by kind (the benchmark prints them)

    def pairs(self, p: int) -> tuple[IntArray, IntArray]:
        """Every (supporter, project it approved) pair of p's supporters, the supporter by its place in
        p's list (for the exact path only, so made on first use)."""
        if p not in self._pairs:
            local, cols = np.nonzero(self.approves[self.supporters[p]])
            self._pairs[p] = (local.astype(np.int64), cols.astype(np.int64))
        return self._pairs[p]

    # --- money --------------------------------------------------------------------------------------

    def _exact_money(self, row: int, share: Fraction, funded: list[int], prices: list[Fraction]) -> Fraction:
        spent = sum((prices[k] for k, f in enumerate(funded) if self.approves[row, f]), Fraction(0))
        return max(Fraction(0), share - spent)

    def _exact_sum(self, p: int, take: BoolArray | None, share: Fraction, state: State) -> Fraction:
        """Exact total money (weights included) of p's supporters, or of those `take` marks."""
        rows = self.supporters[p]
        money = state.share_f - state.spent[rows]
        positive = money > state.tol
        unsure = np.abs(money) <= state.tol
        if take is not None:
            positive &= take
            unsure &= take
        total = Fraction(0)
        if positive.any():
            total += int(self.weights[rows[positive]].sum()) * share
            if state.funded:
                # how many of them approved each project, from p's own list of (supporter, project)
                # pairs, then integers over the prices' common denominator: one Fraction in all
                local, cols = self.pairs(p)
                keep = positive[local]
                counts = np.bincount(
                    cols[keep], weights=self.weights[rows[local[keep]]], minlength=len(self.costs)
                )
                funded = np.rint(counts[np.asarray(state.funded, dtype=np.int64)]).astype(np.int64)
                total -= Fraction(
                    sum(map(operator.mul, state.numerators, funded.tolist())), state.denominator
                )
        for row in rows[unsure].tolist():
            total += int(self.weights[row]) * self._exact_money(row, share, state.funded, state.prices)
        return total

    def capped_sum(self, p: int, cap: Fraction, share: Fraction, state: State) -> Fraction:
        """Exact total of min(money, cap) over p's supporters (weights included)."""
        rows = self.supporters[p]
        money = state.share_f - state.spent[rows]
        margin = state.tol * (1.0 + abs(float(cap)))
        total = self._exact_sum(p, money < float(cap) - margin, share, state)
        total += int(self.weights[rows[money > float(cap) + margin]].sum()) * cap
        for row in rows[np.abs(money - float(cap)) <= margin].tolist():
            held = self._exact_money(row, share, state.funded, state.prices)
            total += int(self.weights[row]) * min(held, cap)
        return total

    # --- one price ----------------------------------------------------------------------------------

    def price(self, p: int, share: Fraction, state: State) -> Fraction | None:
        """What each supporter who can afford it pays to fund p (rho x cost), or None if they cannot."""
        if self.force_exact:
            return self._price_exact(p, share, state)
        rows = self.supporters[p]
        money = np.maximum(state.share_f - state.spent[rows], 0.0)
        w = self.weights[rows]
        total, cost = self.votes[p], self.costs[p]
        capped = np.zeros(rows.size, dtype=bool)
        while True:
            paying = total - int(w[capped].sum())
            if paying == 0:  # even everything they have is not enough (checked exactly)
                if self._exact_sum(p, None, share, state) < cost:
                    return None
                return self._price_exact(p, share, state)
            estimate = (cost - float((money[capped] * w[capped]).sum())) / paying
            grown = money < estimate
            if np.array_equal(grown, capped):
                break
            capped = grown
        price = (cost - self._exact_sum(p, capped, share, state)) / paying
        margin = state.tol * (1.0 + abs(float(price)))
        low = money[capped]
        high = money[~capped]
        if (low.size and float(low.max()) > float(price) - margin) or (
            high.size and float(high.min()) < float(price) + margin
        ):
            return self._price_exact(p, share, state)
        return price

    def _price_exact(self, p: int, share: Fraction, state: State) -> Fraction | None:
        rows = self.supporters[p]
        if state.funded:
            cols = np.asarray(state.funded, dtype=np.int64)
            found = np.unique(self.approves[rows][:, cols], axis=0, return_inverse=True)
            signatures, inverse = found[0], found[1]
        else:
            signatures, inverse = np.zeros((1, 0), dtype=np.int64), np.zeros(rows.size, dtype=np.int64)
        weights = np.bincount(inverse.reshape(-1), weights=self.weights[rows], minlength=len(signatures))
        groups = []
        for sig, weight in zip(signatures, weights, strict=True):
            spent = sum((price for price, bit in zip(state.prices, sig, strict=True) if bit), Fraction(0))
            groups.append((max(Fraction(0), share - spent), round(weight)))
        groups.sort(key=lambda g: g[0])
        need, remaining = Fraction(self.costs[p]), self.votes[p]
        for money, count in groups:
            if money * remaining >= need:
                return need / remaining
            need -= money * count
            remaining -= count
        return None

    # --- a whole run ------------------------------------------------------------------------------------

    def run(
        self, share: Fraction, live: list[int], start: State | None = None, hint: Sequence[int] = ()
    ) -> MesRun:
        """MES from `share` per voter over the projects in `live` (each with a supporter). `start`, if
        given, holds the first rounds of this very run already decided (exact prices at `share`, from
        `civic.budgets.add1`), and the run resumes after them. `hint` is the order of a run at a nearby
        share: it only decides which project is priced first in a round, never the outcome."""
        self.runs["exact runs"] += 1
        result = MesRun([], {}, {})
        if start is None:
            state = State(share, np.zeros(len(self.weights), dtype=np.float64))
            for p in sorted((p for p in live if self.costs[p] == 0), key=self.keys.__getitem__):
                state.add(p, Fraction(0))
        else:
            state = start
        for p, decided in zip(state.funded, state.prices, strict=True):
            result.funded.append(p)
            result.paid[p], result.price[p] = Fraction(self.costs[p]), decided
        done = set(state.funded)
        live = [p for p in live if self.costs[p] > 0 and p not in done]
        # rho never falls as money is spent, so the last rho is a lower bound; kept as a float, which
        # orders as the exact value does (rounding is monotone): fl(a) > fl(b) implies a > b
        bound = {p: max(1.0 / self.votes[p], state.floor) for p in live}
        rank = {p: k for k, p in enumerate(hint)}
        sums: dict[int, tuple[float, float]] = {}
        while live:
            best: Fraction | None = None
            best_f = 0.0
            choice, choice_price = -1, Fraction(0)
            # the hinted project (the next one funded at a nearby share) first: once a rho is known,
            # most others are ruled out by a float sum instead of being priced exactly
            lead = min(live, key=lambda p: (rank.get(p, len(rank)), bound[p], self.keys[p]))
            seen: set[int] = set()
            for p in [lead, *sorted(live, key=lambda p: (bound[p], self.keys[p]))]:
                if p in seen:
                    continue
                seen.add(p)
                if best is not None and bound[p] > best_f:
                    break
                if best is not None and self._cannot_beat(p, best_f, state, sums):
                    bound[p] = max(bound[p], best_f)  # its rho is above the best one
                    continue
                price = self.price(p, share, state)
                if price is None:
                    live.remove(p)
                    continue
                rho = price / self.costs[p]
                bound[p] = float(rho)
                if best is None or rho < best or (rho == best and self.keys[p] < self.keys[choice]):
                    best, best_f, choice, choice_price = rho, float(rho), p, price
            if best is None:
                break
            live.remove(choice)
            result.funded.append(choice)
            result.paid[choice] = Fraction(self.costs[choice])
            result.price[choice] = choice_price
            state.add(choice, choice_price)
            state.spent[self.supporters[choice]] += float(choice_price)
        return result

    def _cannot_beat(self, p: int, rate: float, state: State, last: dict[int, tuple[float, float]]) -> bool:
        """Whether p's supporters certainly cannot pay its cost at `rate` (so its rho is above it): a
        float sum with a margin far above its rounding error. `last` keeps each project's last sum and
        rate: money only falls during a run, so the sum at a higher rate is at most the last one plus
        votes x cost x the rise in rate, often enough to decide without summing again."""
        rows, cost = self.supporters[p], self.costs[p]
        margin = 1e-9 * (cost + self.votes[p] * state.share_f)
        if p in last:
            paid, at = last[p]
            if paid + self.votes[p] * cost * max(0.0, rate - at) + margin < cost:
                return True
        money = np.maximum(state.share_f - state.spent[rows], 0.0)
        paid = float((self.weights[rows] * np.minimum(money, rate * cost)).sum())
        last[p] = (paid, rate)
        return paid + margin < cost

    def replay(self, run: MesRun, share: Fraction) -> State:
        """The state at the end of `run` (made at `share`)."""
        state = State(share, np.zeros(len(self.weights), dtype=np.float64))
        for p in run.funded:
            state.add(p, run.price[p])
            state.spent[self.supporters[p]] += float(run.price[p])
        return state

    def explain(self, run: MesRun, share: Fraction) -> MesRun:
        """Fill in `run.left`, what each unfunded project's supporters held at the end (for the results
        table only, so not computed for the runs Add1 tries and drops)."""
        state = self.replay(run, share)
        for p in range(len(self.costs)):
            if p not in run.paid:
                run.left[p] = self._exact_sum(p, None, share, state)
        return run


class State:
    """Prices paid so far in a run (exact) and every ballot type's spending (float, to search)."""

    def __init__(self, share: Fraction, spent: FloatArray) -> None:
        self.share = share
        self.share_f = float(share)
        self.tol = 1e-9 * (1.0 + abs(self.share_f))
        self.spent = spent
        self.funded: list[int] = []
        self.prices: list[Fraction] = []
        self.floor = 0.0  # a lower bound of every unfunded project's rho, when known (`add1`)
        self.denominator = 1  # of every price: prices[i] == numerators[i] / denominator
        self.numerators: list[int] = []

    def add(self, project: int, price: Fraction) -> None:
        self.funded.append(project)
        self.prices.append(price)
        if self.denominator % price.denominator:
            scale = price.denominator // math.gcd(self.denominator, price.denominator)
            self.denominator *= scale
            self.numerators = [n * scale for n in self.numerators]
        self.numerators.append(price.numerator * (self.denominator // price.denominator))
