"""Shell bootstrapping for deployments: the first admin and service accounts."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.pool import NullPool

from app.auth import service_account_service, user_service
from app.auth.context import AuthContext
from app.auth.errors import EmailTaken
from app.auth.principal import SYSTEM
from app.auth.repository import UserRepository
from app.auth.scopes import Role, parse_scopes
from app.core.database_url import async_url
from app.core.db import make_sessionmaker
from app.core.settings import Settings
from app.core.timeutil import utcnow

T = TypeVar("T")


async def in_transaction(url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(async_url(url), poolclass=NullPool)
    try:
        async with make_sessionmaker(engine).begin() as session:
            return await work(session)
    finally:
        await engine.dispose()


def setup_instructions(base_url: str, email: str, token: str, hours: int) -> str:
    return f"""Administrator {email} is ready for set-up (valid {hours} hours, single use).

1. Choose a password (12+ characters) and get the TOTP secret:
   curl -s -X POST {base_url}/v1/auth/setup/password -H 'Content-Type: application/json' \\
        -d '{{"setup_token": "{token}", "password": "<your passphrase>"}}'
   Scan `otpauth_uri` (or open `qr_svg`) with an authenticator app.

2. Confirm with the 6-digit code it shows; keep the ten recovery codes it answers:
   curl -s -X POST {base_url}/v1/auth/setup/confirm -H 'Content-Type: application/json' \\
        -d '{{"setup_token": "{token}", "code": "<6 digits>"}}'

3. Log in at {base_url}/docs ("Authorize": email, then password immediately followed by
   the current 6-digit code), or with curl:
   curl -s -X POST {base_url}/v1/auth/token -d grant_type=password \\
        --data-urlencode username={email} --data-urlencode 'password=<passphrase><code>'
"""


async def create_admin(settings: Settings, url: str, email: str, *, reset: bool) -> str:
    ctx = AuthContext.from_settings(settings)

    async def work(session: AsyncSession) -> str:
        existing = await UserRepository(session).get_by_email(email.strip().lower())
        if existing is not None:
            if not reset:
                raise EmailTaken()
            made = await user_service.reset_credentials(session, ctx, SYSTEM, existing.id, utcnow())
            if existing.role != Role.ADMIN.value:
                await user_service.change_role(session, SYSTEM, existing.id, Role.ADMIN)
        else:
            made = await user_service.create_user(session, ctx, SYSTEM, email, Role.ADMIN, utcnow())
        return made.setup_token

    token = await in_transaction(url, work)
    base_url = f"http://{settings.host}:{settings.port}"
    return setup_instructions(base_url, email.strip().lower(), token, settings.setup_token_ttl_h)


async def create_service_account(url: str, name: str, scopes: str) -> str:
    chosen = parse_scopes(scopes)

    async def work(session: AsyncSession) -> str:
        issued = await service_account_service.create(session, SYSTEM, name, chosen)
        return json.dumps(
            {
                "client_id": issued.account.client_id,
                "client_secret": issued.client_secret,
                "scopes": sorted(issued.account.scopes),
            }
        )

    return await in_transaction(url, work)


async def has_admin(url: str) -> bool:
    async def work(session: AsyncSession) -> bool:
        return await UserRepository(session).count_active_admins() > 0

    return await in_transaction(url, work)
