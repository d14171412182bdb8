"""Passkeys (WebAuthn, through the `webauthn` library): a second factor after the password, or a
sign-in on their own (discoverable credentials, with user verification).

Every ceremony's challenge is made here, stored server-side with its purpose, its member (for
registration and the second-factor step) and its time, and deleted when a response uses it, so a
challenge works once. The browser's response names its challenge in the signed client data, which is
how the server finds the stored one. The relying party is the host of BASE_URL and the only accepted
origin is BASE_URL's origin, never anything taken from the request.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import webauthn
from sqlalchemy import Integer, LargeBinary
from sqlmodel import Field, SQLModel, col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession
from webauthn.helpers import bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from civic.config import Settings
from civic.core.db import UTCDateTime, row_id
from civic.core.i18n import gettext
from civic.core.users import StaffUser

CHALLENGE_MINUTES = 5
REGISTER, SECOND_FACTOR, PASSWORDLESS = "register", "second_factor", "passwordless"


class StaffPasskey(SQLModel, table=True):
    __tablename__ = "staff_passkey"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True)
    credential_id: str = Field(max_length=400, unique=True)  # base64url
    public_key: bytes = Field(sa_type=LargeBinary)
    sign_count: int = Field(default=0, sa_type=Integer)
    name: str = Field(max_length=80)
    created_at: datetime = Field(sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebauthnChallenge(SQLModel, table=True):
    __tablename__ = "webauthn_challenge"

    challenge: str = Field(primary_key=True, max_length=120)  # base64url of 32 random bytes
    purpose: str = Field(max_length=20)
    user_id: int | None = Field(default=None, foreign_key="staff_user.id")
    created_at: datetime = Field(sa_type=UTCDateTime)


class PasskeyError(ValueError):
    """A ceremony that failed; the message is for the member."""


@dataclass(frozen=True)
class RelyingParty:
    rp_id: str
    origin: str
    name: str

    @classmethod
    def of(cls, settings: Settings) -> RelyingParty:
        return cls(urlsplit(settings.base_url).hostname or "", settings.base_origin, settings.council_name)


async def passkeys_of(session: AsyncSession, user_id: int) -> list[StaffPasskey]:
    rows = await session.exec(
        select(StaffPasskey).where(StaffPasskey.user_id == user_id).order_by(col(StaffPasskey.id))
    )
    return list(rows.all())


async def _store(
    session: AsyncSession, challenge: bytes, purpose: str, user_id: int | None, now: datetime
) -> None:
    cut = now - timedelta(minutes=CHALLENGE_MINUTES)
    await session.exec(delete(WebauthnChallenge).where(col(WebauthnChallenge.created_at) < cut))
    session.add(
        WebauthnChallenge(
            challenge=bytes_to_base64url(challenge), purpose=purpose, user_id=user_id, created_at=now
        )
    )
    await session.flush()


async def _take(
    session: AsyncSession, credential: dict[str, Any], purpose: str, user_id: int | None, now: datetime
) -> bytes:
    """The stored challenge the response answers, deleted so it cannot be used again."""
    try:
        client_data = json.loads(_b64(credential["response"]["clientDataJSON"]))
        sent = str(client_data["challenge"])
    except (KeyError, TypeError, ValueError) as exc:
        raise PasskeyError(gettext("The passkey response could not be read. Try again.")) from exc
    row = await session.get(WebauthnChallenge, sent)
    if row is None or row.purpose != purpose or row.user_id != user_id:
        raise PasskeyError(
            gettext("That passkey request has already been used or was never made. Try again.")
        )
    await session.delete(row)
    await session.flush()
    if now - row.created_at > timedelta(minutes=CHALLENGE_MINUTES):
        raise PasskeyError(gettext("That passkey request has expired. Try again."))
    return _b64(sent)


def _b64(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


async def registration_options(
    session: AsyncSession, user: StaffUser, rp: RelyingParty, *, now: datetime
) -> str:
    existing = await passkeys_of(session, row_id(user))
    options = webauthn.generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=rp.name,
        user_id=str(row_id(user)).encode(),
        user_name=user.email,
        user_display_name=user.name,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[PublicKeyCredentialDescriptor(id=_b64(p.credential_id)) for p in existing],
    )
    await _store(session, options.challenge, REGISTER, row_id(user), now)
    return webauthn.options_to_json(options)


async def register(
    session: AsyncSession,
    user: StaffUser,
    rp: RelyingParty,
    credential: dict[str, Any],
    *,
    name: str,
    now: datetime,
) -> StaffPasskey:
    challenge = await _take(session, credential, REGISTER, row_id(user), now)
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyError(gettext("The passkey could not be registered. Try again.")) from exc
    passkey = StaffPasskey(
        user_id=row_id(user),
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=(name.strip() or "Passkey")[:80],
        created_at=now,
    )
    session.add(passkey)
    await session.flush()
    return passkey


async def authentication_options(
    session: AsyncSession, rp: RelyingParty, user: StaffUser | None, *, now: datetime
) -> str:
    """For the second-factor step, only the member's own passkeys; passwordless, any discoverable one."""
    allow = None
    if user is not None:
        allow = [
            PublicKeyCredentialDescriptor(id=_b64(p.credential_id))
            for p in await passkeys_of(session, row_id(user))
        ]
    options = webauthn.generate_authentication_options(
        rp_id=rp.rp_id, allow_credentials=allow, user_verification=UserVerificationRequirement.REQUIRED
    )
    purpose = PASSWORDLESS if user is None else SECOND_FACTOR
    await _store(session, options.challenge, purpose, None if user is None else row_id(user), now)
    return webauthn.options_to_json(options)


async def authenticate(
    session: AsyncSession,
    rp: RelyingParty,
    credential: dict[str, Any],
    user: StaffUser | None,
    *,
    now: datetime,
) -> StaffPasskey:
    """Check a signed assertion; returns the passkey it came from (its member is who signed in).
    Raises PasskeyError before writing anything but the used challenge's deletion, so a caller that
    catches it inside its transaction keeps the challenge used up."""
    purpose = PASSWORDLESS if user is None else SECOND_FACTOR
    challenge = await _take(session, credential, purpose, None if user is None else row_id(user), now)
    rows = await session.exec(
        select(StaffPasskey).where(StaffPasskey.credential_id == str(credential.get("id", "")))
    )
    passkey = rows.first()
    if passkey is None or (user is not None and passkey.user_id != row_id(user)):
        raise PasskeyError(gettext("That passkey is not registered here."))
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        raise PasskeyError(gettext("The passkey could not be checked. Try again.")) from exc
    passkey.sign_count, passkey.last_used_at = verified.new_sign_count, now
    session.add(passkey)
    await session.flush()
    return passkey


async def remove_passkey(session: AsyncSession, user_id: int, passkey_id: int) -> bool:
    result = await session.exec(
        delete(StaffPasskey).where(col(StaffPasskey.user_id) == user_id, col(StaffPasskey.id) == passkey_id)
    )
    return bool(result.rowcount)


async def remove_all(session: AsyncSession, user_id: int) -> None:
    await session.exec(delete(StaffPasskey).where(col(StaffPasskey.user_id) == user_id))
    await session.exec(delete(WebauthnChallenge).where(col(WebauthnChallenge.user_id) == user_id))
