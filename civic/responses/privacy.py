"""What responses hold about people, how long, and how a data request is met."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, delete, literal, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from civic.core.i18n import gettext
from civic.core.i18n import lazy_gettext as _l
from civic.core.identity import email_hash
from civic.core.localtime import format_datetime
from civic.core.privacy import Basis, Erased, Held, PersonalData, Retention, Subject, SubjectAccess
from civic.responses.models import (
    CommentState,
    CommitmentAnswer,
    Follower,
    OptOut,
    Rating,
    Response,
)

PERSONAL_DATA = (
    PersonalData(
        table="response_follower",
        columns=("email", "email_hash"),
        what=_l("the email address of residents who follow an ask to hear its answer"),
        purpose=_l("to email you when the answer is published"),
        basis=Basis.CONSENT,
        who_sees=_l("no one; the system emails you"),
        retention=Retention(
            _l(
                "deleted %(period)s after the ask is first answered (or, if never confirmed, after it was made)"
            ),
            setting="RESPONSES_FOLLOWER_KEEP_DAYS",
            job="responses.purge_followers",
        ),
    ),
    PersonalData(
        table="response_optout",
        columns=("email_hash",),
        what=_l("a keyed hash of the address of anyone who unsubscribed"),
        purpose=_l("to make sure you are never emailed again about what you unsubscribed from"),
        basis=Basis.LEGAL_OBLIGATION,
        who_sees=_l("no one: the hash cannot be turned back into an address"),
        retention=Retention(_l("kept for as long as Civic runs, so the unsubscribe keeps working")),
    ),
    PersonalData(
        table="response_rating",
        columns=("rater_hash", "comment"),
        what=_l("your rating of an answer, with an optional comment, under a keyed hash of your address"),
        purpose=_l("to publish how satisfied people are with the council's answers"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("moderators see comments; approved comments are published without your name"),
        retention=Retention(_l("kept as part of the answer's public record; erasure removes the comment")),
    ),
    PersonalData(
        table="response_commitment_answer",
        columns=("rater_hash", "comment"),
        what=(
            _l(
                "your answer to whether a promised action was done, with an optional comment, "
                "under a keyed hash of your address"
            )
        ),
        purpose=_l("to publish whether residents say the council kept its commitments"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("moderators see comments; approved comments are published without your name"),
        retention=Retention(
            _l("kept as part of the commitment's public record; erasure removes the comment")
        ),
    ),
    PersonalData(
        table="response",
        columns=("author_name",),
        what=_l("the name of the staff member who wrote an answer"),
        purpose=_l("to show who answered in the council's name"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("everyone: published answers name their author"),
        retention=Retention(_l("kept as the public record: published answers are never erased")),
    ),
    PersonalData(
        table="response_version",
        columns=("author_name",),
        what=_l("the name of the staff member who wrote each published version of an answer"),
        purpose=_l("to show who answered in the council's name"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("everyone"),
        retention=Retention(_l("kept as the public record: published answers are never erased")),
    ),
    PersonalData(
        table="response_commitment_update",
        columns=("author_name", "note"),
        what=_l("the name of the staff member who posted an update on a commitment, and the update"),
        purpose=_l("to show who reported progress on a promise in the council's name"),
        basis=Basis.PUBLIC_TASK,
        who_sees=_l("everyone: updates are published with their author"),
        retention=Retention(_l("kept as the public record, like the answer the commitment belongs to")),
    ),
)


async def search(session: AsyncSession, subject: Subject) -> list[Held]:
    key = email_hash(subject.secret, subject.email)
    found = [
        Held(
            gettext("Following an answer"),
            {
                gettext("ask"): f"{f.target_kind} {f.target_id}",
                gettext("email"): f.email,
                gettext("since"): format_datetime(f.created_at),
                gettext("confirmed"): gettext("yes") if f.confirmed_at else gettext("no"),
            },
            gettext("Erasure deletes it."),
        )
        for f in (await session.exec(select(Follower).where(Follower.email_hash == key))).all()
    ]
    rated = select(Rating, Response.target_title).join(Response, col(Response.id) == col(Rating.response_id))
    for rating, title in (await session.exec(rated.where(Rating.rater_hash == key))).all():
        found.append(
            Held(
                gettext("Rating of an answer"),
                {
                    gettext("answer to"): title,
                    gettext("score"): str(rating.score),
                    gettext("comment"): rating.comment,
                    gettext("rated"): format_datetime(rating.created_at),
                },
                gettext(
                    "Erasure removes the comment and unlinks the score from you; the score stays counted."
                ),
            )
        )
    answered = select(CommitmentAnswer).where(CommitmentAnswer.rater_hash == key)
    for item in (await session.exec(answered)).all():
        found.append(
            Held(
                gettext('Answer to "was it done?"'),
                {
                    gettext("commitment"): f"{item.commitment_kind} {item.commitment_ref}",
                    gettext("answer"): item.answer.value,
                    gettext("comment"): item.comment,
                    gettext("answered"): format_datetime(item.created_at),
                },
                gettext(
                    "Erasure removes the comment and unlinks the answer from you; the answer stays counted."
                ),
            )
        )
    for optout in (await session.exec(select(OptOut).where(OptOut.email_hash == key))).all():
        found.append(
            Held(
                gettext("Unsubscribe"),
                {gettext("from"): optout.scope, gettext("since"): format_datetime(optout.created_at)},
                gettext("Kept after erasure, so you are not emailed again."),
            )
        )
    return found


async def erase(session: AsyncSession, subject: Subject, now: datetime) -> Erased:
    key = email_hash(subject.secret, subject.email)
    follows = await session.exec(delete(Follower).where(col(Follower.email_hash) == key))
    ratings = await session.exec(
        update(Rating)
        .where(col(Rating.rater_hash) == key)
        .values(
            rater_hash=literal("erased-") + cast(Rating.id, String),
            comment="",
            comment_state=CommentState.NONE,
        )
    )
    answers = await session.exec(
        update(CommitmentAnswer)
        .where(col(CommitmentAnswer.rater_hash) == key)
        .values(
            rater_hash=literal("erased-") + cast(CommitmentAnswer.id, String),
            comment="",
            comment_state=CommentState.NONE,
        )
    )
    await session.flush()
    followed, rated = int(follows.rowcount or 0), int(ratings.rowcount or 0)
    said = int(answers.rowcount or 0)
    return Erased(
        followed + rated + said,
        f'{followed} follow(s) deleted, {rated} rating(s) and {said} "was it done?" answer(s) '
        "unlinked and comments removed",
    )


SUBJECT_ACCESS = SubjectAccess(
    search=search,
    erase=erase,
    rules=(
        _l("Requests to hear about an answer are deleted."),
        _l("A rating's comment is removed and its score, unlinked from you, stays counted."),
        _l('A "was it done?" comment is removed and the answer, unlinked from you, stays counted.'),
        _l("An unsubscribe is kept (as a hash linked to no name) so you are not emailed again."),
        _l("Published answers from staff are the council's public record and are kept."),
    ),
)
