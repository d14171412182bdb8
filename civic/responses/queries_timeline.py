"""One timeline per ask, across features: every step an ask led on to, with the body that held it,
its deadline and whether it was late.

Steps are (kind, ref) pairs: the features' target kinds (a petition, a panel decision, a youth budget,
a police priorities round), an answer ("response") and what it commits to ("commitment"). An ask is
joined to its answer and the answer to its commitment by the tables themselves; staff link the other
steps (`StepLink`). Features show the timeline on their own pages through this module, without
knowing each other.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.i18n import gettext
from civic.core.paths import parse_id
from civic.responses import service_commitments
from civic.responses.models import Commitment, Response, ResponseState, ResponsibleBody, StepLink
from civic.responses.queries_commitments import ANSWER_KIND, answering, load_commitment, page_path
from civic.responses.queries_commitments import labels as commitment_labels
from civic.responses.queries_targets import KINDS, load_target

RESPONSE = "response"
COMMITMENT = ANSWER_KIND  # a commitment an answer records
MAX_STEPS = 40  # a timeline is a handful of steps; this only stops a tangle of links from running on
Node = tuple[str, str]


def step_kinds() -> dict[str, str]:
    """kind -> label, for the staff form and for checking a link."""
    return {**{k: str(t.label) for k, t in KINDS.items()}, RESPONSE: gettext("Answer"), **commitment_labels()}


@dataclass(frozen=True)
class Step:
    kind: str
    ref: str
    label: str  # what kind of step, e.g. "Petition"
    title: str
    href: str
    body: str  # the name of the body that held the step
    at: datetime | date | None  # when the step happened
    deadline: datetime | date | None
    status: str
    late: bool

    @property
    def sort_key(self) -> tuple[int, str]:
        # ISO text orders a date just before the times of that day; undated steps go last
        return (1, "") if self.at is None else (0, self.at.isoformat())


async def _neighbours(session: AsyncSession, node: Node) -> list[Node]:
    kind, ref = node
    found: list[Node] = []
    if parse_id(ref) is None:
        return found
    rows = await session.exec(
        select(StepLink).where(
            or_(
                and_(col(StepLink.from_kind) == kind, col(StepLink.from_ref) == ref),
                and_(col(StepLink.to_kind) == kind, col(StepLink.to_ref) == ref),
            )
        )
    )
    for link in rows.all():
        mine = link.from_kind == kind and link.from_ref == ref
        found.append((link.to_kind, link.to_ref) if mine else (link.from_kind, link.from_ref))
    if kind == RESPONSE:
        response = await session.get(Response, int(ref))
        if response is not None:
            found.append((response.target_kind, response.target_id))
        commitment = await service_commitments.commitment_for(session, int(ref))
        if commitment is not None:
            found.append((COMMITMENT, str(commitment.id)))
    elif kind == COMMITMENT:
        item = await session.get(Commitment, int(ref))
        if item is not None:
            found.append((RESPONSE, str(item.response_id)))
    elif kind in commitment_labels():  # a feature's own tracked promise: it answers an ask
        promise = await load_commitment(session, kind, ref)
        if promise is not None:
            found.append((promise.asked_kind, promise.asked_ref))
    else:
        found.extend((c.kind, c.ref) for c in await answering(session, kind, ref))
        answer = await session.exec(
            select(Response.id).where(Response.target_kind == kind, Response.target_id == ref)
        )
        found.extend((RESPONSE, str(i)) for i in answer.all())
    return found


async def _body_name(session: AsyncSession, slug: str) -> str:
    body = await session.get(ResponsibleBody, slug)
    return body.name if body else slug


async def step(session: AsyncSession, node: Node, now: datetime) -> Step | None:
    """The step a (kind, ref) pair names, if it exists and is public; else None."""
    kind, ref = node
    if parse_id(ref) is None:
        return None
    if kind != COMMITMENT and kind in commitment_labels():
        return await _promise_step(session, node, now)
    if kind == RESPONSE:
        return await _response_step(session, int(ref))
    if kind == COMMITMENT:
        return await _commitment_step(session, int(ref), now)
    target = await load_target(session, kind, ref)
    if target is None:
        return None
    answered = await session.exec(
        select(Response.id).where(
            Response.target_kind == kind, Response.target_id == ref, Response.state == ResponseState.PUBLISHED
        )
    )
    is_answered = answered.first() is not None
    return Step(
        kind, ref, str(KINDS[kind].label), target.title, target.href, await _body_name(session, target.body_slug),
        target.asked_at, target.due_at, gettext("answered") if is_answered else gettext("awaiting an answer"),
        not is_answered and target.due_at is not None and target.due_at < now,
    )  # fmt: skip


async def _response_step(session: AsyncSession, response_id: int) -> Step | None:
    response = await session.get(Response, response_id)
    if response is None or response.state != ResponseState.PUBLISHED or response.first_published_at is None:
        return None  # a draft is not public
    late = response.due_at is not None and response.first_published_at > response.due_at
    return Step(
        RESPONSE, str(response_id), gettext("Answer"), gettext("Answer to %(title)s", title=response.target_title),
        f"/responses/{response_id}", await _body_name(session, response.body_slug),
        response.first_published_at, response.due_at, gettext("published"), late,
    )  # fmt: skip


async def _commitment_step(session: AsyncSession, commitment_id: int, now: datetime) -> Step | None:
    item = await session.get(Commitment, commitment_id)
    if item is None:
        return None
    return Step(
        COMMITMENT, str(commitment_id), gettext("Commitment"), item.what, page_path(COMMITMENT, str(commitment_id)),
        await _body_name(session, item.body_slug), item.created_at, item.due_on, str(item.state.label),
        service_commitments.is_late(item, now.date()),
    )  # fmt: skip


async def _promise_step(session: AsyncSession, node: Node, now: datetime) -> Step | None:
    item = await load_commitment(session, *node)
    if item is None:
        return None
    return Step(
        item.kind, item.ref, commitment_labels()[item.kind], item.what, page_path(item.kind, item.ref),
        await _body_name(session, item.body_slug), item.closed_on, item.due_on, str(item.state.label),
        item.is_late(now.date()),
    )  # fmt: skip


async def timeline(session: AsyncSession, kind: str, ref: str | int, now: datetime) -> list[Step]:
    """Every public step joined to this one, oldest first. One step alone is no timeline: []."""
    start: Node = (kind, str(ref))
    seen: set[Node] = {start}
    queue: deque[Node] = deque([start])
    steps: list[Step] = []
    while queue and len(seen) <= MAX_STEPS:
        node = queue.popleft()
        found = await step(session, node, now)
        if found is not None:
            steps.append(found)
        for neighbour in await _neighbours(session, node):
            if neighbour not in seen:
                seen.add(neighbour)
                queue.append(neighbour)
    return sorted(steps, key=lambda s: s.sort_key) if len(steps) > 1 else []
