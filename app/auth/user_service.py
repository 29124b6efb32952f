"""Administration of people: create, list, change role, deactivate, reactivate, reset."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.context import AuthContext
from app.auth.enrollment_service import issue_setup_token
from app.auth.errors import EmailTaken, LastAdmin, UserNotFound
from app.auth.models import ServiceAccount, User
from app.auth.principal import Principal
from app.auth.repository import ServiceAccountRepository, UserRepository
from app.auth.scopes import Role


@dataclass(frozen=True, slots=True)
class NewUser:
    user: User
    setup_token: str


async def create_user(
    session: AsyncSession,
    ctx: AuthContext,
    actor: Principal,
    email: str,
    role: Role,
    now: datetime,
) -> NewUser:
    users = UserRepository(session)
    email = email.strip().lower()
    if await users.get_by_email(email) is not None:
        raise EmailTaken()
    user = User(
        id=uuid.uuid4(),
        email=email,
        role=role.value,
        is_active=True,
        token_version=1,
        failed_logins=0,
        lockouts=0,
    )
    token = issue_setup_token(user, ctx, now)
    await users.add(user)
    await audit.record(
        session,
        actor,
        "user.created",
        entity_type="user",
        entity_id=user.id,
        fields=("email", "role"),
    )
    return NewUser(user, token)


async def get_user(session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False) -> User:
    user = await UserRepository(session).get(user_id, for_update=for_update)
    if user is None:
        raise UserNotFound()
    return user


async def _ensure_admin_remains(session: AsyncSession, user: User) -> None:
    if (
        user.role == Role.ADMIN
        and user.is_active
        and await UserRepository(session).count_active_admins() <= 1
    ):
        raise LastAdmin()


async def change_role(
    session: AsyncSession, actor: Principal, user_id: uuid.UUID, role: Role
) -> User:
    user = await get_user(session, user_id, for_update=True)
    if user.role == role.value:
        return user
    if role != Role.ADMIN:
        await _ensure_admin_remains(session, user)
    user.role = role.value
    user.token_version += 1  # tokens minted under the old role die now
    await audit.record(
        session,
        actor,
        "user.role_changed",
        entity_type="user",
        entity_id=user.id,
        fields=("role",),
        details={"role": role.value},
    )
    return user


async def set_active(
    session: AsyncSession, actor: Principal, user_id: uuid.UUID, active: bool, now: datetime
) -> User:
    user = await get_user(session, user_id, for_update=True)
    if user.is_active == active:
        return user
    if not active:
        await _ensure_admin_remains(session, user)
    user.is_active = active
    user.deactivated_at = None if active else now
    user.token_version += 1
    await audit.record(
        session,
        actor,
        "user.reactivated" if active else "user.deactivated",
        entity_type="user",
        entity_id=user.id,
        fields=("is_active",),
    )
    return user


async def reset_credentials(
    session: AsyncSession, ctx: AuthContext, actor: Principal, user_id: uuid.UUID, now: datetime
) -> NewUser:
    """Lost phone or forgotten password: wipe both factors and issue a new set-up token."""
    user = await get_user(session, user_id, for_update=True)
    user.password_hash = None
    user.totp_secret = user.totp_key_id = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    user.failed_logins = 0
    user.locked_until = None
    user.token_version += 1
    token = issue_setup_token(user, ctx, now)
    await UserRepository(session).replace_recovery_codes(user.id, [])
    await audit.record(
        session,
        actor,
        "user.credentials_reset",
        entity_type="user",
        entity_id=user.id,
        fields=("password_hash", "totp_secret", "recovery_codes"),
    )
    return NewUser(user, token)


async def unlock(session: AsyncSession, actor: Principal, user_id: uuid.UUID) -> User:
    user = await get_user(session, user_id, for_update=True)
    user.locked_until = None
    user.failed_logins = 0
    user.lockouts = 0
    await audit.record(
        session,
        actor,
        "user.unlocked",
        entity_type="user",
        entity_id=user.id,
        fields=("locked_until",),
    )
    return user


async def list_users(
    session: AsyncSession,
    *,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
    role: Role | None,
    active: bool | None,
) -> Sequence[User]:
    return await UserRepository(session).page(
        limit=limit, after=after, role=role.value if role else None, active=active
    )


@dataclass(frozen=True, slots=True)
class Governance:
    active_by_role: dict[str, int]
    admins: int
    inactive: Sequence[User]
    never_logged_in: Sequence[User]
    deactivated_with_open_work: list[tuple[User, list[ServiceAccount]]]
    inactive_days: int


async def governance(session: AsyncSession, ctx: AuthContext, now: datetime) -> Governance:
    """The questions a CRM owner asks when people leave."""
    users = UserRepository(session)
    days = ctx.settings.inactive_user_days
    by_role = await users.count_by_role()
    open_work = []
    for user in await users.deactivated():
        # Machine credentials a departed person created keep working: they are open work.
        accounts = await ServiceAccountRepository(session).active_created_by(user.id)
        if accounts:
            open_work.append((user, list(accounts)))
    return Governance(
        active_by_role=by_role,
        admins=by_role.get(Role.ADMIN.value, 0),
        inactive=await users.inactive_since(now - timedelta(days=days)),
        never_logged_in=await users.never_logged_in(),
        deactivated_with_open_work=open_work,
        inactive_days=days,
    )
