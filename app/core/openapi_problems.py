"""Make the published OpenAPI say what the API really answers on errors.

FastAPI documents its own defaults: a 422 `HTTPValidationError` as application/json, and
nothing for the answers our outer layers give (401/403 from the security dependencies, 400
for a bad pagination cursor, 413 from the body-size limit). Every one of those is in fact an
RFC 9457 problem, and clients (and the Schemathesis fuzz run) hold us to the contract, so
the schema is rewritten once, when it is first generated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from app.core.errors import PROBLEM_MEDIA_TYPE

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
_METHODS = frozenset({"get", "put", "post", "patch", "delete"})

# Added where missing: status → (applies to the operation?, description).
_COMMON: tuple[tuple[str, Callable[[dict[str, Any]], bool], str], ...] = (
    ("400", lambda op: _has_query(op, "cursor"), "pagination.invalid_cursor"),
    ("401", lambda op: bool(op.get("security")), "auth.not_authenticated, auth.invalid_token"),
    ("403", lambda op: _needs_scope(op), "auth.missing_scope"),
    ("413", lambda op: "requestBody" in op, "payload_too_large"),
    ("422", lambda op: bool(op.get("parameters") or op.get("requestBody")), "validation_failed"),
)


def _has_query(operation: dict[str, Any], name: str) -> bool:
    return any(
        p.get("name") == name and p.get("in") == "query" for p in operation.get("parameters", [])
    )


def _needs_scope(operation: dict[str, Any]) -> bool:
    return any(
        scopes for requirement in operation.get("security", []) for scopes in requirement.values()
    )


def _problem_content(response: dict[str, Any]) -> dict[str, Any]:
    """The documented schema (a Problem unless a route declared a richer one), as problem+json."""
    content = response.get("content") or {}
    schemas = [media.get("schema") for media in content.values() if media.get("schema")]
    schema = next(
        (
            s
            for s in schemas
            if s.get("$ref", "").rsplit("/", 1)[-1] not in _FASTAPI_VALIDATION_SCHEMAS
        ),
        PROBLEM_REF,
    )
    return {PROBLEM_MEDIA_TYPE: {"schema": schema}}


def problems_documented(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` with every 4xx/5xx answer documented as a problem (mutated and returned)."""
    for item in spec.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, applies, codes in _COMMON:
                if status not in responses and applies(operation):
                    responses[status] = {"description": codes}
            for status, response in responses.items():
                if str(status)[:1] in {"4", "5"}:
                    if status == "422" and response.get("description") == "Validation Error":
                        response["description"] = "validation_failed"
                    response["content"] = _problem_content(response)
    schemas = spec.get("components", {}).get("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    return spec


def install_problem_openapi(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = problems_documented(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
