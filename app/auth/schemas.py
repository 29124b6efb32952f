"""Request and response bodies of the auth, users and service-account endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from app.auth.scopes import Role, Scope


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105
    expires_in: int = Field(description="Seconds until the token expires")
    scope: str


class SetupPassword(Strict):
    setup_token: str = Field(min_length=10, max_length=200)
    password: str = Field(min_length=1, max_length=1024, examples=["correct horse battery staple"])


class TotpEnrolmentRead(BaseModel):
    otpauth_uri: str = Field(description="Scan as a QR code or paste into an authenticator app")
    secret: str = Field(description="The same secret, for manual entry")
    qr_svg: str = Field(description="QR code of the URI, as an SVG data URI")


class SetupConfirm(Strict):
    setup_token: str = Field(min_length=10, max_length=200)
    code: str = Field(min_length=6, max_length=6, pattern=r"^\d{6}$", examples=["492039"])


class RecoveryCodes(BaseModel):
    recovery_codes: list[str] = Field(description="Shown once; each works once instead of a code")


class Me(BaseModel):
    type: str
    id: uuid.UUID | None
    role: str | None
    scopes: list[str]


class UserCreate(Strict):
    email: EmailStr = Field(max_length=320, examples=["claire.martin@example.fr"])
    role: Role


class UserRead(BaseModel):
    id: uuid.UUID
    email: str
    role: str
    is_active: bool
    enrolled: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    deactivated_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, user) -> UserRead:  # type: ignore[no-untyped-def]
        return cls(
            id=user.id,
            email=user.email,
            role=user.role,
            is_active=user.is_active,
            enrolled=user.enrolled,
            locked_until=user.locked_until,
            last_login_at=user.last_login_at,
            deactivated_at=user.deactivated_at,
            created_at=user.created_at,
        )


class UserWithSetup(BaseModel):
    user: UserRead
    setup_token: str = Field(
        description="Give it to the person: valid once, until setup_expires_at"
    )
    setup_expires_at: datetime


class RoleChange(Strict):
    role: Role


class GovernanceUser(BaseModel):
    id: uuid.UUID
    role: str
    last_login_at: datetime | None
    created_at: datetime


class OpenWork(BaseModel):
    user: GovernanceUser
    active_service_accounts: list[uuid.UUID]


class GovernanceReport(BaseModel):
    admins: int
    active_by_role: dict[str, int]
    inactive_days: int
    inactive_users: list[GovernanceUser]
    never_logged_in: list[GovernanceUser]
    deactivated_with_open_work: list[OpenWork]


class ServiceAccountCreate(Strict):
    name: str = Field(min_length=1, max_length=100, examples=["crm-sync"])
    scopes: list[Scope] = Field(min_length=1, examples=[["records:read", "records:write"]])


class ServiceAccountUpdate(Strict):
    scopes: list[Scope] | None = Field(default=None, min_length=1)
    is_active: bool | None = None


class SecretRotation(Strict):
    grace_hours: int | None = Field(
        default=None, ge=0, le=720, description="How long the old secret keeps working"
    )


class ServiceAccountRead(BaseModel):
    id: uuid.UUID
    name: str
    client_id: str
    scopes: list[str]
    is_active: bool
    previous_secret_expires_at: datetime | None
    last_used_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, account) -> ServiceAccountRead:  # type: ignore[no-untyped-def]
        return cls(
            id=account.id,
            name=account.name,
            client_id=account.client_id,
            scopes=list(account.scopes),
            is_active=account.is_active,
            previous_secret_expires_at=account.previous_secret_expires_at,
            last_used_at=account.last_used_at,
            created_at=account.created_at,
        )


class ServiceAccountWithSecret(BaseModel):
    account: ServiceAccountRead
    client_id: str
    client_secret: str = Field(description="Shown once: store it now")
