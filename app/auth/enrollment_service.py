"""A person's first steps: set-up token → password → TOTP confirmed → recovery codes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth import passwords, totp
from app.auth.context import AuthContext, secret_digest
from app.auth.errors import InvalidSetupToken, InvalidTotpCode, WeakPassword
from app.auth.models import User
from app.auth.principal import Principal
from app.auth.repository import UserRepository
from app.core.crypto import Sealed, seal, unseal


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    otpauth_uri: str
    secret: str
    qr_svg: str


def issue_setup_token(user: User, ctx: AuthContext, now: datetime) -> str:
    """A fresh single-use set-up token; only its digest is stored."""
    token = secrets.token_urlsafe(32)
    user.setup_token_hash = secret_digest(token)
    user.setup_expires_at = now + timedelta(hours=ctx.settings.setup_token_ttl_h)
    return token


async def _user_for_setup(session: AsyncSession, token: str, now: datetime) -> User:
    user = await UserRepository(session).get_by_setup_hash(secret_digest(token))
    if user is None or not user.is_active or user.setup_expires_at is None:
        raise InvalidSetupToken()
    if user.setup_expires_at <= now:
        raise InvalidSetupToken()
    return user


async def choose_password(
    session: AsyncSession, ctx: AuthContext, token: str, password: str, now: datetime
) -> TotpEnrolment:
    """Step 1: set the password and receive a new TOTP secret to scan."""
    user = await _user_for_setup(session, token, now)
    problems = passwords.policy_violations(
        password, context=(user.email.split("@")[0], "crm-dq", "crmdq")
    )
    if problems:
        raise WeakPassword(violations=problems)
    user.password_hash = passwords.hash_password(password)
    secret = totp.new_secret()
    sealed = seal(ctx.encryption, secret.encode(), context=user.id.bytes)
    user.totp_secret, user.totp_key_id = sealed.blob, sealed.kid
    user.totp_confirmed_at = None
    user.totp_last_step = None
    actor = Principal("user", user.id, frozenset(), role=user.role)
    await audit.record(
        session,
        actor,
        "auth.setup.password_set",
        entity_type="user",
        entity_id=user.id,
        fields=("password_hash", "totp_secret"),
    )
    uri = totp.provisioning_uri(secret, user.email, ctx.settings.totp_issuer)
    return TotpEnrolment(uri, secret, totp.qr_svg_data_uri(uri))


async def confirm_totp(
    session: AsyncSession, ctx: AuthContext, token: str, code: str, now: datetime
) -> list[str]:
    """Step 2: a first valid code proves the authenticator works; returns recovery codes once."""
    user = await _user_for_setup(session, token, now)
    if user.password_hash is None or user.totp_secret is None or user.totp_key_id is None:
        raise InvalidSetupToken()
    secret = unseal(
        ctx.encryption, Sealed(user.totp_key_id, user.totp_secret), context=user.id.bytes
    ).decode()
    step = totp.matching_step(secret, code, now=now.timestamp())
    users = UserRepository(session)
    if step is None or not await users.advance_totp_step(user.id, step):
        raise InvalidTotpCode()
    user.totp_confirmed_at = now
    user.setup_token_hash = None
    user.setup_expires_at = None
    codes = totp.new_recovery_codes()
    await users.replace_recovery_codes(
        user.id, [passwords.hash_recovery_code(totp.normalise_recovery_code(c)) for c in codes]
    )
    actor = Principal("user", user.id, frozenset(), role=user.role)
    await audit.record(
        session,
        actor,
        "auth.setup.completed",
        entity_type="user",
        entity_id=user.id,
        fields=("totp_confirmed_at", "recovery_codes"),
    )
    return codes
