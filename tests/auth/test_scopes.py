import pytest

from app.auth.scopes import ROLE_SCOPES, SERVICE_ACCOUNT_SCOPES, Role, Scope, parse_scopes

DESIGN_TABLE = {
    "admin": {s.value for s in Scope},
    "data_steward": {
        "records:read",
        "records:write",
        "validate",
        "duplicates:read",
        "duplicates:review",
        "merge",
        "quality:read",
        "quality:manage",
    },
    "sales": {"records:read", "records:write", "validate", "duplicates:read"},
    "dpo": {
        "records:read",
        "gdpr:export",
        "gdpr:erase",
        "gdpr:manage",
        "audit:read",
        "quality:read",
    },
    "auditor": {"audit:read", "quality:read", "records:read"},
}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_roles_hold_exactly_the_designed_scopes(role: Role) -> None:
    assert {s.value for s in ROLE_SCOPES[role]} == DESIGN_TABLE[role.value]


def test_service_accounts_never_manage_users() -> None:
    assert Scope.USERS_MANAGE not in SERVICE_ACCOUNT_SCOPES
    assert Scope.WEBHOOKS_MANAGE in SERVICE_ACCOUNT_SCOPES


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(None, set(), id="none"),
        pytest.param("", set(), id="empty"),
        pytest.param("  audit:read   merge ", {Scope.AUDIT_READ, Scope.MERGE}, id="spaces"),
    ],
)
def test_parse_scopes(raw: str | None, expected: set[Scope]) -> None:
    assert parse_scopes(raw) == expected


@pytest.mark.parametrize("raw", ["admin", "audit:READ", "records:*", "merge;drop"])
def test_unknown_scope_is_rejected(raw: str) -> None:
    with pytest.raises(ValueError, match="is not a valid Scope"):
        parse_scopes(raw)
