"""Domain errors carry their HTTP status and a stable code; one renderer makes problem+json."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"


class DomainError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[Mapping[str, str]] = {"en": "Bad request", "fr": "Requête invalide"}
    headers: Mapping[str, str] | None = None

    def __init__(self, detail: Mapping[str, str] | None = None, **context: Any) -> None:
        # context is echoed to the client: it must never hold personal data or secrets
        super().__init__(self.code)
        self.detail = detail
        self.context = context

    def field_errors(self, lang: str) -> list[dict[str, Any]] | None:
        """Per-field errors in `lang`, for errors about a submitted record."""
        return None

    def context_in(self, lang: str) -> Mapping[str, Any]:
        """The context as the client reads it in `lang` (most context is codes and ids)."""
        return self.context


class NotFound(DomainError):
    status, code = 404, "not_found"
    title = {"en": "Not found", "fr": "Introuvable"}


class Conflict(DomainError):
    status, code = 409, "conflict"
    title = {"en": "Conflict with the current state", "fr": "Conflit avec l'état actuel"}


class PreconditionFailed(DomainError):
    status, code = 412, "precondition_failed"
    title = {
        "en": "The record changed since you read it",
        "fr": "La fiche a changé depuis votre lecture",
    }


class PayloadTooLarge(DomainError):
    status, code = 413, "payload_too_large"
    title = {"en": "Request body too large", "fr": "Corps de requête trop volumineux"}


class ServiceUnavailable(DomainError):
    status, code = 503, "service_unavailable"
    title = {"en": "Service unavailable", "fr": "Service indisponible"}


class FieldError(BaseModel):
    field: str = Field(examples=["email"])
    code: str = Field(examples=["email.invalid"])
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this API is rendered."""

    type: str = Field(examples=["/problems/not_found"])
    title: str
    status: int
    code: str
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None

    model_config = {"extra": "allow"}


def problem_responses(*errors: type[DomainError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entry documenting the problems a route may answer."""
    responses: dict[int | str, dict[str, Any]] = {}
    for error in errors:
        entry = responses.setdefault(
            error.status,
            {"model": Problem, "content": {PROBLEM_MEDIA_TYPE: {}}, "description": ""},
        )
        codes = [c for c in entry["description"].split(", ") if c]
        entry["description"] = ", ".join([*codes, error.code])
    return responses
