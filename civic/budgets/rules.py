"""Who may do what, when: each rule is a small predicate with the civic rule in its docstring."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from civic.budgets.models import BudgetProcess, Phase
from civic.core.rules import rule
from civic.core.users import Role, StaffUser


def _phase(obj: Any, now: datetime) -> Phase | None:
    return obj.phase(now) if isinstance(obj, BudgetProcess) else None


@rule("budgets.submit_idea")
def can_submit_idea(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Anyone may share an idea while the ideas phase is open."""
    return _phase(obj, now) == Phase.IDEAS


@rule("budgets.vote")
def can_vote(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Anyone holding a valid code may vote, or change a vote with a receipt, only while voting is open."""
    return _phase(obj, now) == Phase.VOTING


@rule("budgets.manage")
def can_manage(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Youth workers (and admins) run budget processes: ideas, proposals, codes, paper ballots, delivery."""
    return actor is not None and actor.has_role(Role.YOUTH_WORKER)


@rule("budgets.issue_codes")
def can_issue_codes(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Codes can be issued until voting closes."""
    return can_manage(actor, obj, now=now) and _phase(obj, now) in {
        Phase.UPCOMING,
        Phase.IDEAS,
        Phase.REVIEW,
        Phase.VOTING,
    }


@rule("budgets.enter_paper")
def can_enter_paper(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Paper ballots are typed in during voting and after it closes, until results are published."""
    return can_manage(actor, obj, now=now) and _phase(obj, now) in {Phase.VOTING, Phase.RESULTS}


@rule("budgets.count")
def can_count(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Results are counted and published only after voting has closed."""
    return can_manage(actor, obj, now=now) and _phase(obj, now) in {Phase.RESULTS, Phase.DELIVERY}


@rule("budgets.edit_proposals")
def can_edit_proposals(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Proposals are made and costed before voting opens, so every voter sees the same ballot;
    afterwards a project can only be left out of the count, publicly and with a reason."""
    return can_manage(actor, obj, now=now) and _phase(obj, now) in {Phase.UPCOMING, Phase.IDEAS, Phase.REVIEW}


@rule("budgets.update_delivery")
def can_update_delivery(actor: StaffUser | None, obj: Any, *, now: datetime) -> bool:
    """Delivery updates follow the results."""
    return can_manage(actor, obj, now=now) and _phase(obj, now) in {Phase.RESULTS, Phase.DELIVERY}
