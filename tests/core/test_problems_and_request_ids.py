"""Every error is problem+json with a request id; no stack trace ever reaches a client."""

from __future__ import annotations

import json

import pytest
from fastapi import APIRouter, FastAPI
from httpx import AsyncClient
from pydantic import BaseModel, ConfigDict, Field

from app.core.errors import NotFound

probe = APIRouter(prefix="/_probe")


class Echo(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=20)
    count: int


@probe.post("/echo")
async def echo(body: Echo) -> Echo:
    return body


@probe.get("/missing")
async def missing() -> None:
    raise NotFound(detail={"en": "No such thing", "fr": "Aucune chose de ce genre"}, kind="probe")


@probe.get("/boom")
async def boom() -> None:
    raise RuntimeError("secret-internal-detail")


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    app.include_router(probe)
    return app


def assert_problem(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"/problems/{code}"
    assert body["request_id"] == response.headers["x-request-id"]
    return body


async def test_unknown_route_is_404_problem(client: AsyncClient) -> None:
    body = assert_problem(await client.get("/nowhere"), 404, "not_found")
    assert body["instance"] == "/nowhere"


async def test_wrong_method_is_405_problem(client: AsyncClient) -> None:
    assert_problem(await client.delete("/healthz"), 405, "method_not_allowed")


async def test_domain_error_carries_context_in_language(client: AsyncClient) -> None:
    en = assert_problem(
        await client.get("/_probe/missing", headers={"Accept-Language": "en"}), 404, "not_found"
    )
    fr = assert_problem(
        await client.get("/_probe/missing", headers={"Accept-Language": "fr-FR"}), 404, "not_found"
    )
    assert (en["title"], en["detail"], en["kind"]) == ("Not found", "No such thing", "probe")
    assert (fr["title"], fr["detail"]) == ("Introuvable", "Aucune chose de ce genre")


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        pytest.param({"count": 1}, "name", "schema.missing", id="missing"),
        pytest.param({"name": "a", "count": "x"}, "count", "schema.int_parsing", id="wrong-type"),
        pytest.param({"name": "a" * 21, "count": 1}, "name", "schema.string_too_long", id="long"),
        pytest.param(
            {"name": "a", "count": 1, "role": "admin"},
            "role",
            "schema.extra_forbidden",
            id="unknown-field",
        ),
    ],
)
async def test_schema_errors_are_422_with_field_codes(
    client: AsyncClient, payload: dict, field: str, code: str
) -> None:
    body = assert_problem(await client.post("/_probe/echo", json=payload), 422, "validation_failed")
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in body["errors"]
    ]
    assert body["title"] == "Requête invalide"  # French by default


async def test_schema_error_messages_in_english(client: AsyncClient) -> None:
    response = await client.post("/_probe/echo", json={}, headers={"Accept-Language": "en"})
    body = assert_problem(response, 422, "validation_failed")
    assert body["title"] == "Invalid request"
    assert all(e["message"] == "Field required" for e in body["errors"])


async def test_schema_error_never_echoes_input(client: AsyncClient) -> None:
    response = await client.post("/_probe/echo", json={"name": "jean@exemple.fr" * 5, "count": 1})
    assert "jean@exemple.fr" not in response.text


async def test_malformed_json_is_422_problem(client: AsyncClient) -> None:
    response = await client.post(
        "/_probe/echo", content=b'{"name": "x", ', headers={"Content-Type": "application/json"}
    )
    body = assert_problem(response, 422, "validation_failed")
    assert body["errors"][0]["code"] == "schema.json_invalid"


async def test_invalid_utf8_is_a_4xx_problem(client: AsyncClient) -> None:
    response = await client.post(
        "/_probe/echo",
        content=b'{"name": "\xff\xfe", "count": 1}',
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"] == "application/problem+json"


async def test_oversized_body_is_413_problem(client: AsyncClient, settings) -> None:  # type: ignore[no-untyped-def]
    big = json.dumps({"name": "x" * settings.max_body_bytes, "count": 1})
    response = await client.post(
        "/_probe/echo", content=big, headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 413, "payload_too_large")


async def test_unexpected_exception_is_500_problem_without_details(client: AsyncClient) -> None:
    response = await client.get("/_probe/boom", headers={"X-Request-ID": "trace-500"})
    body = assert_problem(response, 500, "internal_error")
    assert body["request_id"] == "trace-500"
    assert "secret-internal-detail" not in response.text
    assert "Traceback" not in response.text


async def test_request_id_is_echoed_when_valid(client: AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123.DEF:9_z"})
    assert response.headers["x-request-id"] == "abc-123.DEF:9_z"


@pytest.mark.parametrize(
    "incoming",
    [
        pytest.param(None, id="absent"),
        pytest.param("bad id with spaces", id="invalid"),
        pytest.param("x" * 300, id="too-long"),
        pytest.param("", id="empty"),
    ],
)
async def test_request_id_is_generated_otherwise(client: AsyncClient, incoming: str | None) -> None:
    headers = {"X-Request-ID": incoming} if incoming is not None else {}
    generated = (await client.get("/healthz", headers=headers)).headers["x-request-id"]
    assert len(generated) == 32
    assert generated != incoming


async def test_cors_preflight_for_configured_origin(client: AsyncClient) -> None:
    response = await client.options(
        "/healthz",
        headers={"Origin": "https://forms.example.com", "Access-Control-Request-Method": "GET"},
    )
    assert response.headers["access-control-allow-origin"] == "https://forms.example.com"
    refused = await client.options(
        "/healthz",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in refused.headers


async def test_streamed_oversized_body_is_413_problem(client: AsyncClient, settings) -> None:  # type: ignore[no-untyped-def]
    async def chunks():  # no Content-Length: the limit must count what streams in
        for _ in range(4):
            yield b"x" * (settings.max_body_bytes // 2)

    response = await client.post(
        "/_probe/echo", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert_problem(response, 413, "payload_too_large")
