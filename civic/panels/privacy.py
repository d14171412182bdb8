"""What community panels hold about people, how long, and how a data request is met."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.identity import email_hash
from civic.core.localtime import format_datetime
from civic.core.privacy import Basis, Erased, Held, PersonalData, Retention, Subject, SubjectAccess
from civic.panels.models import Panel, PanelSubscription
from civic.panels.service_subscriptions import CONFIRM_FOR

PERSONAL_DATA = (
    PersonalData(
        table="panel_subscription",
        columns=("email", "email_hash"),
        what=_l("the email address of residents who subscribe to a panel's agendas and decisions"),
        purpose=_l("to email you each agenda and decision of the panel"),
        basis=Basis.CONSENT,
        who_sees=_l("no one; the system emails you"),
        retention=Retention(
            _l(
                "never confirmed: deleted after %(days)s days; on unsubscribing the address is erased "
                "at once and the rest deleted %(period)s later",
                days=CONFIRM_FOR.days,
            ),
            setting="PANEL_ENDED_SUBSCRIPTION_KEEP_DAYS",
            job="panels.purge_ended_subscriptions",
        ),
    ),
    PersonalData(
        table="panel_member",
        columns=("name",),
        what=_l("the names of panel members"),
        purpose=_l("to publish who sits on a panel and how they voted, as the record of its decisions"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("everyone: members' names are published"),
        retention=Retention(_l("kept as the panel's public record")),
    ),
    PersonalData(
        table="panel_attendance",
        columns=("substitute_name",),
        what=_l("the name of a substitute who attended a meeting"),
        purpose=_l("to publish who attended a meeting"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("everyone: attendance is published"),
        retention=Retention(_l("kept as the panel's public record")),
    ),
)


async def search(session: AsyncSession, subject: Subject) -> list[Held]:
    key = email_hash(subject.secret, subject.email)
    rows = (
        select(PanelSubscription, Panel.name)
        .join(Panel, col(Panel.id) == col(PanelSubscription.panel_id))
        .where(PanelSubscription.email_hash == key)
    )
    return [
        Held(
            gettext("Panel email subscription"),
            {
                gettext("panel"): name,
                gettext("email"): item.email,
                gettext("status"): item.status.value,
                gettext("since"): format_datetime(item.created_at),
            },
            gettext("Erasure deletes it."),
        )
        for item, name in (await session.exec(rows)).all()
    ]


async def erase(session: AsyncSession, subject: Subject, now: datetime) -> Erased:
    key = email_hash(subject.secret, subject.email)
    result = await session.exec(delete(PanelSubscription).where(col(PanelSubscription.email_hash) == key))
    await session.flush()
    count = int(result.rowcount or 0)
    return Erased(count, f"{count} panel subscription(s) deleted")


SUBJECT_ACCESS = SubjectAccess(
    search=search,
    erase=erase,
    rules=(
        _l("Panel subscriptions are deleted."),
        _l("Panel members' names and attendance are the published record of the panel and are kept."),
    ),
)
