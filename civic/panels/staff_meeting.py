"""The clerk's page for one meeting, and what is done on it once the agenda is settled: holding and
recording the meeting, cancelling it, and its minutes. The agenda's handlers are in `staff_agenda`,
moving a meeting in `staff_reschedule`; all of them go through `perform`, which makes the checks
`staff` describes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment
from jinja2.filters import do_truncate
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from civic.core.clock import now as clock_now
from civic.core.content_languages import load as load_versions
from civic.core.db import reading, row_id, transaction
from civic.core.deps import path_id, state
from civic.core.errors import Conflict
from civic.core.forms import Errors, form_context, read_form, text
from civic.core.htmx import redirect_after_post
from civic.core.i18n import gettext
from civic.core.paths import parse_id
from civic.core.rules import require
from civic.core.templating import format_date, render_page
from civic.core.users import StaffUser
from civic.panels import (
    forms,
    service,
    service_minutes,
    service_record,
    service_rescheduling,
    service_subscriptions,
)
from civic.panels import service_versions as content
from civic.panels.links import KINDS, MINUTES_KIND
from civic.panels.models import PanelMeeting
from civic.panels.procedure import (
    AttendanceStatus,
    Choice,
    DeclarationAction,
    MeetingState,
    ProcedureError,
    clear_days,
)
from civic.panels.service_record import MeetingRecord
from civic.panels.staff import Work, require_clerk


async def _approvable(session: AsyncSession, meeting: PanelMeeting) -> list[PanelMeeting]:
    """Earlier meetings of the panel whose draft minutes this meeting could approve."""
    return [
        m
        for m in await service.meetings_of(session, meeting.panel_id)
        if m.state == MeetingState.MINUTES_DRAFT and m.starts_at < meeting.starts_at
    ]


async def meeting_page(
    request: Request, meeting_id: int | None = None, errors: Errors | None = None, values: Any = None
) -> Response:
    require_clerk(request)
    meeting_id = meeting_id or path_id(request, "meeting_id")
    async with reading(request) as session:
        meeting, panel = await service.get_meeting(session, meeting_id)
        rec = await service_record.load(session, meeting, panel)
        versions = await service_minutes.versions_of(session, meeting)
        minutes_versions = await content.minutes_versions(
            session, state(request).settings, versions[-1] if versions else None
        )
        approvable = await _approvable(session, meeting)
        changes = await service_rescheduling.changes_of(session, meeting)
    context = {
        "rec": rec,
        "meeting": meeting,
        "panel": panel,
        "versions": versions,
        "approvable": approvable,
        "attendance_statuses": list(AttendanceStatus),
        **_choices(rec, approvable),
        "notice_now": clear_days(clock_now(request), meeting.starts_at),
        "changes": changes,
        "arrangements": forms.meeting_values(meeting),
        "version_languages": content.other_languages(state(request).settings),
        "version_labels": content.labels(),
        "minutes_labels": content.minutes_labels(),
        "minutes_versions": minutes_versions,
        **form_context(errors or {}, values or {}),
    }
    return render_page(request, "panels/manage_meeting.html", context, status_code=422 if errors else 200)


# Motions are named in a select by their text cut at a word, as Jinja's `truncate` cuts it.
_TRUNCATE = Environment(autoescape=True)


def _choices(rec: MeetingRecord, approvable: list[PanelMeeting]) -> dict[str, list[tuple[object, object]]]:
    """The meeting page's option lists as (value, text) pairs for civic.core.forms.options."""
    items: list[tuple[object, object]] = [
        (i.id, f"{i.position}. {i.title}") for i in rec.items if not i.withdrawn
    ]
    members: list[tuple[object, object]] = [(m.id, f"{m.name} ({m.role.label})") for m in rec.members]
    carried = [
        (m.id, do_truncate(_TRUNCATE, m.text, 80)) for m in rec.motions if m.tally.outcome.value == "carried"
    ]
    kinds = [(k.kind, str(k.label)) for k in KINDS.values() if k.kind != MINUTES_KIND]
    return {
        "item_pairs": items,
        "member_pairs": members,
        "seconder_pairs": [("", gettext("Not seconded")), *members],
        "kind_pairs": [("", gettext("Nothing in particular")), *kinds],
        "approves_pairs": [
            ("", gettext("No")),
            *(
                (m.id, gettext("Yes: the meeting on %(date)s", date=format_date(m.starts_at)))
                for m in approvable
            ),
        ],
        "declaration_pairs": [(a.value, a.label) for a in DeclarationAction],
        "vote_pairs": [("", gettext("Did not vote")), *((c.value, c.label) for c in Choice)],
        "carried_pairs": [("", gettext("Agreed without a vote")), *carried],
        "exempt_pairs": list(forms.EXEMPT_PAIRS),
        "recorded_pairs": list(forms.RECORDED_PAIRS),
        "casting_pairs": list(forms.CASTING_PAIRS),
    }


async def perform(
    request: Request,
    rule_name: str,
    field: str,
    work: Work,
    values: Any = None,
    errors: Errors | None = None,
    refusal: str | None = None,
    prefix: str = "",
) -> Response:
    """Check the role, the rule (409 with `refusal` or a message naming the state), then do `work`;
    a rule of procedure broken gives the page again with the message on `field`, or on the field the
    error names (after `prefix`, which keeps the ids of the page's forms apart) (422)."""
    actor = require_clerk(request)
    meeting_id = path_id(request, "meeting_id")
    now = clock_now(request)
    try:
        async with transaction(request) as session:
            meeting, panel = await service.get_meeting(session, meeting_id, for_update=True)
            refused = refusal or gettext(
                "That cannot be done while the meeting is %(state)s.", state=meeting.state.label.lower()
            )
            require(rule_name, actor, meeting, now=now, otherwise=Conflict(refused))
            if not errors:
                await work(session, await service_record.load(session, meeting, panel), actor, now)
        if not errors:
            return redirect_after_post(request, f"/panels/manage/meetings/{meeting_id}#{field}")
    except ProcedureError as exc:
        errors = {f"{prefix}{exc.field}" if exc.field else field: str(exc)}
    return await meeting_page(request, meeting_id, errors, values)


async def notify(
    request: Request, session: AsyncSession, rec: MeetingRecord, what: str, now: datetime
) -> None:
    """Email the panel's subscribers about this meeting: its agenda, its cancellation or its
    decisions (`what`), once each."""
    context = {"items": rec.items, "decisions": rec.decisions}
    shared = state(request)
    stored = await load_versions(session, content.KIND, [row_id(d) for d in rec.decisions])
    # Each subscriber reads the decisions in their language when they have a version in it.
    by_lang = {
        lang: {"decisions": content.localise_all(stored, rec.decisions, shared.settings, lang)}
        for lang in shared.settings.languages
    }
    await service_subscriptions.notify(
        session,
        rec.panel,
        rec.meeting,
        what,
        context,
        settings=shared.settings,
        mail=shared.mail,
        now=now,
        by_lang=by_lang,
    )


async def cancel_meeting(request: Request) -> Response:
    reason = text(await read_form(request), "cancel_reason")

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        announced = rec.meeting.agenda_published_at is not None
        await service.cancel_meeting(session, rec.meeting, actor=actor, now=now, reason=reason)
        if announced:  # subscribers had the agenda, so they hear the meeting is off
            await notify(request, session, rec, "cancelled", now)

    return await perform(request, "panels.cancel", "cancel_reason", work, {"cancel_reason": reason})


async def hold_meeting(request: Request) -> Response:
    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        await service.hold_meeting(session, rec.meeting, actor=actor, now=now)

    return await perform(request, "panels.hold", "attendance", work)


async def record_attendance(request: Request) -> Response:
    form = await read_form(request)

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        entries = forms.attendance_form(form, list(rec.member_names))
        await service_record.record_attendance(session, rec, entries, actor=actor, now=now)

    return await perform(request, "panels.record", "attendance", work)


async def declare_interest(request: Request) -> Response:
    values, errors = forms.declaration_form(await read_form(request))

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        fields = {k: values[k] for k in ("member_id", "item_id", "action")}
        await service_record.declare_interest(
            session, rec, actor=actor, now=now, nature=values["raw"]["nature"], **fields
        )

    return await perform(request, "panels.record", "nature", work, {"declaration": values["raw"]}, errors)


async def record_motion(request: Request) -> Response:
    form = await read_form(request)
    member_ids = [key for k in form if k.startswith("vote-") and (key := parse_id(k[5:])) is not None]
    values, errors = forms.motion_form(form, member_ids)

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        fields = {
            k: values[k] for k in ("item_id", "text", "proposer_id", "seconder_id", "tally", "recorded")
        }
        await service_record.record_motion(session, rec, actor=actor, now=now, **fields)

    return await perform(request, "panels.record", "text", work, {"motion": values["raw"]}, errors)


async def record_decision(request: Request) -> Response:
    form = await read_form(request)
    values, errors = forms.decision_form(form)
    settings = state(request).settings
    versions = content.form_versions(settings, {k: text(form, k) for k in form})
    errors.update(content.check(versions))

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        raw = values["raw"]
        decision = await service_record.record_decision(
            session,
            rec,
            actor=actor,
            now=now,
            item_id=values["item_id"],
            motion_id=values["motion_id"],
            text=raw["text"],
            reasons=raw["reasons"],
            alternatives=raw["alternatives"],
            actions=values["actions"],
        )
        await content.save_versions(session, decision, versions, actor=actor, now=now)
        await content.require_all(session, settings, [decision])  # it is public once recorded

    shown = {"decision": values["raw"], "decision_versions": versions}
    return await perform(request, "panels.record", "decision-text", work, shown, errors)


async def draft_minutes(request: Request) -> Response:
    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        await service_minutes.draft_minutes(session, rec, actor=actor, now=now)

    return await perform(request, "panels.draft_minutes", "minutes", work)


def _minutes_versions(request: Request, form: Any) -> dict[str, dict[str, str]]:
    """The minutes' version boxes the form has (a form without them changes no version)."""
    fields = content.MINUTES_FIELDS
    found = content.form_versions(state(request).settings, {k: text(form, k) for k in form}, fields)
    return {lang: texts for lang, texts in found.items() if any(f"{f}__{lang}" in form for f in fields)}


async def edit_minutes(request: Request) -> Response:
    form = await read_form(request)
    body, versions = text(form, "body"), _minutes_versions(request, form)

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        draft = await service_minutes.edit_draft(session, rec.meeting, body, actor=actor, now=now)
        await content.save_versions(session, draft, versions, actor=actor, now=now)

    shown = {"body": body, "minutes_versions": versions}
    return await perform(request, "panels.edit_minutes", "minutes", work, shown)


async def publish_minutes(request: Request) -> Response:
    """Publish approved minutes; the form also carries their versions, which may still be added."""
    versions = _minutes_versions(request, await read_form(request))

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        settings = state(request).settings
        approved = (await service_minutes.versions_of(session, rec.meeting))[-1]
        await content.save_versions(session, approved, versions, actor=actor, now=now)
        await content.require_all(session, settings, rec.decisions, on_box=False)
        await content.require_minutes(session, settings, approved)
        await service_minutes.publish_minutes(session, rec.meeting, actor=actor, now=now)
        await notify(request, session, rec, "decisions", now)

    shown = {"minutes_versions": versions}
    return await perform(request, "panels.publish_minutes", "minutes", work, shown)


async def correct_minutes(request: Request) -> Response:
    form = await read_form(request)
    body, note = text(form, "body"), text(form, "correction_note")
    versions = _minutes_versions(request, form)

    async def work(session: AsyncSession, rec: MeetingRecord, actor: StaffUser, now: datetime) -> None:
        fixed = await service_minutes.publish_correction(
            session, rec.meeting, body, note, actor=actor, now=now
        )
        await content.save_versions(session, fixed, versions, actor=actor, now=now)  # its own versions
        await content.require_minutes(session, state(request).settings, fixed)

    shown = {"body": body, "note": note, "correction_versions": versions}
    return await perform(request, "panels.correct_minutes", "correction_note", work, shown)
