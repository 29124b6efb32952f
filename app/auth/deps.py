"""`requires(*scopes)`: every route states what it needs; without a token nothing passes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlowPassword, OAuthFlows
from fastapi.security import APIKeyHeader, OAuth2, SecurityScopes

from app.auth import form_keys
from app.auth.context import AuthContext
from app.auth.errors import InvalidAccessToken, MissingScope, NotAuthenticated
from app.auth.principal import Principal
from app.auth.principal_service import principal_for
from app.auth.scopes import Scope
from app.auth.tokens import InvalidToken
from app.core.request_context import current_client_ip
from app.core.timeutil import utcnow

TOKEN_URL = "/v1/auth/token"  # noqa: S105 (a path, not a secret)
SCOPE_DESCRIPTIONS = {s.value: s.name.replace("_", " ").lower() for s in Scope}


class BearerFromOAuth2(OAuth2):
    """Documents both OAuth2 flows for Swagger UI; yields the raw bearer token or None."""

    def __init__(self) -> None:
        flows = OAuthFlows(
            password=OAuthFlowPassword(tokenUrl=TOKEN_URL, scopes=SCOPE_DESCRIPTIONS),
            clientCredentials=OAuthFlowClientCredentials(
                tokenUrl=TOKEN_URL, scopes=SCOPE_DESCRIPTIONS
            ),
        )
        super().__init__(
            flows=flows,
            scheme_name="OAuth2",
            description=(
                "People: password grant with the 6-digit TOTP code appended to the password "
                "(or sent as the `totp` form field). Machines: client credentials."
            ),
            auto_error=False,
        )

    async def __call__(self, request: Request) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()


oauth2 = BearerFromOAuth2()


async def auth_context(request: Request) -> AuthContext:
    # async: FastAPI runs plain functions in a thread pool, which costs more than the lookup
    return request.app.state.auth


async def get_principal(
    security_scopes: SecurityScopes,
    request: Request,
    token: Annotated[str | None, Depends(oauth2)],
) -> Principal:
    if token is None:
        raise NotAuthenticated()
    try:
        claims = request.app.state.auth.tokens.decode(token)
    except InvalidToken as exc:
        raise InvalidAccessToken() from exc
    # Its own short read, only on a cache miss: routes that touch no table (validation)
    # then open no database transaction at all.
    principal = await principal_for(
        request.app.state.sessionmaker,
        claims,
        getattr(request.app.state, "principal_cache", None),
    )
    missing = set(security_scopes.scopes) - {s.value for s in principal.scopes}
    if missing:
        raise MissingScope(missing=sorted(missing))
    request.state.principal = principal
    return principal


form_key_header = APIKeyHeader(
    name="X-Form-Key",
    scheme_name="FormKey",
    description="A publishable form key (validation only, from the key's allowed origins)",
    auto_error=False,
)


async def get_validation_caller(
    security_scopes: SecurityScopes,
    request: Request,
    token: Annotated[str | None, Depends(oauth2)],
    form_key: Annotated[str | None, Depends(form_key_header)],
) -> Principal:
    """A token with the route's scopes, or, from a browser, a publishable form key."""
    if token is not None or not form_key:
        return await get_principal(security_scopes, request, token)
    principal = await form_keys.caller_for(
        request.app.state.sessionmaker,
        request.app.state.auth,
        form_key,
        request.headers.get("origin"),
        current_client_ip(),
        utcnow(),
    )
    request.state.principal = principal
    return principal


def requires(*scopes: Scope) -> Any:
    return Security(get_principal, scopes=[s.value for s in scopes])


Authenticated = Annotated[Principal, requires()]
AuthCtx = Annotated[AuthContext, Depends(auth_context)]
