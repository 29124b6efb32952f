"""The token endpoint's two grants: people (password + TOTP) and machines (client credentials)."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit import service as audit
from app.auth import passwords, rate_limit, totp
from app.auth.context import AuthContext, secret_digest
from app.auth.errors import InvalidClient, InvalidCredentials, InvalidScopeRequest, TooManyAttempts
from app.auth.models import ServiceAccount, User
from app.auth.principal import ANONYMOUS, Principal
from app.auth.repository import ServiceAccountRepository, UserRepository
from app.auth.scopes import ROLE_SCOPES, SERVICE_ACCOUNT_SCOPES, Role, Scope, parse_scopes
from app.auth.tokens import IssuedToken
from app.core.crypto import Sealed, unseal


@dataclass(frozen=True, slots=True)
class PasswordGrant:
    email: str
    password: str
    one_time_code: str | None  # TOTP or recovery code; None → last 6 characters of password
    scope: str | None


@dataclass(frozen=True, slots=True)
class ClientCredentialsGrant:
    client_id: str
    client_secret: str
    scope: str | None


def split_code(grant: PasswordGrant) -> tuple[str, str]:
    """Swagger UI's dialog has no TOTP field: the code may be appended to the password."""
    if grant.one_time_code:
        return grant.password, grant.one_time_code
    return grant.password[:-6], grant.password[-6:]


def _requested_scopes(raw: str | None, allowed: frozenset[Scope]) -> frozenset[Scope]:
    try:
        requested = parse_scopes(raw)
    except ValueError as exc:
        raise InvalidScopeRequest() from exc
    if not requested:
        return allowed
    if not requested <= allowed:
        raise InvalidScopeRequest(not_granted=sorted(s.value for s in requested - allowed))
    return requested


async def check_ip_rate(
    independent: async_sessionmaker[AsyncSession], ctx: AuthContext, ip: str | None, now: datetime
) -> None:
    async with independent.begin() as session:
        tally = await rate_limit.hit(session, ctx.ip_bucket(ip), now)
    limit = ctx.settings.login_rate_per_ip_per_minute
    if tally.over(limit):
        raise TooManyAttempts(retry_after=tally.retry_after_s(limit))


async def password_grant(
    session: AsyncSession,
    independent: async_sessionmaker[AsyncSession],
    ctx: AuthContext,
    grant: PasswordGrant,
    now: datetime,
) -> IssuedToken:
    users = UserRepository(session)
    user = await users.get_by_email(grant.email.strip().lower())
    password, code = split_code(grant)
    if user is None or not user.is_active or not user.enrolled:
        passwords.verify_password(password, None)  # same cost as a real check
        await _record_failure(independent, ctx, user, now, reason="unknown_or_inactive")
        raise InvalidCredentials()
    if user.locked_until is not None and user.locked_until > now:
        passwords.verify_password(password, None)
        await _record_failure(independent, ctx, user, now, reason="locked")
        raise InvalidCredentials()

    valid, new_hash = passwords.verify_password(password, user.password_hash)
    second_factor = valid and await _second_factor_ok(users, ctx, user, code, now)
    if not second_factor:
        await _record_failure(independent, ctx, user, now, reason="credentials")
        raise InvalidCredentials()

    if new_hash:
        user.password_hash = new_hash
    user.failed_logins = 0
    user.last_login_at = now
    allowed = ROLE_SCOPES[Role(user.role)]
    scopes = _requested_scopes(grant.scope, allowed)
    issued = ctx.tokens.issue(user.id, "user", scopes, version=user.token_version)
    actor = Principal("user", user.id, scopes, role=user.role, token_id=issued.token_id)
    await audit.record(
        session, actor, "auth.login.succeeded", entity_type="user", entity_id=user.id
    )
    await audit.record(
        session,
        actor,
        "auth.token.issued",
        entity_type="user",
        entity_id=user.id,
        details={"grant": "password", "jti": issued.token_id},
    )
    return issued


async def _second_factor_ok(
    users: UserRepository, ctx: AuthContext, user: User, code: str, now: datetime
) -> bool:
    if totp.looks_like_recovery_code(code):
        plain = totp.normalise_recovery_code(code)
        for stored in await users.unused_recovery_codes(user.id):
            if passwords.verify_recovery_code(plain, stored.code_hash):
                return await users.mark_recovery_code_used(stored.id, now)
        return False
    assert user.totp_secret is not None and user.totp_key_id is not None
    secret = unseal(
        ctx.encryption, Sealed(user.totp_key_id, user.totp_secret), context=user.id.bytes
    ).decode()
    step = totp.matching_step(secret, code, now=now.timestamp())
    return step is not None and await users.advance_totp_step(user.id, step)


async def _record_failure(
    independent: async_sessionmaker[AsyncSession],
    ctx: AuthContext,
    user: User | None,
    now: datetime,
    *,
    reason: str,
) -> None:
    """In its own transaction: the failed request rolls back, the count must not."""
    async with independent.begin() as session:
        users = UserRepository(session)
        await audit.record(
            session,
            ANONYMOUS,
            "auth.login.failed",
            entity_type="user",
            entity_id=user.id if user else None,
            details={"reason": reason},
        )
        if user is None or reason != "credentials":
            return
        failures, lockouts = await users.record_failure(user.id)
        if failures >= ctx.settings.login_max_failures:
            seconds = min(ctx.settings.lockout_base_s * 2**lockouts, ctx.settings.lockout_max_s)
            await users.lock(user.id, now + timedelta(seconds=seconds))
            await audit.record(
                session,
                ANONYMOUS,
                "auth.lockout",
                entity_type="user",
                entity_id=user.id,
                details={"seconds": seconds, "lockouts": lockouts + 1},
            )


async def client_credentials_grant(
    session: AsyncSession,
    independent: async_sessionmaker[AsyncSession],
    ctx: AuthContext,
    grant: ClientCredentialsGrant,
    now: datetime,
) -> IssuedToken:
    account = await ServiceAccountRepository(session).get_by_client_id(grant.client_id)
    if account is None or not account.is_active or not _secret_matches(account, grant, now):
        async with independent.begin() as own:
            await audit.record(
                own,
                ANONYMOUS,
                "auth.client.failed",
                entity_type="service_account",
                entity_id=account.id if account else None,
            )
        raise InvalidClient()
    allowed = frozenset(Scope(s) for s in account.scopes) & SERVICE_ACCOUNT_SCOPES
    scopes = _requested_scopes(grant.scope, allowed)
    issued = ctx.tokens.issue(account.id, "service_account", scopes, version=account.token_version)
    account.last_used_at = now
    actor = Principal("service_account", account.id, scopes, token_id=issued.token_id)
    await audit.record(
        session,
        actor,
        "auth.token.issued",
        entity_type="service_account",
        entity_id=account.id,
        details={"grant": "client_credentials", "jti": issued.token_id},
    )
    return issued


def _secret_matches(account: ServiceAccount, grant: ClientCredentialsGrant, now: datetime) -> bool:
    digest = secret_digest(grant.client_secret)
    if hmac.compare_digest(digest, account.secret_hash):
        return True
    return (
        account.previous_secret_hash is not None
        and account.previous_secret_expires_at is not None
        and account.previous_secret_expires_at > now
        and hmac.compare_digest(digest, account.previous_secret_hash)
    )
