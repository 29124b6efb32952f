"""Callers for API tests: people and machines with real tokens, and enrolled people."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pyotp
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import enrollment_service, user_service
from app.auth.context import AuthContext
from app.auth.models import ServiceAccount, User
from app.auth.principal import SYSTEM
from app.auth.scopes import ROLE_SCOPES, SERVICE_ACCOUNT_SCOPES, Role, Scope
from app.core.timeutil import utcnow

PASSWORD = "a long and unusual passphrase"


async def user_token(session: AsyncSession, ctx: AuthContext, role: Role) -> tuple[User, str]:
    """A person with `role` (not enrolled: tokens are minted directly, as after a login)."""
    user = User(
        id=uuid.uuid4(),
        email=f"{role.value}-{uuid.uuid4().hex[:8]}@test.example",
        role=role.value,
        is_active=True,
        token_version=1,
        failed_logins=0,
        lockouts=0,
    )
    session.add(user)
    await session.flush()
    issued = ctx.tokens.issue(user.id, "user", ROLE_SCOPES[role], version=user.token_version)
    return user, issued.access_token


async def machine_token(
    session: AsyncSession, ctx: AuthContext, scopes: frozenset[Scope]
) -> tuple[ServiceAccount, str]:
    assert scopes <= SERVICE_ACCOUNT_SCOPES, "a service account never holds users:manage"
    account = ServiceAccount(
        id=uuid.uuid4(),
        name=f"test-{uuid.uuid4().hex[:8]}",
        client_id=uuid.uuid4().hex,
        secret_hash="0" * 64,
        scopes=sorted(s.value for s in scopes),
        is_active=True,
        token_version=1,
    )
    session.add(account)
    await session.flush()
    issued = ctx.tokens.issue(account.id, "service_account", scopes, version=1)
    return account, issued.access_token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class EnrolledUser:
    user: User
    password: str
    totp: pyotp.TOTP
    recovery_codes: list[str]


async def enrolled_user(
    session: AsyncSession,
    ctx: AuthContext,
    role: Role = Role.DATA_STEWARD,
    email: str | None = None,
    password: str = PASSWORD,
) -> EnrolledUser:
    """A person who went through the real set-up use cases (password, TOTP, recovery codes)."""
    email = email or f"person-{uuid.uuid4().hex[:8]}@test.example"
    created = await user_service.create_user(session, ctx, SYSTEM, email, role, utcnow())
    enrolment = await enrollment_service.choose_password(
        session, ctx, created.setup_token, password, utcnow()
    )
    code_totp = pyotp.TOTP(enrolment.secret)
    # Confirm with the previous step's code so the current one stays free for a login.
    previous = code_totp.at(utcnow().timestamp() - 30)
    codes = await enrollment_service.confirm_totp(
        session, ctx, created.setup_token, previous, utcnow()
    )
    return EnrolledUser(created.user, password, code_totp, codes)
