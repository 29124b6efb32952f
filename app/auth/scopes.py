"""Scopes, roles, and which role holds which scope (pure: the security model as data)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Scope(StrEnum):
    RECORDS_READ = "records:read"
    RECORDS_WRITE = "records:write"
    VALIDATE = "validate"
    DUPLICATES_READ = "duplicates:read"
    DUPLICATES_REVIEW = "duplicates:review"
    MERGE = "merge"
    QUALITY_READ = "quality:read"
    QUALITY_MANAGE = "quality:manage"
    GDPR_EXPORT = "gdpr:export"
    GDPR_ERASE = "gdpr:erase"
    GDPR_MANAGE = "gdpr:manage"
    AUDIT_READ = "audit:read"
    USERS_MANAGE = "users:manage"
    WEBHOOKS_MANAGE = "webhooks:manage"


class Role(StrEnum):
    ADMIN = "admin"
    DATA_STEWARD = "data_steward"
    SALES = "sales"
    DPO = "dpo"
    AUDITOR = "auditor"


ROLE_SCOPES: Mapping[Role, frozenset[Scope]] = {
    Role.ADMIN: frozenset(Scope),
    Role.DATA_STEWARD: frozenset(
        {
            Scope.RECORDS_READ,
            Scope.RECORDS_WRITE,
            Scope.VALIDATE,
            Scope.DUPLICATES_READ,
            Scope.DUPLICATES_REVIEW,
            Scope.MERGE,
            Scope.QUALITY_READ,
            Scope.QUALITY_MANAGE,
        }
    ),
    Role.SALES: frozenset(
        {Scope.RECORDS_READ, Scope.RECORDS_WRITE, Scope.VALIDATE, Scope.DUPLICATES_READ}
    ),
    Role.DPO: frozenset(
        {
            Scope.RECORDS_READ,
            Scope.GDPR_EXPORT,
            Scope.GDPR_ERASE,
            Scope.GDPR_MANAGE,
            Scope.AUDIT_READ,
            Scope.QUALITY_READ,
        }
    ),
    Role.AUDITOR: frozenset({Scope.AUDIT_READ, Scope.QUALITY_READ, Scope.RECORDS_READ}),
}

# A machine may hold any scope but the one that manages people and machines.
SERVICE_ACCOUNT_SCOPES: frozenset[Scope] = frozenset(Scope) - {Scope.USERS_MANAGE}


def parse_scopes(raw: str | None) -> frozenset[Scope]:
    """Space-separated scope string (OAuth2 style) → scopes; unknown names raise ValueError."""
    return frozenset(Scope(part) for part in (raw or "").split() if part)


def format_scopes(scopes: frozenset[Scope] | set[Scope]) -> str:
    return " ".join(sorted(s.value for s in scopes))
