"""Who may read the audit trail: audit:read holders only; 401 without a token, 403 without it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

AuthHeaders = Callable[..., Awaitable[dict[str, str]]]

PATHS = ["/v1/audit", "/v1/audit/verify"]


class TestAccess:
    @pytest.mark.parametrize("path", PATHS)
    async def test_without_token_is_401(self, client: AsyncClient, path: str) -> None:
        response = await client.get(path)
        assert response.status_code == 401
        assert response.json()["code"] == "auth.not_authenticated"
        assert response.headers["www-authenticate"].startswith("Bearer")

    @pytest.mark.parametrize("path", PATHS)
    async def test_garbage_token_is_401(self, client: AsyncClient, path: str) -> None:
        response = await client.get(path, headers={"Authorization": "Bearer not.a.jwt"})
        assert response.status_code == 401
        assert response.json()["code"] == "auth.invalid_token"

    @pytest.mark.parametrize("path", PATHS)
    @pytest.mark.parametrize(
        "who",
        [
            pytest.param({"role": "sales"}, id="sales"),
            pytest.param({"role": "data_steward"}, id="data_steward"),
            pytest.param({"scopes": ["records:read", "quality:read"]}, id="machine-without"),
            pytest.param({"scopes": []}, id="machine-no-scopes"),
        ],
    )
    async def test_without_audit_read_is_403(
        self, client: AsyncClient, auth_headers: AuthHeaders, path: str, who: dict[str, Any]
    ) -> None:
        response = await client.get(path, headers=await auth_headers(**who))
        assert response.status_code == 403
        assert response.json()["code"] == "auth.missing_scope"

    @pytest.mark.parametrize("path", PATHS)
    @pytest.mark.parametrize(
        "who",
        [
            pytest.param({"role": "auditor"}, id="auditor"),
            pytest.param({"role": "dpo"}, id="dpo"),
            pytest.param({"role": "admin"}, id="admin"),
            pytest.param({"scopes": ["audit:read"]}, id="machine-with"),
        ],
    )
    async def test_audit_read_is_enough(
        self, client: AsyncClient, auth_headers: AuthHeaders, path: str, who: dict[str, Any]
    ) -> None:
        response = await client.get(path, headers=await auth_headers(**who))
        assert response.status_code == 200, response.text

    def test_openapi_declares_the_scope(self, app: FastAPI) -> None:
        paths = app.openapi()["paths"]
        for path in PATHS:
            security = paths[path]["get"]["security"]
            assert any("audit:read" in scopes for req in security for scopes in req.values())
