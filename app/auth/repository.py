"""SQL for people and machines (no rules here: the services decide)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import RecoveryCode, ServiceAccount, User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID, *, for_update: bool = False) -> User | None:
        stmt = select(User).where(User.id == user_id)
        if for_update:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def get_by_email(self, email: str) -> User | None:
        return await self.session.scalar(select(User).where(User.email == email))

    async def get_by_setup_hash(self, token_hash: str) -> User | None:
        stmt = select(User).where(User.setup_token_hash == token_hash).with_for_update()
        return await self.session.scalar(stmt)

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user

    async def count(self) -> int:
        return await self.session.scalar(select(func.count()).select_from(User)) or 0

    async def count_active_admins(self) -> int:
        stmt = select(func.count()).where(User.role == "admin", User.is_active.is_(True))
        return await self.session.scalar(stmt) or 0

    async def page(
        self,
        *,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None,
        role: str | None,
        active: bool | None,
    ) -> Sequence[User]:
        stmt: Select[tuple[User]] = select(User)
        if role is not None:
            stmt = stmt.where(User.role == role)
        if active is not None:
            stmt = stmt.where(User.is_active.is_(active))
        if after is not None:
            created, last_id = after
            stmt = stmt.where(
                or_(User.created_at > created, and_(User.created_at == created, User.id > last_id))
            )
        stmt = stmt.order_by(User.created_at, User.id).limit(limit)
        return (await self.session.scalars(stmt)).all()

    async def advance_totp_step(self, user_id: uuid.UUID, step: int) -> bool:
        """Accept a code's time step only if later than the last accepted one (atomic)."""
        stmt = (
            update(User)
            .where(User.id == user_id)
            .where(or_(User.totp_last_step.is_(None), User.totp_last_step < step))
            .values(totp_last_step=step)
            .returning(User.id)
        )
        return (await self.session.execute(stmt)).first() is not None

    async def record_failure(self, user_id: uuid.UUID) -> tuple[int, int]:
        stmt = (
            update(User)
            .where(User.id == user_id)
            .values(failed_logins=User.failed_logins + 1)
            .returning(User.failed_logins, User.lockouts)
        )
        failures, lockouts = (await self.session.execute(stmt)).one()
        return failures, lockouts

    async def lock(self, user_id: uuid.UUID, until: datetime) -> None:
        await self.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(locked_until=until, failed_logins=0, lockouts=User.lockouts + 1)
        )

    async def unused_recovery_codes(self, user_id: uuid.UUID) -> Sequence[RecoveryCode]:
        stmt = select(RecoveryCode).where(
            RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
        )
        return (await self.session.scalars(stmt)).all()

    async def mark_recovery_code_used(self, code_id: uuid.UUID, now: datetime) -> bool:
        stmt = (
            update(RecoveryCode)
            .where(RecoveryCode.id == code_id, RecoveryCode.used_at.is_(None))
            .values(used_at=now)
            .returning(RecoveryCode.id)
        )
        return (await self.session.execute(stmt)).first() is not None

    async def replace_recovery_codes(self, user_id: uuid.UUID, hashes: Sequence[str]) -> None:
        await self.session.execute(
            RecoveryCode.__table__.delete().where(RecoveryCode.user_id == user_id)
        )
        self.session.add_all(RecoveryCode(user_id=user_id, code_hash=h) for h in hashes)
        await self.session.flush()

    async def never_logged_in(self) -> Sequence[User]:
        stmt = select(User).where(User.is_active.is_(True), User.last_login_at.is_(None))
        return (await self.session.scalars(stmt.order_by(User.created_at))).all()

    async def inactive_since(self, cutoff: datetime) -> Sequence[User]:
        stmt = select(User).where(
            User.is_active.is_(True),
            or_(
                User.last_login_at < cutoff,
                and_(User.last_login_at.is_(None), User.created_at < cutoff),
            ),
        )
        return (await self.session.scalars(stmt.order_by(User.created_at))).all()

    async def deactivated(self) -> Sequence[User]:
        stmt = select(User).where(User.is_active.is_(False))
        return (await self.session.scalars(stmt.order_by(User.created_at))).all()

    async def count_by_role(self) -> dict[str, int]:
        stmt = select(User.role, func.count()).where(User.is_active.is_(True)).group_by(User.role)
        return {role: n for role, n in (await self.session.execute(stmt)).all()}


class ServiceAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(
        self, account_id: uuid.UUID, *, for_update: bool = False
    ) -> ServiceAccount | None:
        stmt = select(ServiceAccount).where(ServiceAccount.id == account_id)
        if for_update:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def get_by_client_id(self, client_id: str) -> ServiceAccount | None:
        return await self.session.scalar(
            select(ServiceAccount).where(ServiceAccount.client_id == client_id)
        )

    async def get_by_name(self, name: str) -> ServiceAccount | None:
        return await self.session.scalar(select(ServiceAccount).where(ServiceAccount.name == name))

    async def add(self, account: ServiceAccount) -> ServiceAccount:
        self.session.add(account)
        await self.session.flush()
        return account

    async def page(
        self, *, limit: int, after: tuple[datetime, uuid.UUID] | None
    ) -> Sequence[ServiceAccount]:
        stmt = select(ServiceAccount)
        if after is not None:
            created, last_id = after
            stmt = stmt.where(
                or_(
                    ServiceAccount.created_at > created,
                    and_(ServiceAccount.created_at == created, ServiceAccount.id > last_id),
                )
            )
        stmt = stmt.order_by(ServiceAccount.created_at, ServiceAccount.id).limit(limit)
        return (await self.session.scalars(stmt)).all()

    async def active_created_by(self, user_id: uuid.UUID) -> list[ServiceAccount]:
        stmt = select(ServiceAccount).where(
            ServiceAccount.created_by == user_id, ServiceAccount.is_active.is_(True)
        )
        return list((await self.session.scalars(stmt.order_by(ServiceAccount.name))).all())
