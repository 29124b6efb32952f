"""Service accounts for integration scripts and the CRM (`users:manage`)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter

from app.auth import service_account_service as accounts
from app.auth.deps import AuthCtx, requires
from app.auth.errors import (
    ForbiddenServiceAccountScope,
    ServiceAccountNameTaken,
    ServiceAccountNotFound,
    auth_problem_responses,
)
from app.auth.principal import Principal
from app.auth.schemas import (
    SecretRotation,
    ServiceAccountCreate,
    ServiceAccountRead,
    ServiceAccountUpdate,
    ServiceAccountWithSecret,
)
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.pagination import Page, Pagination, keyset_after, keyset_page
from app.core.timeutil import utcnow

router = APIRouter(
    prefix="/v1/service-accounts", tags=["service accounts"], responses=auth_problem_responses()
)
CanManageAccounts = Annotated[Principal, requires(Scope.USERS_MANAGE)]


def _with_secret(issued: accounts.IssuedSecret) -> ServiceAccountWithSecret:
    return ServiceAccountWithSecret(
        account=ServiceAccountRead.of(issued.account),
        client_id=issued.account.client_id,
        client_secret=issued.client_secret,
    )


@router.post(
    "",
    status_code=201,
    response_model=ServiceAccountWithSecret,
    responses=problem_responses(ServiceAccountNameTaken, ForbiddenServiceAccountScope),
)
async def create_service_account(
    body: ServiceAccountCreate, principal: CanManageAccounts, session: DbSession
) -> ServiceAccountWithSecret:
    """Create a machine identity with chosen scopes (never `users:manage`). The client secret
    is shown in this answer only."""
    issued = await accounts.create(session, principal, body.name, body.scopes)
    await session.refresh(issued.account)
    return _with_secret(issued)


@router.get("", response_model=Page[ServiceAccountRead])
async def list_service_accounts(
    principal: CanManageAccounts, session: DbSession, page: Pagination
) -> Page[ServiceAccountRead]:
    """Service accounts, oldest first."""
    found = await accounts.list_accounts(
        session, limit=page.limit + 1, after=keyset_after(page.cursor)
    )
    items = [ServiceAccountRead.of(a) for a in found]
    return keyset_page(items, page.limit, lambda a: (a.created_at.isoformat(), a.id))


@router.get(
    "/{account_id}",
    response_model=ServiceAccountRead,
    responses=problem_responses(ServiceAccountNotFound),
)
async def get_service_account(
    account_id: uuid.UUID, principal: CanManageAccounts, session: DbSession
) -> ServiceAccountRead:
    """One service account (never its secret)."""
    return ServiceAccountRead.of(await accounts.get(session, account_id))


@router.patch(
    "/{account_id}",
    response_model=ServiceAccountRead,
    responses=problem_responses(ServiceAccountNotFound, ForbiddenServiceAccountScope),
)
async def update_service_account(
    account_id: uuid.UUID,
    body: ServiceAccountUpdate,
    principal: CanManageAccounts,
    session: DbSession,
) -> ServiceAccountRead:
    """Change scopes or (de)activate; existing tokens stop working at once."""
    account = await accounts.update(
        session, principal, account_id, scopes=body.scopes, active=body.is_active
    )
    return ServiceAccountRead.of(account)


@router.post(
    "/{account_id}/rotate-secret",
    response_model=ServiceAccountWithSecret,
    responses=problem_responses(ServiceAccountNotFound),
)
async def rotate_service_account_secret(
    account_id: uuid.UUID,
    principal: CanManageAccounts,
    session: DbSession,
    ctx: AuthCtx,
    body: SecretRotation | None = None,
) -> ServiceAccountWithSecret:
    """Issue a new secret (shown once). The previous one keeps working for `grace_hours`
    (default from settings) so the caller can switch; tokens issued before die now."""
    hours = body.grace_hours if body and body.grace_hours is not None else None
    grace = timedelta(hours=ctx.settings.secret_rotation_grace_h if hours is None else hours)
    issued = await accounts.rotate_secret(session, principal, account_id, grace, utcnow())
    return _with_secret(issued)
