"""Fixtures for panel tests: a panel with seven members and a meeting a week ahead."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from civic.core.clock import FrozenClock
from civic.core.db import Database
from civic.panels import service, service_membership
from civic.panels.models import AreaKind, MemberRole, Panel, PanelMeeting, PanelMember

ROSTER = [
    ("Joan Okafor", MemberRole.CHAIR, True),
    ("Ravi Menon", MemberRole.VICE_CHAIR, True),
    ("Siobhan Kelly", MemberRole.SECRETARY, True),
    ("Tom Price", MemberRole.MEMBER, True),
    ("Aisha Begum", MemberRole.MEMBER, True),
    ("Dev Sharma", MemberRole.CO_OPTED, True),
    ("Insp. Lee Grant", MemberRole.ADVISER, False),
]


@dataclass
class PanelSetup:
    panel: Panel
    members: dict[str, PanelMember]
    meeting: PanelMeeting

    def id(self, name: str) -> int:
        member_id = self.members[name].id
        assert member_id is not None
        return member_id


@pytest.fixture
async def setup(db: Database, clock: FrozenClock, areas: None) -> PanelSetup:
    now = clock.now()
    async with db.transaction() as session:
        panel = await service_membership.create_panel(
            session,
            actor=None,
            now=now,
            name="Fernbridge Central Community Panel",
            area_kind=AreaKind.WARD,
            ward_code="E05900006",
            area_name="Fernbridge Central",
            purpose="Residents hold local services to account.",
            terms_of_reference="Meets monthly; decides on the community fund.",
            meeting_frequency="Monthly",
            quorum_rule="1/2",
        )
        members = {}
        for name, role, voting in ROSTER:
            members[name] = await service_membership.add_member(
                session,
                panel,
                actor=None,
                now=now,
                name=name,
                role=role,
                voting=voting,
                starts_on=date(2026, 1, 1),
            )
        meeting = await service.schedule_meeting(
            session,
            panel,
            actor=None,
            now=now,
            starts_at=now + timedelta(days=10),
            place="Fernbridge Library",
        )
    return PanelSetup(panel, members, meeting)
