"""People administration (`users:manage`) and the governance report."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.auth import user_service
from app.auth.deps import AuthCtx, requires
from app.auth.errors import EmailTaken, LastAdmin, UserNotFound, auth_problem_responses
from app.auth.principal import Principal
from app.auth.schemas import (
    GovernanceReport,
    GovernanceUser,
    OpenWork,
    RoleChange,
    UserCreate,
    UserRead,
    UserWithSetup,
)
from app.auth.scopes import Role, Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.pagination import Page, Pagination, keyset_after, keyset_page
from app.core.timeutil import utcnow

router = APIRouter(prefix="/v1/users", tags=["users"], responses=auth_problem_responses())
CanManageUsers = Annotated[Principal, requires(Scope.USERS_MANAGE)]


@router.post(
    "", status_code=201, response_model=UserWithSetup, responses=problem_responses(EmailTaken)
)
async def create_user(
    body: UserCreate, principal: CanManageUsers, session: DbSession, ctx: AuthCtx
) -> UserWithSetup:
    """Create a person with a role. The answer carries a single-use set-up token the person
    uses at `/v1/auth/setup/password` then `/v1/auth/setup/confirm`."""
    created = await user_service.create_user(
        session, ctx, principal, body.email, body.role, utcnow()
    )
    await session.refresh(created.user)
    assert created.user.setup_expires_at is not None
    return UserWithSetup(
        user=UserRead.of(created.user),
        setup_token=created.setup_token,
        setup_expires_at=created.user.setup_expires_at,
    )


@router.get("", response_model=Page[UserRead])
async def list_users(
    principal: CanManageUsers,
    session: DbSession,
    page: Pagination,
    role: Role | None = None,
    active: Annotated[
        bool | None, Query(description="Only active (true) or deactivated (false)")
    ] = None,
) -> Page[UserRead]:
    """People, oldest first, with cursor pagination."""
    users = await user_service.list_users(
        session, limit=page.limit + 1, after=keyset_after(page.cursor), role=role, active=active
    )
    items = [UserRead.of(u) for u in users]
    return keyset_page(items, page.limit, lambda u: (u.created_at.isoformat(), u.id))


@router.get("/governance", response_model=GovernanceReport)
async def governance_report(
    principal: CanManageUsers, session: DbSession, ctx: AuthCtx
) -> GovernanceReport:
    """Admins count, people inactive for N days, people who never logged in, and deactivated
    people whose machine credentials are still active."""
    report = await user_service.governance(session, ctx, utcnow())

    def brief(user) -> GovernanceUser:  # type: ignore[no-untyped-def]
        return GovernanceUser(
            id=user.id, role=user.role, last_login_at=user.last_login_at, created_at=user.created_at
        )

    return GovernanceReport(
        admins=report.admins,
        active_by_role=report.active_by_role,
        inactive_days=report.inactive_days,
        inactive_users=[brief(u) for u in report.inactive],
        never_logged_in=[brief(u) for u in report.never_logged_in],
        deactivated_with_open_work=[
            OpenWork(user=brief(u), active_service_accounts=[a.id for a in accounts])
            for u, accounts in report.deactivated_with_open_work
        ],
    )


@router.get("/{user_id}", response_model=UserRead, responses=problem_responses(UserNotFound))
async def get_user(user_id: uuid.UUID, principal: CanManageUsers, session: DbSession) -> UserRead:
    """One person."""
    return UserRead.of(await user_service.get_user(session, user_id))


@router.put(
    "/{user_id}/role",
    response_model=UserRead,
    responses=problem_responses(UserNotFound, LastAdmin),
)
async def change_role(
    user_id: uuid.UUID, body: RoleChange, principal: CanManageUsers, session: DbSession
) -> UserRead:
    """Change a person's role; their existing tokens stop working at once."""
    return UserRead.of(await user_service.change_role(session, principal, user_id, body.role))


@router.post(
    "/{user_id}/deactivate",
    response_model=UserRead,
    responses=problem_responses(UserNotFound, LastAdmin),
)
async def deactivate_user(
    user_id: uuid.UUID, principal: CanManageUsers, session: DbSession
) -> UserRead:
    """Deactivate a person (they can no longer log in; their tokens die at once)."""
    user = await user_service.set_active(session, principal, user_id, False, utcnow())
    return UserRead.of(user)


@router.post(
    "/{user_id}/reactivate", response_model=UserRead, responses=problem_responses(UserNotFound)
)
async def reactivate_user(
    user_id: uuid.UUID, principal: CanManageUsers, session: DbSession
) -> UserRead:
    """Reactivate a deactivated person."""
    user = await user_service.set_active(session, principal, user_id, True, utcnow())
    return UserRead.of(user)


@router.post(
    "/{user_id}/unlock", response_model=UserRead, responses=problem_responses(UserNotFound)
)
async def unlock_user(
    user_id: uuid.UUID, principal: CanManageUsers, session: DbSession
) -> UserRead:
    """Lift a lockout caused by repeated failed logins."""
    return UserRead.of(await user_service.unlock(session, principal, user_id))


@router.post(
    "/{user_id}/reset-credentials",
    response_model=UserWithSetup,
    responses=problem_responses(UserNotFound),
)
async def reset_credentials(
    user_id: uuid.UUID, principal: CanManageUsers, session: DbSession, ctx: AuthCtx
) -> UserWithSetup:
    """Lost authenticator or password: wipe both factors and recovery codes and issue a new
    set-up token."""
    reset = await user_service.reset_credentials(session, ctx, principal, user_id, utcnow())
    assert reset.user.setup_expires_at is not None
    return UserWithSetup(
        user=UserRead.of(reset.user),
        setup_token=reset.setup_token,
        setup_expires_at=reset.user.setup_expires_at,
    )
