"""Token endpoint (OAuth2 password + client credentials), first-time set-up, and `me`."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request

from app.auth import enrollment_service, login_service
from app.auth.deps import AuthCtx, Authenticated
from app.auth.errors import (
    InvalidClient,
    InvalidCredentials,
    InvalidScopeRequest,
    InvalidSetupToken,
    InvalidTotpCode,
    TooManyAttempts,
    UnsupportedGrant,
    WeakPassword,
)
from app.auth.schemas import (
    Me,
    RecoveryCodes,
    SetupConfirm,
    SetupPassword,
    TokenResponse,
    TotpEnrolmentRead,
)
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.request_context import current_client_ip
from app.core.timeutil import utcnow

router = APIRouter(prefix="/v1/auth", tags=["auth"])


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(value).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidClient() from exc
    return client_id, secret


@router.post(
    "/token",
    response_model=TokenResponse,
    responses=problem_responses(
        InvalidCredentials, InvalidClient, UnsupportedGrant, InvalidScopeRequest, TooManyAttempts
    ),
)
async def issue_token(
    request: Request,
    session: DbSession,
    ctx: AuthCtx,
    grant_type: Annotated[Literal["password", "client_credentials"], Form()],
    username: Annotated[str | None, Form(max_length=320)] = None,
    password: Annotated[str | None, Form(max_length=1100)] = None,
    totp: Annotated[
        str | None,
        Form(max_length=20, description="TOTP or recovery code; else append it to the password"),
    ] = None,
    scope: Annotated[str | None, Form(max_length=1000)] = None,
    client_id: Annotated[str | None, Form(max_length=100)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
) -> TokenResponse:
    """OAuth2 token endpoint. People: `grant_type=password`, `username` (email), `password`
    followed by the 6-digit TOTP code (or the code in `totp`). Machines:
    `grant_type=client_credentials` with `client_id`/`client_secret` in the body or HTTP Basic."""
    now = utcnow()
    independent = request.app.state.sessionmaker
    await login_service.check_ip_rate(independent, ctx, current_client_ip(), now)
    if grant_type == "password":
        if not username or not password or len(password) < 7:
            raise InvalidCredentials()
        grant = login_service.PasswordGrant(username, password, totp, scope)
        issued = await login_service.password_grant(session, independent, ctx, grant, now)
    else:
        basic = _basic_credentials(request)
        cid, secret = basic if basic else (client_id, client_secret)
        if not cid or not secret:
            raise InvalidClient()
        cc = login_service.ClientCredentialsGrant(cid, secret, scope)
        issued = await login_service.client_credentials_grant(session, independent, ctx, cc, now)
    return TokenResponse(
        access_token=issued.access_token, expires_in=issued.expires_in, scope=issued.scope
    )


@router.post(
    "/setup/password",
    response_model=TotpEnrolmentRead,
    responses=problem_responses(InvalidSetupToken, WeakPassword),
)
async def setup_password(
    body: SetupPassword, session: DbSession, ctx: AuthCtx
) -> TotpEnrolmentRead:
    """First step of a person's set-up: choose a password (12+ characters, not a common one)
    and receive the TOTP secret as an `otpauth://` URI and a QR code."""
    enrolment = await enrollment_service.choose_password(
        session, ctx, body.setup_token, body.password, utcnow()
    )
    return TotpEnrolmentRead(
        otpauth_uri=enrolment.otpauth_uri, secret=enrolment.secret, qr_svg=enrolment.qr_svg
    )


@router.post(
    "/setup/confirm",
    response_model=RecoveryCodes,
    responses=problem_responses(InvalidSetupToken, InvalidTotpCode),
)
async def setup_confirm(body: SetupConfirm, session: DbSession, ctx: AuthCtx) -> RecoveryCodes:
    """Second step: the first code from the authenticator confirms it; answers ten single-use
    recovery codes, shown only now."""
    codes = await enrollment_service.confirm_totp(
        session, ctx, body.setup_token, body.code, utcnow()
    )
    return RecoveryCodes(recovery_codes=codes)


@router.get("/me", response_model=Me)
async def me(principal: Authenticated) -> Me:
    """Who the token belongs to and what it may do."""
    return Me(
        type=principal.type,
        id=principal.id,
        role=principal.role,
        scopes=sorted(s.value for s in principal.scopes),
    )
