"""URL map for /budgets (public, voting and youth-worker pages)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.routing import BaseRoute, Route

from civic.budgets import opendata, service, staff, staff_paper, staff_voting, web, web_vote
from civic.budgets.models import Phase
from civic.core.home import OpenItem
from civic.core.templating import format_datetime

S = "/staff/{slug}"
routes: list[BaseRoute] = [
    Route("/", web.index, name="budgets_index"),
    Route("/{name:str}.{fmt:str}", opendata.dataset),
    Route("/staff", staff.dashboard, name="budgets_staff"),
    Route("/staff/new", staff.new_process_form, methods=["GET"]),
    Route("/staff/new", staff.create_process, methods=["POST"]),
    Route(S, staff.manage, methods=["GET"]),
    Route(S + "/phases", staff.change_phases, methods=["POST"]),
    Route(S + "/ideas", staff.ideas, methods=["GET"]),
    Route(S + "/ideas/{idea_id:id}", staff.moderate, methods=["POST"]),
    Route(S + "/proposals", staff.proposals, methods=["GET"]),
    Route(S + "/proposals", staff.create_proposal, methods=["POST"]),
    Route(S + "/proposals/{number:id}", staff.proposal, methods=["GET"]),
    Route(S + "/proposals/{number:id}", staff.assess, methods=["POST"]),
    Route(S + "/proposals/{number:id}/override", staff.override, methods=["POST"]),
    Route(S + "/proposals/{number:id}/delivery", staff.delivery_update, methods=["POST"]),
    Route(S + "/codes", staff_voting.code_batches, methods=["GET"]),
    Route(S + "/codes", staff_voting.create_codes, methods=["POST"]),
    Route(S + "/codes/void", staff_voting.void_code, methods=["POST"]),
    Route(S + "/codes/{batch_id:id}/void", staff_voting.void_batch, methods=["POST"]),
    Route(S + "/paper", staff_paper.paper_batches, methods=["GET"]),
    Route(S + "/paper", staff_paper.create_paper_batch, methods=["POST"]),
    Route(S + "/paper/{batch_id:id}", staff_paper.paper_batch, methods=["GET"]),
    Route(S + "/paper/{batch_id:id}/entry", staff_paper.enter_paper, methods=["POST"]),
    Route(S + "/paper/{batch_id:id}/resolve", staff_paper.resolve_paper, methods=["POST"]),
    Route(S + "/paper/{batch_id:id}/count", staff_paper.count_paper, methods=["POST"]),
    Route(S + "/results", staff_voting.results_admin, methods=["GET"]),
    Route(S + "/results/compute", staff_voting.compute_results, methods=["POST"]),
    Route(S + "/results/{result_id:id}/publish", staff_voting.publish_results, methods=["POST"]),
    Route("/{slug}", web.process_page, name="budgets_process"),
    Route("/{slug}/ideas", web.ideas, methods=["GET"]),
    Route("/{slug}/ideas/new", web.idea_form, methods=["GET"]),
    Route("/{slug}/ideas/new", web.submit_idea, methods=["POST"]),
    Route("/{slug}/proposals", web.proposals),
    Route("/{slug}/proposals.{fmt:str}", web.proposals_data),
    Route("/{slug}/vote", web_vote.code_form, methods=["GET"]),
    Route("/{slug}/vote", web_vote.enter_code, methods=["POST"]),
    Route("/{slug}/ballot", web_vote.ballot, methods=["GET"]),
    Route("/{slug}/ballot", web_vote.submit_ballot, methods=["POST"]),
    Route("/{slug}/ballot/total", web_vote.running_total, methods=["POST"]),
    Route("/{slug}/check", web_vote.check_page, methods=["GET"]),
    Route("/{slug}/cast", web_vote.cast, methods=["POST"]),
    Route("/{slug}/voted", web_vote.voted, methods=["GET"]),
    Route("/{slug}/receipt", web_vote.receipt_form, methods=["GET"]),
    Route("/{slug}/receipt", web_vote.check_receipt, methods=["POST"]),
    Route("/{slug}/results", web.results_page),
    Route("/{slug}/results.{fmt:str}", web.results_data),
    Route("/{slug}/ballots.pb", web.ballots_pb),
    Route("/{slug}/delivery", web.delivery),
    Route("/{slug}/delivery.{fmt:str}", web.delivery_data),
]


async def open_budgets(session: AsyncSession, now: datetime) -> list[OpenItem]:
    items = []
    for process in await service.list_processes(session):
        phase = process.phase(now)
        if phase == Phase.VOTING:
            items.append(
                OpenItem(
                    "Youth budgets",
                    f"Vote: {process.title}",
                    f"/budgets/{process.slug}",
                    f"Voting closes {format_datetime(process.voting_closes_at)}",
                )
            )
        elif phase == Phase.IDEAS:
            items.append(
                OpenItem(
                    "Youth budgets",
                    f"Share an idea: {process.title}",
                    f"/budgets/{process.slug}",
                    f"Ideas close {format_datetime(process.review_at)}",
                )
            )
    return items
