"""The reference: pabutools (a test-only dependency) run with our tie-breaking and our Add1 loop."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from civic.budgets.tally import Project, id_key


def reference(projects: list[Project], budget: int, ballots: list[set[str]], rule: str) -> list[str]:
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance
    from pabutools.election import Project as PbProject
    from pabutools.rules import BudgetAllocation, greedy_utilitarian_welfare
    from pabutools.rules.mes.mes_rule import method_of_equal_shares_scheme
    from pabutools.tiebreaking import TieBreakingRule

    pb = {p.id: PbProject(p.id, p.cost) for p in projects}
    instance = Instance(pb.values(), budget_limit=budget)
    profile = ApprovalProfile([ApprovalBallot(pb[i] for i in b) for b in ballots])
    votes = {p.id: sum(1 for b in ballots if p.id in b) for p in projects}
    tie = TieBreakingRule(lambda inst, prof, proj: (proj.cost, -votes[proj.name], id_key(proj.name)))
    if rule == "greedy":
        out: Any = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
        return sorted(p.name for p in out)
    if not ballots:
        kept: Any = BudgetAllocation()
    else:
        sat_profile = profile.as_sat_profile(Cost_Sat)
        base = Fraction(budget, len(ballots))
        supported = {p for p in projects if votes[p.id] > 0}
        limit = base + max((p.cost for p in supported), default=0) + 1
        share, kept = base, None
        while share <= limit:
            outcome = method_of_equal_shares_scheme(
                instance, profile, sat_profile, share, BudgetAllocation(), tie, binary_sat=True
            )
            if sum(p.cost for p in outcome) > budget:
                break
            kept = outcome
            if {p.name for p in outcome} == {p.id for p in supported}:
                break
            share += 1
    completed = greedy_utilitarian_welfare(
        instance, profile, sat_class=Cost_Sat, tie_breaking=tie, initial_budget_allocation=kept
    )
    return sorted(p.name for p in completed)
