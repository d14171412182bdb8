"""A float run of the Method of Equal Shares that knows when it can be trusted, for Add1's search.

Add1 asks one question of each share it tries: which projects does MES fund there? The exact engine
(`civic.budgets.mes`) answers with `Fraction` prices. This module answers with numpy floats and a
rigorous bound of their error, and gives up (``None``) whenever the bound cannot separate two choices,
so its answer is either the exact engine's answer or no answer; Add1 then asks the exact engine.

The bound. Every voter's money is carried as a float with an absolute error of at most ``err`` (the same
bound for everyone). For a project p with supporters' weights w and float money m, the float price q
solves ``sum w min(m, q) = cost`` up to a residual rho of float summation (at most gamma x the sum of
the magnitudes, gamma = n x 2^-53, far above numpy's pairwise error). The true function F(x) = sum w
min(money, x) differs from the float one by at most W x err (W = p's voters), so |F(q) - cost| <= R =
W x err + rho. F rises with slope at least S (the weight of voters holding more than x) on any interval
where those voters hold more than x; with S counted as the voters whose float money exceeds q + D + err,
and R / S <= D, F(q + R/S) >= cost and F(q - R/S) <= cost, so the true price lies within R / S of q.
After the round every voter's error grows by at most that amount plus the rounding of one subtraction.
Affordability (``sum w money >= cost``) and the pruning test (``sum w min(money, rate x cost) < cost``)
are decided only when the float sum is further than W x err + gamma x (magnitudes) from the cost.

A project wins a round only when its interval of rho lies strictly below every other candidate's, so
exact ties (common on small elections, where the tie-break decides) always go to the exact engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from civic.budgets.mes import EqualShares

EPS = 2.0**-53
CHUNK = 8192  # terms of one BLAS dot product (see `_dot`)
STEPS = 60  # Newton steps before a price search gives up (it takes 2 or 3)
AHEAD = 1.05  # a rival is ruled out at 5% above the rate it must beat when it can be
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _dot(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64] | npt.NDArray[np.bool_]) -> float:
    """The dot product, in pieces of at most CHUNK terms: OpenBLAS shares a longer one among threads,
    which on a busy machine (the only kind Civic has) costs tens of times what it saves. Summing the
    pieces adds at most one rounding per piece, far inside the error bounds used here (`gamma`)."""
    n = a.shape[0]
    if n <= CHUNK:
        return float(np.dot(a, b))
    return sum(float(np.dot(a[i : i + CHUNK], b[i : i + CHUNK])) for i in range(0, n, CHUNK))


class Unsure(Exception):
    """The float bounds cannot decide a choice; the exact engine must."""


class ScanShares:
    """Float MES runs over an `EqualShares` engine's ballot types, each certified or refused."""

    def __init__(self, engine: EqualShares) -> None:
        self.engine = engine
        self.costs = [float(c) for c in engine.costs]
        self.w = [engine.weights[rows].astype(np.float64) for rows in engine.supporters]
        self.gamma = [(rows.size + 8) * EPS * 4 for rows in engine.supporters]
        self.guess: dict[int, float] = {}  # each project's price in the last run that funded it

    def funded(self, share: Fraction, live: Sequence[int], hint: Sequence[int] = ()) -> list[int] | None:
        """The projects MES funds at `share`, in order, or None when the floats cannot tell."""
        self.engine.runs["float runs"] += 1
        try:
            return _Run(self, share, hint).go(live)
        except Unsure:
            self.engine.runs["float runs refused"] += 1
            return None


class _Run:
    def __init__(self, scan: ScanShares, share: Fraction, hint: Sequence[int]) -> None:
        self.scan, self.e = scan, scan.engine
        self.share = float(share)
        self.spent = np.zeros(len(self.e.weights), dtype=np.float64)
        # per ballot type: a bound of |float money - exact money|
        self.err = np.full(len(self.e.weights), 2 * EPS * abs(self.share), dtype=np.float64)
        self.hint, self.next = list(hint), 0
        m = len(self.e.costs)
        self.cost = np.asarray(scan.costs, dtype=np.float64)
        self.votes = np.asarray(self.e.votes, dtype=np.float64)
        # per project: an upper bound of what its supporters could pay at rate `at` (never stale, as
        # money only falls during a run), so a rival is often ruled out without summing again
        self.bound = np.full(m, np.inf)
        self.at = np.zeros(m)
        self.cap = np.full(m, np.inf)  # an upper bound of all its supporters hold (never stale either)
        self.free = self.votes.copy()  # the weight of supporters who held more than `at` x cost then
        self.gathered: tuple[int, FloatArray, FloatArray, FloatArray] | None = (
            None  # the last priced project's rows
        )

    def go(self, live: Sequence[int]) -> list[int]:
        e = self.e
        funded = sorted((p for p in live if e.costs[p] == 0), key=e.keys.__getitem__)
        active = np.zeros(len(e.costs), dtype=bool)
        active[[p for p in live if e.costs[p] > 0]] = True
        # a lower bound of each rho (a price is at least cost / votes; rho never falls in a run)
        lower = np.where(active, (1.0 - 1e-12) / np.maximum(self.votes, 1.0), np.inf)
        while active.any():
            found = self._round(active, lower)
            if found is None:
                break
            p, price, delta = found
            active[p] = False
            funded.append(p)
            self._charge(p, price, delta)
            self.scan.guess[p] = price
        return funded

    def _round(self, active: BoolArray, lower: FloatArray) -> tuple[int, float, float] | None:
        """The project funded this round (with its float price and error bound), None if none is
        affordable; raises Unsure when a choice is too close to call."""
        priced: list[tuple[float, float, int, float, float]] = []  # lo, hi, project, price, delta
        best_hi = np.inf
        open_ = active.copy()  # not yet priced or ruled out this round
        # the next project of a run at a nearby share first: once it is priced, most others are ruled
        # out by a lower bound or a capped sum instead of being priced
        while self.next < len(self.hint) and not active[self.hint[self.next]]:
            self.next += 1
        queue = self.hint[self.next : self.next + 1]
        built = np.nan  # the best rate the queue was built against (none yet: only the lead)
        while True:
            if not queue:
                if built == best_hi:
                    break  # every candidate that could beat the best has been seen
                queue, built = self._candidates(open_, lower, best_hi, bool(priced)), best_hi
                if not queue:
                    break
            p = queue.pop(0)
            if not open_[p] or lower[p] > best_hi:
                continue
            open_[p] = False
            if priced:
                above = self._cannot_beat(p, best_hi)
                if above:
                    lower[p] = max(lower[p], above)
                    continue
            got = self._price(p, float(lower[p]))
            if got is None:
                active[p], lower[p] = False, np.inf
                continue
            price, delta = got
            cost = self.scan.costs[p]
            lo, hi = (price - delta) / cost * (1 - 4 * EPS), (price + delta) / cost * (1 + 4 * EPS)
            lower[p] = max(lower[p], lo)
            priced.append((lo, hi, p, price, delta))
            if hi < best_hi:
                best_hi, queue = hi, []  # a better best: rebuild the queue against it
        if not priced:
            return None
        first = min(priced, key=lambda c: c[1])
        if any(c[0] <= first[1] for c in priced if c is not first):
            raise Unsure
        return first[2], first[3], first[4]

    def _candidates(self, open_: BoolArray, lower: FloatArray, best_hi: float, priced: bool) -> list[int]:
        """The projects not yet seen this round that might beat `best_hi`, lowest bound first: those
        whose rho may be below it, that their supporters could afford, and (once a rate is known)
        whose cached capped sum does not already rule them out."""
        left = open_ & (lower <= best_hi) & (self.cap >= self.cost)
        if priced:
            grown = self.free * self.cost * np.maximum(0.0, best_hi - self.at) * (1 + 1e-12)
            left &= self.bound + grown >= self.cost
        found = np.flatnonzero(left)
        return [int(p) for p in found[np.argsort(lower[found], kind="stable")]]

    def _charge(self, p: int, price: float, delta: float) -> None:
        """Charge p's supporters `price` (true price within `delta`). A supporter certainly unable to
        pay it has exactly 0 left, and in floats at most the rounding of one addition above 0 (its
        float money stays at or below that from then on: spent only grows); the others' error grows
        by delta and that rounding (spent stays below 2 x share + price while money is positive)."""
        rows = self.e.supporters[p]
        if self.gathered is not None and self.gathered[0] == p:
            # nothing was charged since p was priced; its money there is at least 0, which can only
            # keep a supporter among those whose error grows (a bound valid for anyone)
            spent, err, money = self.gathered[1], self.gathered[2], self.gathered[3]
        else:
            spent, err = self.spent[rows], self.err[rows]
            money = self.share - spent
        self.gathered = None
        keep = money + err >= price - delta
        rounding = 4 * EPS * (2 * abs(self.share) + price)
        self.err[rows] = np.where(keep, err + (delta + rounding), rounding)
        self.spent[rows] = spent + price

    def _margin(self, p: int, total: float, err: FloatArray) -> float:
        """The error bound of a float sum over p's supporters of terms within their money errors."""
        return _dot(self.scan.w[p], err) + self.scan.gamma[p] * (total + self.scan.costs[p])

    def _price(self, p: int, rho: float) -> tuple[float, float] | None:
        """p's float price and its error bound, None if it is certainly unaffordable; `rho` is a
        lower bound of its rate, where the search for the price starts."""
        rows, w, cost = self.e.supporters[p], self.scan.w[p], self.scan.costs[p]
        spent, err = self.spent[rows], self.err[rows]
        money = self.share - spent
        np.maximum(money, 0.0, out=money)
        self.gathered = (p, spent, err, money)  # for `_charge` if p wins the round
        held = _dot(w, money)
        margin = self._margin(p, held, err)
        self.cap[p] = held + margin
        if held + margin < cost:
            return None  # its supporters cannot pay it now, nor later in this run (money only falls)
        if held - margin <= cost:
            raise Unsure
        votes = float(self.e.votes[p])
        paying, capsum, count = votes, 0.0, -1
        weighted = w * money  # sums over a set of supporters as dot products with its mask: no copies
        # Newton's method on the concave function x -> sum min(money, x): from below the price each
        # estimate is at least the one before and at most the price (the first is the larger of cost /
        # votes and rho x cost); from above, one step lands below it. Its price in the run at the share
        # before (which moves little from one share to the next) is tried first. Sets of the form
        # {money < x} are nested, so the same count means the same set: the price is found.
        lowest = max(cost / votes, rho * cost)
        guess = self.scan.guess.get(p, lowest)
        price = guess if guess > lowest else lowest
        for _ in range(STEPS):
            capped = money < price
            grown = int(np.count_nonzero(capped))
            if grown == count:
                break
            count = grown
            paying = votes - _dot(w, capped)
            capsum = _dot(weighted, capped)
            if paying <= 0:
                if price == lowest:
                    raise Unsure
                price, count = lowest, -1  # the guess was above what everyone holds: start from below
                continue
            price = (cost - capsum) / paying
        else:
            raise Unsure
        reach = 1e-9 * max(abs(self.share), 1.0)
        above = money - err > price + reach
        steep = _dot(w, above)
        residual = _dot(w, np.where(above, 0.0, err)) + self.scan.gamma[p] * (capsum + cost)
        if steep <= 0 or residual > steep * reach:
            raise Unsure
        return price, residual / steep * (1 + 1e-9)

    def _cannot_beat(self, p: int, rate: float) -> float:
        """A rate certified below p's rho, at least `rate` (p cannot beat it), or 0 if there is none.
        Tried first a little higher, which, when it holds, rules p out for the next rounds too."""
        rows, w = self.e.supporters[p], self.scan.w[p]
        money = np.maximum(self.share - self.spent[rows], 0.0)
        err = self.err[rows]
        held = _dot(w, money)
        spread = _dot(w, err)  # what the float money's errors add up to
        self.cap[p] = held + spread + self.scan.gamma[p] * (held + self.scan.costs[p])  # see `_margin`
        for tried in (rate * AHEAD, rate):
            if self._capped(p, tried, money, err, spread):
                return tried
        return 0.0

    def _capped(self, p: int, rate: float, money: FloatArray, err: FloatArray, spread: float) -> bool:
        """Whether sum min(money, rate x cost) is certainly below the cost; kept as p's cached bound:
        at a higher rate r the sum grows by at most (r - rate) x cost for each supporter holding more
        than rate x cost now (money only falls, so never for the others), and at a lower one not."""
        cost, w = self.scan.costs[p], self.scan.w[p]
        total = _dot(w, np.minimum(money, rate * cost))
        margin = spread + self.scan.gamma[p] * (total + cost)  # `_margin`, its sum of errors known
        bound = total + margin + self.e.votes[p] * rate * cost * 4 * EPS
        if bound >= cost:
            return False
        self.bound[p], self.at[p] = bound, rate
        self.free[p] = _dot(w, money + err >= rate * cost * (1 - 4 * EPS))
        return True
