"""Benchmark: the youth budgets rule engine against pabutools on synthetic instances.

    .venv/bin/python bench/tally.py [--voters 10000 100000] [--skip-pabutools-above N]
    .venv/bin/python bench/tally.py --city [--city-voters 75000] [--city-small 7500] [--pabutools-shares 3]

Default: 50 projects costing £10,000-£100,000, a £1,000,000 budget, voters approving about 10 projects
each (popularity skewed). Times greedy and MES (with Add1 and greedy completion) in
`civic.budgets.tally` and, when pabutools is installed, the same rules in pabutools (its MES run from
each Add1 share, then its greedy completion), printing both and the ratio. Outcomes are checked to be
identical. Those instances need few Add1 steps.

--city: instances shaped like a capital city's, which need hundreds of Add1 steps: 118 projects
costing £20,000 to £6,000,000, £400 of budget per voter (£30,000,000 for 75,000 voters), 1 to 10
approvals per voter and Zipf-like popularity. Prints the Add1 steps and the time of the default engine
(certified float runs at each step, `civic.budgets.mes_scan`); on the smaller instance also of the
stepping engine (exact MES at every step, the definition) and of `exact_only` (no float decision at
all: exact prices throughout, with the exact engine's jumps), each checked to give the same count; and
of pabutools' MES: run inside the whole Add1 loop on the smaller instance when
`--pabutools-full` is given, and otherwise timed at a few of the Add1 shares of each instance, the
loop's time estimated as the mean time per share x the number of MES runs the loop makes (steps + 2).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from collections import Counter
from fractions import Fraction
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from civic.budgets.tally import Project, tally


def instance(voters: int, seed: int = 3) -> tuple[list[Project], int, list[set[str]]]:
    r = random.Random(seed)
    projects = [Project(str(i + 1), r.randrange(10_000, 100_001, 500)) for i in range(50)]
    popularity = [r.random() ** 2 for _ in projects]
    ballots = []
    for _ in range(voters):
        k = max(1, min(20, round(r.gauss(10, 3))))
        ballots.append({p.id for p in r.choices(projects, weights=popularity, k=k)})
    return projects, 1_000_000, ballots


def city(voters: int, seed: int = 1) -> tuple[list[Project], int, list[set[str]]]:
    """A capital city's shape: 118 projects from £20,000 to £6,000,000, £400 of budget per voter, 1 to
    10 approvals per voter, popularity by rank like Zipf's law (the k-th most popular 1/k as likely)."""
    r = random.Random(seed)
    costs = [round(20_000 * 300 ** r.random(), -3) for _ in range(118)]
    projects = [Project(str(i + 1), int(c)) for i, c in enumerate(costs)]
    popularity = [1 / (rank + 1) for rank in range(len(projects))]
    r.shuffle(popularity)
    ballots = [
        {p.id for p in r.choices(projects, weights=popularity, k=r.randint(1, 10))} for _ in range(voters)
    ]
    return projects, 400 * voters, ballots


def timed(func, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = func(*args)
    return result, time.perf_counter() - start


def timed_cpu(func, *args):  # type: ignore[no-untyped-def]
    """The result, the wall-clock seconds and the process's CPU seconds (which others' load on a shared
    machine inflates less)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = func(*args)
    return result, time.perf_counter() - start, time.process_time() - cpu


def ours(projects, budget, ballots, rule):  # type: ignore[no-untyped-def]
    return sorted(tally(projects, budget, ballots, rule=rule).selected)


def pabutools_mes_seconds(projects, budget, ballots, shares):  # type: ignore[no-untyped-def]
    """pabutools' MES scheme (cost satisfaction, our tie-breaking) timed at each of `shares`."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance
    from pabutools.election import Project as PbProject
    from pabutools.rules import BudgetAllocation
    from pabutools.rules.mes.mes_rule import method_of_equal_shares_scheme
    from pabutools.tiebreaking import TieBreakingRule

    from civic.budgets.tally import id_key

    pb = {p.id: PbProject(p.id, p.cost) for p in projects}
    instance = Instance(pb.values(), budget_limit=budget)
    profile = ApprovalProfile([ApprovalBallot(pb[i] for i in b) for b in ballots])
    sat_profile = profile.as_sat_profile(Cost_Sat)
    votes = {p.id: sum(1 for b in ballots if p.id in b) for p in projects}
    tie = TieBreakingRule(lambda inst, prof, proj: (proj.cost, -votes[proj.name], id_key(proj.name)))
    seconds = []
    for share in shares:
        _, took = timed(
            method_of_equal_shares_scheme,
            instance,
            profile,
            sat_profile,
            share,
            BudgetAllocation(),
            tie,
            True,
        )
        seconds.append(took)
    return seconds


def runs_text(counts: Counter[str]) -> str:
    """The MES runs an engine made: float (refused), exact, certificates, and the Add1 steps it
    passed without any run."""
    text = f"runs: {counts['float runs']} float ({counts['float runs refused']} refused), {counts['exact runs']} exact"
    if counts["certificates"]:
        text += f", {counts['certificates']} certificates"
    return text + f"; {counts['steps without a run']} steps without a run"


def city_main(args: argparse.Namespace) -> None:
    print(describe_machine(True))
    print(
        f"{'voters':>8} {'steps':>6} {'engine':>28} {'seconds':>9} {'cpu s':>7} {'vs civic':>9}  same count"
    )
    for n in (args.city_voters, args.city_small):
        projects, budget, ballots = city(n)
        counts: Counter[str] = Counter()
        ours, ours_s, ours_cpu = timed_cpu(
            partial(tally, projects, budget, ballots, rule="mes", counts=counts)
        )
        steps = ours.add1_steps
        label = "civic (default)"
        print(
            f"{n:>8} {steps:>6} {label:>28} {ours_s:>9.2f} {ours_cpu:>7.2f} {1:>9.1f}  {runs_text(counts)}",
            flush=True,
        )
        if n == args.city_small and not args.civic_only:
            for label, option in (
                ("civic, exact stepping", "stepping"),
                ("civic, exact jumping", "exact_only"),
            ):
                counts = Counter()
                other, other_s, other_cpu = timed_cpu(
                    partial(tally, projects, budget, ballots, rule="mes", counts=counts, **{option: True})
                )
                same = other == ours
                print(
                    f"{n:>8} {steps:>6} {label:>28} {other_s:>9.2f} {other_cpu:>7.2f} {other_s / ours_s:>9.1f}  {same}; {runs_text(counts)}",
                    flush=True,
                )
            if args.civic_only:
                continue
            if args.pabutools_full:
                from tests.budgets.pabutools_ref import reference

                theirs, theirs_s = timed(reference, projects, budget, ballots, "mes")
                same = theirs == sorted(ours.selected)
                label = "pabutools, whole Add1 loop"
                print(
                    f"{n:>8} {steps:>6} {label:>28} {theirs_s:>9.1f} {'':>7} {theirs_s / ours_s:>9.1f}  {same}"
                )
                continue
        if args.civic_only:
            continue
        base = Fraction(budget, n)
        picks = sorted(
            {round(steps * i / max(1, args.pabutools_shares - 1)) for i in range(args.pabutools_shares)}
        )
        seconds = pabutools_mes_seconds(projects, budget, ballots, [base + k for k in picks])
        estimate = sum(seconds) / len(seconds) * (steps + 2)
        label = f"pabutools, {len(picks)} shares -> loop"
        print(
            f"{n:>8} {steps:>6} {label:>28} {estimate:>9.0f} {'':>7} {estimate / ours_s:>9.0f}  (estimated)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--skip-pabutools-above", type=int, default=10**9)
    parser.add_argument("--city", action="store_true", help="the capital-city instances instead")
    parser.add_argument("--city-voters", type=int, default=75_000)
    parser.add_argument("--city-small", type=int, default=7_500)
    parser.add_argument("--pabutools-shares", type=int, default=3)
    parser.add_argument("--pabutools-full", action="store_true", help="the whole loop on the small one")
    parser.add_argument("--civic-only", action="store_true", help="--city: only the default engine")
    args = parser.parse_args()
    if args.city:
        city_main(args)
        return
    try:
        from tests.budgets.pabutools_ref import reference
    except ImportError:
        reference = None  # type: ignore[assignment]
    print(describe_machine(reference is not None))
    print(f"{'voters':>8} {'rule':>6} {'civic (s)':>10} {'pabutools (s)':>14} {'ratio':>7}  same outcome")
    for n in args.voters:
        projects, budget, ballots = instance(n)
        for rule in ("greedy", "mes"):
            selected, ours_s = timed(ours, projects, budget, ballots, rule)
            if reference is None or n > args.skip_pabutools_above:
                print(f"{n:>8} {rule:>6} {ours_s:>10.3f} {'-':>14} {'-':>7}  -")
                continue
            theirs, theirs_s = timed(reference, projects, budget, ballots, rule)
            print(
                f"{n:>8} {rule:>6} {ours_s:>10.3f} {theirs_s:>14.2f} {theirs_s / ours_s:>7.1f}  {selected == theirs}",
                flush=True,
            )


def describe_machine(with_pabutools: bool) -> str:
    """What the figures depend on: versions, cores and how busy the machine was when the run started."""
    from importlib.metadata import version

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    theirs = f"pabutools {version('pabutools')}" if with_pabutools else "pabutools not installed"
    return f"Python {platform.python_version()}, {theirs}, {os.cpu_count()} cores, load average {load}"


if __name__ == "__main__":
    main()
    print(f"load average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
