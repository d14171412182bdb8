"""What neighbourhood priorities hold about people, how long, and how a data request is met."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, delete, literal, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from civic.core.db import row_id
from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.identity import canonical_email, email_hash
from civic.core.localtime import format_datetime
from civic.core.privacy import Basis, Erased, Held, PersonalData, Retention, Subject, SubjectAccess
from civic.priorities.models import Ballot, Contact, Meeting, MeetingRsvp, PendingBallot, PriorityRound

PERSONAL_DATA = (
    PersonalData(
        table="priorities_ballot",
        columns=("email_hash",),
        what=_l("a keyed hash of each voter's email address, beside their ballot"),
        purpose=_l("to count one ballot per person (a newer ballot replaces an older one)"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("no one: the hash cannot be turned back into an address without the council's key"),
        retention=Retention(
            _l("replaced by a value linked to no one %(period)s after the round's results are published"),
            setting="PRIORITIES_CONTACT_RETENTION_DAYS",
            job="priorities.purge",
        ),
    ),
    PersonalData(
        table="priorities_pending_ballot",
        columns=("email_hash", "contact_email"),
        what=_l("a ballot waiting for its emailed confirmation, with the address if you asked for updates"),
        purpose=_l("to confirm the ballot came from the owner of the address"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("no one"),
        retention=Retention(
            _l("deleted %(period)s after it was made, once its confirmation link has expired"),
            setting="PRIORITIES_CONFIRM_HOURS",
            unit="hours",
            job="priorities.purge",
        ),
    ),
    PersonalData(
        table="priorities_contact",
        columns=("email", "email_hash"),
        what=_l("the email address of voters who asked to hear about the results"),
        purpose=_l("to email you the results and what the policing team did"),
        basis=Basis.CONSENT,
        who_sees=_l("no one; the system emails you"),
        retention=Retention(
            _l("deleted %(period)s after the round's results are published"),
            setting="PRIORITIES_CONTACT_RETENTION_DAYS",
            job="priorities.purge",
        ),
    ),
    PersonalData(
        table="priorities_meeting_rsvp",
        columns=("name", "email"),
        what=_l("your name and email address, if you gave them when saying you are coming to a meeting"),
        purpose=_l("to tell the policing team who to expect, and to email you if the meeting is cancelled"),
        basis=Basis.CONSENT,
        who_sees=_l("the neighbourhood's policing team; the public sees only how many are coming"),
        retention=Retention(
            _l("deleted %(period)s after the meeting"),
            setting="PRIORITIES_RSVP_RETENTION_DAYS",
            job="priorities.purge",
        ),
    ),
    PersonalData(
        table="priorities_offline_ballot",
        columns=("person_hash",),
        what=_l("for a vote a member of staff recorded for you, a keyed hash of your name and postcode"),
        purpose=_l("to count one vote per resident when staff vote for residents who ask (no email is used)"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("no one: the hash cannot be turned back into a name without the council's key"),
        retention=Retention(
            _l("removed %(period)s after the round's results are published"),
            setting="PRIORITIES_CONTACT_RETENTION_DAYS",
            job="priorities.purge",
        ),
    ),
    PersonalData(
        table="priorities_paper_entry",
        columns=("text",),
        what=_l(
            "what a paper ballot says, as typed in by staff: the numbers chosen and the postcode written on it"
        ),
        purpose=_l("to check the ballot twice and count it in the voter's ward"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("the neighbourhood policing team"),
        retention=Retention(
            _l(
                "deleted %(period)s after the round's results are published (the counted ballot keeps only the ward)"
            ),
            setting="PRIORITIES_CONTACT_RETENTION_DAYS",
            job="priorities.purge",
        ),
    ),
    PersonalData(
        table="priorities_suggestion",
        columns=("text",),
        what=_l("suggestions residents write (not linked to who wrote them)"),
        purpose=_l("to let residents propose priorities for the vote"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("the policing team; accepted suggestions are published as candidates"),
        retention=Retention(_l("kept with the round's record; please do not write personal details in it")),
    ),
)


async def _replies_of(
    session: AsyncSession, subject: Subject, query: Select[MeetingRsvp, Meeting]
) -> list[tuple[MeetingRsvp, Meeting]]:
    """Meeting replies given with the subject's address, matched as a mailbox (case, dots, +tags):
    replies are few and short-lived, so they are compared here rather than hashed."""
    wanted = canonical_email(subject.email)
    rows = await session.exec(query.where(col(MeetingRsvp.email).is_not(None)))
    return [(r, m) for r, m in rows.all() if canonical_email(r.email or "") == wanted]


async def search(session: AsyncSession, subject: Subject) -> list[Held]:
    key = email_hash(subject.secret, subject.email)
    found: list[Held] = []
    ballots = select(Ballot, PriorityRound.title).join(
        PriorityRound, col(PriorityRound.id) == col(Ballot.round_id)
    )
    for ballot, title in (await session.exec(ballots.where(Ballot.email_hash == key))).all():
        found.append(
            Held(
                gettext("Priorities ballot"),
                {
                    gettext("round"): title,
                    gettext("ward"): ballot.ward_code,
                    gettext("choices"): ballot.choices_json,
                    gettext("cast"): format_datetime(ballot.cast_on),
                },
                gettext("Erasure unlinks the ballot from your address; it stays counted."),
            )
        )
    pending = select(PendingBallot).where(PendingBallot.email_hash == key)
    for item in (await session.exec(pending)).all():
        found.append(
            Held(
                gettext("Unconfirmed priorities ballot"),
                {
                    gettext("made"): format_datetime(item.created_at),
                    gettext("updates address"): item.contact_email or "",
                },
                gettext("Erasure deletes it."),
            )
        )
    contacts = select(Contact, PriorityRound.title).join(
        PriorityRound, col(PriorityRound.id) == col(Contact.round_id)
    )
    for contact, title in (await session.exec(contacts.where(Contact.email_hash == key))).all():
        found.append(
            Held(
                gettext("Priorities updates"),
                {
                    gettext("round"): title,
                    gettext("email"): contact.email,
                    gettext("asked"): format_datetime(contact.created_at),
                },
                gettext("Erasure deletes it."),
            )
        )
    replies = select(MeetingRsvp, Meeting).join(Meeting, col(Meeting.id) == col(MeetingRsvp.meeting_id))
    for reply, meeting in await _replies_of(session, subject, replies):
        found.append(
            Held(
                gettext("Reply to a priorities meeting"),
                {
                    gettext("meeting"): f"{meeting.place}, {format_datetime(meeting.held_on)}",
                    gettext("name"): reply.name,
                    gettext("email"): reply.email or "",
                    gettext("people"): str(reply.party),
                },
                gettext("Erasure deletes it."),
            )
        )
    return found


async def erase(session: AsyncSession, subject: Subject, now: datetime) -> Erased:
    key = email_hash(subject.secret, subject.email)
    ballots = await session.exec(
        update(Ballot)
        .where(col(Ballot.email_hash) == key)
        .values(email_hash=literal("erased-") + cast(Ballot.id, String))
    )
    pending = await session.exec(delete(PendingBallot).where(col(PendingBallot.email_hash) == key))
    contacts = await session.exec(delete(Contact).where(col(Contact.email_hash) == key))
    ids = [row_id(reply) for reply, _ in await _replies_of(session, subject, select(MeetingRsvp, Meeting)
           .join(Meeting, col(Meeting.id) == col(MeetingRsvp.meeting_id)))]  # fmt: skip
    replies = await session.exec(delete(MeetingRsvp).where(col(MeetingRsvp.id).in_(ids)))
    await session.flush()
    counted = int(ballots.rowcount or 0)
    other = sum(int(r.rowcount or 0) for r in (pending, contacts, replies))
    return Erased(
        counted + other, f"{counted} ballot(s) unlinked (still counted), {other} other record(s) deleted"
    )


SUBJECT_ACCESS = SubjectAccess(
    search=search,
    erase=erase,
    rules=(
        _l("A counted ballot is unlinked from your address and stays in the count."),
        _l("Unconfirmed ballots, requests for updates and replies to meetings are deleted."),
        _l("Suggestions are not linked to who made them, so they cannot be found or erased by address."),
    ),
)
