"""Turn verified token claims into the caller, re-checking revocation on every request."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.errors import InvalidAccessToken
from app.auth.models import ServiceAccount, User
from app.auth.principal import Principal
from app.auth.principal_cache import PrincipalCache, PrincipalState
from app.auth.scopes import ROLE_SCOPES, SERVICE_ACCOUNT_SCOPES, Role, Scope
from app.auth.tokens import Claims


async def _state(session: AsyncSession, claims: Claims) -> PrincipalState | None:
    if claims.subject_type == "user":
        row = (
            await session.execute(
                select(User.is_active, User.role, User.token_version).where(
                    User.id == claims.subject
                )
            )
        ).first()
        return (
            None if row is None else PrincipalState(row.is_active, row.token_version, row.role, ())
        )
    row = (
        await session.execute(
            select(
                ServiceAccount.is_active, ServiceAccount.scopes, ServiceAccount.token_version
            ).where(ServiceAccount.id == claims.subject)
        )
    ).first()
    if row is None:
        return None
    return PrincipalState(row.is_active, row.token_version, None, tuple(row.scopes))


async def principal_for(
    sessions: async_sessionmaker[AsyncSession],
    claims: Claims,
    cache: PrincipalCache | None = None,
) -> Principal:
    """Deactivation, role change or secret rotation bump the version, which revokes every
    token issued before at once. The state comes from the process cache while PostgreSQL
    notifications keep it exact, else from one primary-key lookup."""
    state = cache.get(claims.subject) if cache else None
    if state is None:
        generation = cache.generation if cache else 0
        async with sessions() as session:
            state = await _state(session, claims)
        if state is not None and cache is not None:
            cache.put(claims.subject, state, generation)
    if state is None or not state.active or state.version != claims.version:
        raise InvalidAccessToken()
    if claims.subject_type == "user":
        allowed = ROLE_SCOPES.get(Role(state.role), frozenset())
        return Principal(
            "user",
            claims.subject,
            claims.scopes & allowed,
            role=state.role,
            token_id=claims.token_id,
        )
    allowed = frozenset(Scope(s) for s in state.scopes) & SERVICE_ACCOUNT_SCOPES
    return Principal(
        "service_account", claims.subject, claims.scopes & allowed, token_id=claims.token_id
    )
