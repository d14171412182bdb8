"""Core's own entries in the retention register, and the privacy settings core reads.

A table that belongs to no feature (staff accounts, the outbox, rate limits, the audit log, and any
later core table such as a sign-in history) declares its personal data here, in `CORE_PERSONAL_DATA`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.config import Setting
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.localtime import format_datetime
from civic.core.outbox import REDACTED_ADDRESS, OutboxMessage, OutboxStatus
from civic.core.privacy import Basis, Erased, Held, PersonalData, Retention, Subject, SubjectAccess
from civic.core.ratelimit import RateCounter
from civic.core.users import StaffUser

SETTINGS = (
    Setting(
        "DATA_CONTROLLER_NAME", "Fernbridge Borough Council", "the data controller the privacy notices name"
    ),
    Setting(
        "DPO_CONTACT",
        "dpo@fernbridge.invalid",
        "how to reach the council's data protection officer (an email or postal address)",
    ),
    Setting(
        "OUTBOX_KEEP_DAYS", "30", "days after an email is sent or fails that its address and text are removed"
    ),
    Setting(
        "RATE_LIMIT_KEEP_HOURS",
        "48",
        "hours a rate-limit record (it names an IP or email address) is kept; at least 24, the longest window",
    ),
    Setting(
        "AUDIT_PERSONAL_DETAILS_DAYS",
        "365",
        "days after which audit-log details that name a person are redacted (the hash chain still verifies)",
    ),
    Setting("DATA_REQUEST_LINK_HOURS", "24", "hours the emailed link confirming a data request works"),
    Setting(
        "DATA_REQUESTS_PER_HOUR",
        "10",
        "requests for a data request link one IP address may make per hour",
    ),
    Setting(
        "DATA_REQUESTS_PER_ADDRESS_PER_DAY",
        "3",
        "data request links emailed to one address per day; further requests are answered alike but send nothing",
    ),
    Setting(
        "DATA_REQUEST_CONFIRMS_PER_HOUR",
        "30",
        "confirmations, downloads and erasure requests one IP address may make per hour through data request links",
    ),
    Setting(
        "DATA_REQUEST_KEEP_DAYS",
        "730",
        "days after a data request is closed that its record (the requester's address) is kept",
    ),
)

STAFF = "the council's staff who run Civic"

CORE_PERSONAL_DATA: tuple[PersonalData, ...] = (
    PersonalData(
        table="staff_user",
        columns=("email", "name", "party"),
        what=_l("staff members' names, work email addresses and (councillors) party"),
        purpose=_l("to let staff sign in and to show who answered or acted in the council's name"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("administrators; names and parties are public on published answers"),
        retention=Retention(_l("kept while the account exists; an administrator disables or removes it")),
    ),
    PersonalData(
        table="outbox_message",
        columns=("to_address", "subject", "body_text", "body_html", "headers_json"),
        what=_l("the address and text of every email Civic sends"),
        purpose=_l("to send email reliably, retrying when the mail server is unavailable"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("administrators, on the outbox page"),
        retention=Retention(
            _l("address and text removed %(period)s after the email is sent or fails"),
            setting="OUTBOX_KEEP_DAYS",
            job="site.redact_outbox",
        ),
    ),
    PersonalData(
        table="rate_counter",
        columns=("key",),
        what=_l("IP addresses and email addresses counted against rate limits and failed sign-ins"),
        purpose=_l("to protect the service from abuse and staff accounts from password guessing"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("no one: only the code reads it"),
        retention=Retention(
            _l("deleted %(period)s after the counting window starts"),
            setting="RATE_LIMIT_KEEP_HOURS",
            unit="hours",
            job="site.purge_rate_counters",
        ),
    ),
    PersonalData(
        table="audit_entry",
        columns=("actor_label", "reason"),
        what=_l("the name of the staff member who acted, and details that may name a person"),
        purpose=_l("an accountable record of what staff and the system did"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("administrators; entries marked public appear on the public record"),
        retention=Retention(
            _l(
                "details that name a person are redacted after %(period)s; the rest is kept as the council's record"
            ),
            setting="AUDIT_PERSONAL_DETAILS_DAYS",
            job="site.redact_audit",
        ),
    ),
    PersonalData(
        table="data_request",
        columns=("email",),
        what=_l("the email address a subject access or erasure request was made for"),
        purpose=_l("to answer the request and to show it was answered in time"),
        basis=Basis.LEGAL_OBLIGATION,
        who_sees=_l("staff with the data protection duty"),
        retention=Retention(
            _l("deleted %(period)s after the request is closed"),
            setting="DATA_REQUEST_KEEP_DAYS",
            job="site.purge_data_requests",
        ),
    ),
    PersonalData(
        table="signin_event",
        columns=("ip_address", "user_agent"),
        what=_l("the IP address and browser of each staff sign-in, and which factor was used"),
        purpose=_l("to let staff see their recent sign-ins and spot one that was not theirs"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("the staff member themselves"),
        retention=Retention(
            _l("deleted %(period)s after the sign-in"),
            setting="SIGNIN_HISTORY_DAYS",
            job="site.purge_signins",
        ),
    ),
    PersonalData(
        table="staff_passkey",
        columns=("name",),
        what=_l("the label a staff member gives a passkey (for example the device it is on)"),
        purpose=_l("to let staff tell their passkeys apart and remove one"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("the staff member themselves"),
        retention=Retention(_l("kept until the member removes the passkey or an administrator resets it")),
    ),
)


# Subject access for core's own tables: the emails Civic sent to the address, a staff account under it,
# and rate-limit records naming it. Features answer for their own tables (their `privacy.py`).


async def search(session: AsyncSession, subject: Subject) -> list[Held]:
    found: list[Held] = []
    mail = select(OutboxMessage).where(func.lower(OutboxMessage.to_address) == subject.email)
    for message in (await session.exec(mail.order_by(col(OutboxMessage.id)))).all():
        found.append(
            Held(
                gettext("Email sent to you"),
                {
                    gettext("subject"): message.subject,
                    gettext("queued"): format_datetime(message.created_at),
                    gettext("status"): message.status.value,
                },
                gettext("Erasure removes the address and text; an email not yet sent is not sent."),
            )
        )
    account = (await session.exec(select(StaffUser).where(StaffUser.email == subject.email))).first()
    if account is not None:
        found.append(
            Held(
                gettext("Staff account"),
                {
                    gettext("name"): account.name,
                    gettext("email"): account.email,
                    gettext("role"): str(account.role.label),
                },
                gettext("Kept: an administrator disables or removes staff accounts."),
            )
        )
    return found


async def erase(session: AsyncSession, subject: Subject, now: datetime) -> Erased:
    to_them = func.lower(OutboxMessage.to_address) == subject.email
    await session.exec(
        update(OutboxMessage)
        .where(to_them, col(OutboxMessage.status) == OutboxStatus.PENDING)
        .values(status=OutboxStatus.FAILED, last_error="not sent: erased at the recipient's request")
    )
    redacted = await session.exec(
        update(OutboxMessage)
        .where(to_them)
        .values(
            to_address=REDACTED_ADDRESS, body_text="", body_html=None, headers_json="{}", subject="(removed)"
        )
    )
    counters = await session.exec(
        delete(RateCounter).where(col(RateCounter.key).contains(f":{subject.email}|", autoescape=True))
    )
    await session.flush()
    emails, limits = int(redacted.rowcount or 0), int(counters.rowcount or 0)
    return Erased(emails + limits, f"{emails} email(s) removed, {limits} rate-limit record(s) deleted")


SUBJECT_ACCESS = SubjectAccess(
    search=search,
    erase=erase,
    rules=(
        _l(
            "The address and text of every email sent to you are removed, and an email not yet sent is not sent."
        ),
        _l("Staff accounts are not erased this way: an administrator disables or removes them."),
    ),
)
