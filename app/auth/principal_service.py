"""Turn verified token claims into the caller, re-checking revocation on every request."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.errors import InvalidAccessToken
from app.auth.models import ServiceAccount, User
from app.auth.principal import Principal
from app.auth.scopes import ROLE_SCOPES, SERVICE_ACCOUNT_SCOPES, Role, Scope
from app.auth.tokens import Claims


async def principal_for(session: AsyncSession, claims: Claims) -> Principal:
    """One primary-key lookup: deactivation, role change or secret rotation bump the version,
    which revokes every token issued before at once."""
    if claims.subject_type == "user":
        row = (
            await session.execute(
                select(User.is_active, User.role, User.token_version).where(
                    User.id == claims.subject
                )
            )
        ).first()
        if row is None or not row.is_active or row.token_version != claims.version:
            raise InvalidAccessToken()
        allowed = ROLE_SCOPES.get(Role(row.role), frozenset())
        return Principal(
            "user", claims.subject, claims.scopes & allowed, role=row.role, token_id=claims.token_id
        )

    row = (
        await session.execute(
            select(
                ServiceAccount.is_active, ServiceAccount.scopes, ServiceAccount.token_version
            ).where(ServiceAccount.id == claims.subject)
        )
    ).first()
    if row is None or not row.is_active or row.token_version != claims.version:
        raise InvalidAccessToken()
    allowed = frozenset(Scope(s) for s in row.scopes) & SERVICE_ACCOUNT_SCOPES
    return Principal(
        "service_account", claims.subject, claims.scopes & allowed, token_id=claims.token_id
    )
