"""Demo content: a ward panel with a meeting six weeks ago fully recorded (minutes approved at the
next meeting and published, decisions, actions and their updates), that next meeting two weeks ago,
and a meeting in ten days with a published agenda. Everything goes through the services, with the
time each step would really have happened, so the demo obeys the same rules as the live site.

The panels' permission rules and minutes guard are imported here because the demo relies on them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.db import row_id
from civic.core.demo import DemoContext, demo_now
from civic.core.users import Role, StaffUser
from civic.panels import (  # noqa: F401 - the rules the services check must be defined
    rules,
    service,
    service_actions,
    service_membership,
    service_minutes,
    service_record,
    service_rescheduling,
)
from civic.panels.links import MINUTES_KIND
from civic.panels.models import AreaKind, MemberRole, Panel, PanelMeeting
from civic.panels.procedure import AttendanceStatus, Choice, DeclarationAction, Tally

P, A = AttendanceStatus.PRESENT, AttendanceStatus.APOLOGIES
ROSTER = [
    ("Joan Okafor", MemberRole.CHAIR, True),
    ("Ravi Menon", MemberRole.VICE_CHAIR, True),
    ("Siobhan Kelly", MemberRole.SECRETARY, True),
    ("Tom Price", MemberRole.MEMBER, True),
    ("Aisha Begum", MemberRole.MEMBER, True),
    ("Dev Sharma", MemberRole.CO_OPTED, True),
    ("PC Priya Shah", MemberRole.ADVISER, False),
]


def evening(day: datetime) -> datetime:
    return day.replace(hour=18, minute=30, second=0, microsecond=0)


async def load_panels(session: AsyncSession, ctx: DemoContext) -> None:
    clerk = ctx.staff.get(Role.PANEL_CLERK)
    now = demo_now()  # round local times, never after now
    start = now - timedelta(days=70)
    panel = await service_membership.create_panel(
        session,
        actor=clerk,
        now=start,
        name="Fernbridge Central Community Panel",
        area_kind=AreaKind.WARD,
        ward_code="E05900006",
        area_name="Fernbridge Central",
        purpose="Residents of Fernbridge Central meet the council and the police each month, "
        "decide how the ward's community fund is spent and follow up what was promised.",
        terms_of_reference="The panel has up to eight voting members who live or work in the ward.\n\n"
        "It meets monthly in public. Half of the voting members make a quorum.",
        meeting_frequency="Monthly, on the first Wednesday",
        quorum_rule="1/2",
    )
    police = ctx.staff.get(Role.POLICE)
    ids = {}
    for name, role, voting in ROSTER:
        member = await service_membership.add_member(
            session,
            panel,
            actor=clerk,
            now=start,
            name=name,
            role=role,
            voting=voting,
            starts_on=date(start.year - 1, 5, 1),
            user_id=police.id if police and role == MemberRole.ADVISER else None,
        )
        ids[name] = row_id(member)
    first = await _first_meeting(session, panel, clerk, ids, start, now)
    second = await _second_meeting(session, panel, clerk, ids, first, now)
    await _next_meeting(session, panel, clerk, now, second)


async def _first_meeting(
    session: AsyncSession,
    panel: Panel,
    clerk: StaffUser | None,
    ids: dict[str, int],
    start: datetime,
    now: datetime,
) -> PanelMeeting:
    meeting = await service.schedule_meeting(
        session,
        panel,
        actor=clerk,
        now=start,
        starts_at=evening(now - timedelta(days=42)),
        place="Fernbridge Library, Mill Street",
    )
    for title, body, kind, ref, label in (
        ("Petition: Safer crossing on Mill Street", "Residents' petition asks for a zebra crossing near the primary school.",
         "petition", "1", "Safer crossing on Mill Street"),
        ("Community fund: spring grants", "Three groups have applied for the £3,000 spring round.", "", "", ""),
    ):  # fmt: skip
        links = [(kind, ref, label)] if kind else []
        await service.add_item(session, meeting, actor=clerk, now=start, title=title, body=body, links=links)
    await service.add_item(
        session, meeting, actor=clerk, now=start, title="Complaint about a named trader", exempt=True,
        exempt_reason="Information about a particular person",
    )  # fmt: skip
    await service.publish_agenda(session, meeting, actor=clerk, now=start + timedelta(days=1))
    at = meeting.starts_at
    await service.hold_meeting(session, meeting, actor=clerk, now=at)
    rec = await service_record.load(session, meeting, panel)
    attendance = {
        ids[n]: (P, "")
        for n in ("Joan Okafor", "Ravi Menon", "Tom Price", "Aisha Begum", "Dev Sharma", "PC Priya Shah")
    }
    attendance[ids["Siobhan Kelly"]] = (A, "")
    await service_record.record_attendance(session, rec, attendance, actor=clerk, now=at)
    crossing, fund = row_id(rec.items[0]), row_id(rec.items[1])
    await service_record.declare_interest(
        session, rec, actor=clerk, now=at, member_id=ids["Aisha Begum"], item_id=fund,
        nature="She chairs Fernbridge Tenants' Association, one of the applicants", action=DeclarationAction.LEFT_ROOM,
    )  # fmt: skip
    motion = await service_record.record_motion(
        session, rec, actor=clerk, now=at, item_id=crossing,
        text="That the panel supports the petition and asks Highways to assess a crossing",
        proposer_id=ids["Tom Price"], seconder_id=ids["Dev Sharma"], tally=Tally(5, 0, 0),
    )  # fmt: skip
    decision = await service_record.record_decision(
        session, rec, actor=clerk, now=at, item_id=crossing, motion_id=motion.id,
        text="Support the petition for a crossing on Mill Street and ask Highways for an assessment",
        reasons="Two near misses outside the school this term; 412 residents signed.",
        alternatives="A part-time lollipop patrol; a 20 mph zone only.",
        actions=[("Send the request for a crossing assessment to Highways", "Panel clerk", (at + timedelta(days=14)).date()),
                 ("Report the assessment back to the panel", "Highways team", (now - timedelta(days=5)).date()),
                 ("Put up temporary school-crossing signs", "Highways team", (now + timedelta(days=21)).date())],
    )  # fmt: skip
    votes = {ids["Joan Okafor"]: Choice.FOR, ids["Ravi Menon"]: Choice.FOR, ids["Tom Price"]: Choice.AGAINST,
             ids["Dev Sharma"]: Choice.AGAINST}  # fmt: skip
    grant = await service_record.record_motion(
        session, rec, actor=clerk, now=at, item_id=fund,
        text="That the panel grants £1,500 to Fernbridge Tenants' Association for a homework club",
        proposer_id=ids["Ravi Menon"], seconder_id=ids["Joan Okafor"], tally=Tally(2, 2, 0, Choice.FOR), recorded=votes,
    )  # fmt: skip
    grant_decision = await service_record.record_decision(
        session, rec, actor=clerk, now=at, item_id=fund, motion_id=grant.id,
        text="Grant £1,500 to Fernbridge Tenants' Association for a homework club",
        reasons="The only bid that serves secondary-age pupils; match funding is in place.",
        alternatives="Splitting the fund equally between the three bids.",
        actions=[("Pay the grant and agree monitoring", "Community development team", (at + timedelta(days=21)).date())],
    )  # fmt: skip
    await service_minutes.draft_minutes(session, rec, actor=clerk, now=at + timedelta(days=1))
    done = rec.actions[row_id(grant_decision)][0]
    await service_actions.update_action(session, done, actor=clerk, now=at + timedelta(days=6), status=done.status.IN_PROGRESS,
                               note="Grant agreement sent to the association.")  # fmt: skip
    await service_actions.update_action(session, done, actor=clerk, now=at + timedelta(days=15), status=done.status.DONE,
                               note="£1,500 paid; the homework club opened on a Tuesday evening.")  # fmt: skip
    sent = rec.actions[row_id(decision)][0]
    await service_actions.update_action(session, sent, actor=clerk, now=at + timedelta(days=3), status=sent.status.DONE,
                               note="Request sent to Highways with the petition attached.")  # fmt: skip
    return meeting


async def _second_meeting(
    session: AsyncSession,
    panel: Panel,
    clerk: StaffUser | None,
    ids: dict[str, int],
    first: PanelMeeting,
    now: datetime,
) -> PanelMeeting:
    when = first.starts_at + timedelta(days=2)
    meeting = await service.schedule_meeting(
        session,
        panel,
        actor=clerk,
        now=when,
        starts_at=evening(now - timedelta(days=14)),
        place="Fernbridge Library, Mill Street",
    )
    await service.add_item(
        session, meeting, actor=clerk, now=when, title="Minutes of the meeting held six weeks ago",
        links=[(MINUTES_KIND, str(first.id), "Minutes of the previous meeting")],
    )  # fmt: skip
    await service.add_item(session, meeting, actor=clerk, now=when, title="Policing update",
                           body="Neighbourhood team report on antisocial behaviour near the station.")  # fmt: skip
    await service.publish_agenda(session, meeting, actor=clerk, now=when + timedelta(days=1))
    at = meeting.starts_at
    await service.hold_meeting(session, meeting, actor=clerk, now=at)
    rec = await service_record.load(session, meeting, panel)
    present = ("Joan Okafor", "Siobhan Kelly", "Tom Price", "Aisha Begum", "PC Priya Shah")
    await service_record.record_attendance(
        session, rec, {ids[n]: (P, "") for n in present}, actor=clerk, now=at
    )
    await service_record.record_motion(
        session, rec, actor=clerk, now=at, item_id=row_id(rec.items[0]),
        text="That the minutes be approved as a correct record", proposer_id=ids["Siobhan Kelly"],
        seconder_id=ids["Tom Price"], tally=Tally(3, 0, 1),
    )  # fmt: skip
    await service_minutes.publish_minutes(session, first, actor=clerk, now=at + timedelta(days=1))
    await service_minutes.draft_minutes(session, rec, actor=clerk, now=at + timedelta(days=1))
    return meeting


async def _next_meeting(
    session: AsyncSession, panel: Panel, clerk: StaffUser | None, now: datetime, previous: PanelMeeting
) -> None:
    meeting = await service.schedule_meeting(
        session, panel, actor=clerk, now=now - timedelta(days=1), starts_at=evening(now + timedelta(days=10)),
        place="Fernbridge Community Centre, Canal Road", online_url="https://meet.example.org/fernbridge-central",
    )  # fmt: skip
    items = [
        ("Minutes of the last meeting", "", [(MINUTES_KIND, str(previous.id), "Minutes of the previous meeting")]),
        ("Police priorities for the next quarter", "The neighbourhood team asks the panel's view on its priorities.",
         [("police_round", "1", "Fernbridge Central priorities round")]),
        ("Youth budget: projects shortlisted", "Young people's projects on the ballot this year.",
         [("youth_budget", "1", "Fernbridge youth budget")]),
        ("Mill Street crossing: Highways assessment", "Overdue: Highways were asked to report back.", []),
    ]  # fmt: skip
    for title, body, links in items:
        await service.add_item(
            session, meeting, actor=clerk, now=now - timedelta(days=1), title=title, body=body, links=links
        )
    await service.publish_agenda(session, meeting, actor=clerk, now=now - timedelta(days=1))
    polling_day = service_rescheduling.NewArrangements(
        meeting.starts_at + timedelta(days=1), meeting.place, meeting.online_url,
        "The community centre is a polling station that day",
    )  # fmt: skip
    await service_rescheduling.reschedule_meeting(session, meeting, polling_day, actor=clerk, now=now)
