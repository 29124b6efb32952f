"""Render every error as RFC 9457 problem+json, in the caller's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.errors import PROBLEM_MEDIA_TYPE, DomainError
from app.core.i18n import Lang, negotiate, pick
from app.core.openapi_problems import install_problem_openapi
from app.core.request_context import current_request_id

_HTTP_CODES: Mapping[int, tuple[str, Mapping[str, str]]] = {
    400: ("bad_request", {"en": "Bad request", "fr": "Requête invalide"}),
    401: ("not_authenticated", {"en": "Not authenticated", "fr": "Non authentifié"}),
    403: ("forbidden", {"en": "Forbidden", "fr": "Accès refusé"}),
    404: ("not_found", {"en": "Not found", "fr": "Introuvable"}),
    405: ("method_not_allowed", {"en": "Method not allowed", "fr": "Méthode non autorisée"}),
    406: ("not_acceptable", {"en": "Not acceptable", "fr": "Format non acceptable"}),
    413: ("payload_too_large", {"en": "Request body too large", "fr": "Corps trop volumineux"}),
    415: ("unsupported_media_type", {"en": "Unsupported media type", "fr": "Type non supporté"}),
    500: ("internal_error", {"en": "Internal server error", "fr": "Erreur interne du serveur"}),
    503: ("service_unavailable", {"en": "Service unavailable", "fr": "Service indisponible"}),
}

# Pydantic error types → French wording; English comes from Pydantic itself.
_SCHEMA_MESSAGES_FR: Mapping[str, str] = {
    "missing": "Champ obligatoire",
    "extra_forbidden": "Champ inconnu : il n'est pas accepté",
    "string_type": "Une chaîne de caractères est attendue",
    "string_too_long": "Texte trop long",
    "string_too_short": "Texte trop court",
    "string_pattern_mismatch": "Format invalide",
    "int_type": "Un entier est attendu",
    "int_parsing": "Un entier est attendu",
    "float_type": "Un nombre est attendu",
    "float_parsing": "Un nombre est attendu",
    "bool_type": "Un booléen est attendu",
    "bool_parsing": "Un booléen est attendu",
    "uuid_type": "Un UUID est attendu",
    "uuid_parsing": "UUID invalide",
    "datetime_type": "Une date-heure est attendue",
    "datetime_parsing": "Date-heure invalide",
    "datetime_from_date_parsing": "Date-heure invalide",
    "date_parsing": "Date invalide",
    "date_from_datetime_parsing": "Date invalide",
    "enum": "Valeur non autorisée",
    "literal_error": "Valeur non autorisée",
    "list_type": "Une liste est attendue",
    "dict_type": "Un objet est attendu",
    "model_type": "Un objet est attendu",
    "model_attributes_type": "Un objet est attendu",
    "too_long": "Trop d'éléments",
    "too_short": "Pas assez d'éléments",
    "greater_than": "Valeur trop petite",
    "greater_than_equal": "Valeur trop petite",
    "less_than": "Valeur trop grande",
    "less_than_equal": "Valeur trop grande",
    "json_invalid": "JSON invalide",
    "value_error": "Valeur invalide",
    "url_parsing": "URL invalide",
    "url_type": "Une URL est attendue",
}


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    errors: Sequence[Mapping[str, Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"/problems/{code}",
        "title": title,
        "status": status,
        "code": code,
        "instance": request.url.path,
        "request_id": current_request_id(),
    }
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = list(errors)
    if extra:
        body.update({k: v for k, v in extra.items() if k not in body})
    return JSONResponse(
        body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=dict(headers or {})
    )


def language_of(request: Request) -> Lang:
    default: Lang = getattr(request.app.state, "default_language", "fr")
    return negotiate(request.headers.get("accept-language"), default)


def http_problem(request: Request, status: int, headers: Mapping[str, str] | None = None):
    code, titles = _HTTP_CODES.get(status, ("error", {"en": "Error", "fr": "Erreur"}))
    return problem_response(
        request, status=status, code=code, title=pick(titles, language_of(request)), headers=headers
    )


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    lang = language_of(request)
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=pick(exc.title, lang),
        detail=pick(exc.detail, lang) if exc.detail else None,
        errors=exc.field_errors(lang),
        extra=exc.context_in(lang),
        headers=exc.headers,
    )


def schema_field_errors(errors: Iterable[Mapping[str, Any]], lang: Lang) -> list[dict[str, str]]:
    """Pydantic errors as `{field, code, message}`; never echoes the rejected input."""
    out = []
    for err in errors:
        kind = str(err.get("type", "value_error"))
        # a JSON decode error's location is a character offset, not a field
        where = () if kind == "json_invalid" else err.get("loc", ())
        loc = [str(p) for p in where if p not in {"body", "query", "path", "header"}]
        english = str(err.get("msg", "Invalid value"))
        message = _SCHEMA_MESSAGES_FR.get(kind, "Valeur invalide") if lang == "fr" else english
        out.append({"field": ".".join(loc) or "body", "code": f"schema.{kind}", "message": message})
    return out


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    lang = language_of(request)
    return problem_response(
        request,
        status=422,
        code="validation_failed",
        title=pick({"en": "Invalid request", "fr": "Requête invalide"}, lang),
        errors=schema_field_errors(exc.errors(), lang),
    )


# FastAPI's answer when a JSON body cannot even be decoded (not UTF-8, nested too deep).
_UNPARSABLE_BODY = "There was an error parsing the body"
_UNPARSABLE_MESSAGES: Mapping[type[BaseException], Mapping[str, str]] = {
    UnicodeDecodeError: {"en": "The body is not valid UTF-8", "fr": "Le corps n'est pas en UTF-8"},
    RecursionError: {
        "en": "The JSON is nested too deeply",
        "fr": "JSON trop profondément imbriqué",
    },
}


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == _UNPARSABLE_BODY:
        return _unparsable_body(request, exc.__cause__)
    return http_problem(request, exc.status_code, headers=exc.headers)


def _unparsable_body(request: Request, cause: BaseException | None) -> JSONResponse:
    """The same 422 as malformed JSON: to a client both are "your body is not JSON"."""
    lang = language_of(request)
    messages = next(
        (m for kind, m in _UNPARSABLE_MESSAGES.items() if isinstance(cause, kind)),
        {"en": "Invalid JSON", "fr": "JSON invalide"},
    )
    return problem_response(
        request,
        status=422,
        code="validation_failed",
        title=pick({"en": "Invalid request", "fr": "Requête invalide"}, lang),
        errors=[{"field": "body", "code": "schema.json_invalid", "message": pick(messages, lang)}],
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    install_problem_openapi(app)
    from app.core.db_errors import install_database_fault_handlers  # it imports this module

    install_database_fault_handlers(app)
    from app.core.data_errors import install_data_exception_handlers  # likewise

    install_data_exception_handlers(app)
