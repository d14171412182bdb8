"""What petitions hold about people, how long, and how a subject access or erasure request is met."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, func, literal, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.identity import canonical_email
from civic.core.localtime import format_datetime
from civic.core.privacy import Basis, Erased, Held, PersonalData, Retention, Subject, SubjectAccess
from civic.petitions.models import Petition, Signature

ANONYMISE = Retention(
    _l("removed %(period)s after the petition closes (or is rejected or removed); the count and wards stay"),
    setting="PETITION_ANONYMISE_DAYS",
    job="petitions.anonymise",
)

PERSONAL_DATA = (
    PersonalData(
        table="petition_signature",
        columns=("name", "email", "email_canonical", "postcode", "ip_address"),
        what=_l("signers' names, email addresses, postcodes and IP addresses"),
        purpose=_l(
            "to confirm each signature is a real, single person living or working in the area, and "
            "(if you ask) to email you when the petition is answered or debated"
        ),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("moderators checking for fraud; no signer's details are ever published"),
        retention=ANONYMISE,
    ),
    PersonalData(
        table="petition",
        columns=("creator_name", "creator_email", "action", "background", "additional_details"),
        what=_l("the creator's name and email address, and the petition text they write"),
        purpose=_l("to publish the petition in its creator's name and to tell them about its progress"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l(
            "everyone: the petition text and the creator's name are published; the email only moderators"
        ),
        retention=Retention(
            _l(
                "the creator's name and email are removed %(period)s after the petition closes; the text stays "
                "as the public record"
            ),
            setting="PETITION_ANONYMISE_DAYS",
            job="petitions.anonymise",
        ),
    ),
    PersonalData(
        table="petition_offline_signature",
        columns=("name", "name_key", "postcode", "match_note"),
        what=_l("names and postcodes of people who signed on paper or through a member of staff"),
        purpose=_l("to check each paper or assisted signature is a single person in the area, counted once"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("moderators and the staff who typed them; never published"),
        retention=ANONYMISE,
    ),
    PersonalData(
        table="petition_paper_entry",
        columns=("lines",),
        what=_l("the signature lines typed in from paper sheets (name, postcode, declaration)"),
        purpose=_l("to check two typings of each sheet agree before it is counted"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("moderators"),
        retention=ANONYMISE,
    ),
    PersonalData(
        table="petition_paper_scan",
        columns=("data",),
        what=_l("scans of paper petitions and sheets, showing signers' names, addresses and signatures"),
        purpose=_l("to keep the paper as handed in, so the typed signatures can be checked against it"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("moderators only, as downloads that are each recorded in the audit log; never published"),
        retention=Retention(
            _l(
                "deleted %(period)s after the petition closes (or is rejected or removed), with the paper "
                "signatures. A scan is an image, so it cannot be found by email address: a request about "
                "one is met by a moderator deleting the scan"
            ),
            setting="PETITION_ANONYMISE_DAYS",
            job="petitions.anonymise",
        ),
    ),
)


async def search(session: AsyncSession, subject: Subject) -> list[Held]:
    found: list[Held] = []
    signed = (
        select(Signature, Petition.action)
        .join(Petition, col(Petition.id) == col(Signature.petition_id))
        .where(Signature.email_canonical == canonical_email(subject.email))
    )
    for signature, action in (await session.exec(signed)).all():
        found.append(
            Held(
                gettext("Petition signature"),
                {
                    gettext("petition"): action,
                    gettext("name"): signature.name,
                    gettext("email"): signature.email,
                    gettext("postcode"): signature.postcode,
                    gettext("IP address"): signature.ip_address,
                    gettext("signed"): format_datetime(signature.created_at),
                    gettext("state"): signature.state.value,
                    gettext("email updates"): gettext("yes") if signature.notify else gettext("no"),
                },
                gettext("Erasure removes your details; a counted signature stays counted, linked to no one."),
            )
        )
    created = select(Petition).where(func.lower(Petition.creator_email) == subject.email)
    for petition in (await session.exec(created)).all():
        found.append(
            Held(
                gettext("Petition you created"),
                {
                    gettext("petition"): petition.action,
                    gettext("name"): petition.creator_name,
                    gettext("email"): petition.creator_email,
                    gettext("created"): format_datetime(petition.created_at),
                },
                gettext(
                    "Erasure removes your name and email; the published petition text stays on the record."
                ),
            )
        )
    return found


async def erase(session: AsyncSession, subject: Subject, now: datetime) -> Erased:
    signed = await session.exec(
        update(Signature)
        .where(col(Signature.email_canonical) == canonical_email(subject.email))
        .values(
            name="",
            email="",
            postcode="",
            ip_address="",
            notify=False,
            email_canonical=literal("erased-").concat(cast(Signature.id, String)),
            anonymised_at=now,
        )
    )
    created = await session.exec(
        update(Petition)
        .where(func.lower(Petition.creator_email) == subject.email)
        .values(creator_name="", creator_email="")
    )
    await session.flush()
    signatures, petitions = int(signed.rowcount or 0), int(created.rowcount or 0)
    return Erased(
        signatures + petitions,
        f"{signatures} signature(s) anonymised (still counted), creator details removed from {petitions} petition(s)",
    )


SUBJECT_ACCESS = SubjectAccess(
    search=search,
    erase=erase,
    rules=(
        _l(
            "A signature that was counted is anonymised: your name, email, postcode and IP address are removed, "
            "and the signature stays in the count."
        ),
        _l("If you created a petition, your name and email are removed; the published petition text stays."),
        _l(
            "Paper signatures and scans of paper sheets hold no email address, so they are not found by this "
            "search; ask the council and a moderator can find and delete them by hand."
        ),
    ),
)
