"""Access tokens: short-lived JWTs (RFC 9068 shape), one pinned algorithm, rotating kids."""

from __future__ import annotations

import base64
import binascii
import json
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

import jwt

from app.auth.scopes import Scope, format_scopes, parse_scopes
from app.core.keyring import Keyring

ALGORITHM = "HS256"
_LEEWAY_S = 5
TOKEN_TYPE = "at+jwt"  # noqa: S105 (RFC 9068 media type)
SubjectType = Literal["user", "service_account"]


class InvalidToken(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Claims:
    subject: uuid.UUID
    subject_type: SubjectType
    scopes: frozenset[Scope]
    version: int
    token_id: str
    expires_at: int


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int
    scope: str
    token_id: str


class TokenService:
    def __init__(self, keyring: Keyring, *, issuer: str, audience: str, ttl_s: int) -> None:
        self.keyring = keyring
        self.issuer = issuer
        self.audience = audience
        self.ttl_s = ttl_s
        # Verified tokens by their exact text: a caller sends the same token for its whole
        # life, and verifying it again would cost more than the rest of a small request.
        # Only the expiry can change the answer, so it is checked on every hit.
        self._verified: OrderedDict[str, Claims] = OrderedDict()
        self._verified_max = 10_000

    def issue(
        self,
        subject: uuid.UUID,
        subject_type: SubjectType,
        scopes: frozenset[Scope],
        *,
        version: int,
        now: int | None = None,
    ) -> IssuedToken:
        issued_at = int(time.time()) if now is None else now
        token_id = uuid.uuid4().hex
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(subject),
            "sub_type": subject_type,
            "iat": issued_at,
            "nbf": issued_at,
            "exp": issued_at + self.ttl_s,
            "jti": token_id,
            "scope": format_scopes(scopes),
            "ver": version,
        }
        headers = {"kid": self.keyring.active_kid, "typ": TOKEN_TYPE}
        token = jwt.encode(claims, self.keyring.active, algorithm=ALGORITHM, headers=headers)
        return IssuedToken(token, self.ttl_s, claims["scope"], token_id)

    def decode(self, token: str, *, now: float | None = None) -> Claims:
        cached = self._verified.get(token)
        if cached is not None:
            if cached.expires_at + _LEEWAY_S < (time.time() if now is None else now):
                del self._verified[token]
                raise InvalidToken("ExpiredSignatureError")
            self._verified.move_to_end(token)
            return cached
        claims = self._verify(token)
        self._verified[token] = claims
        if len(self._verified) > self._verified_max:
            self._verified.popitem(last=False)
        return claims

    def _verify(self, token: str) -> Claims:
        try:
            header = _header(token)
            key = self.keyring.get(str(header.get("kid", "")))
            if key is None or header.get("typ") != TOKEN_TYPE or header.get("alg") != ALGORITHM:
                raise InvalidToken("unexpected token header")
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "nbf", "sub", "jti", "iss", "aud"]},
                leeway=_LEEWAY_S,
            )
            subject_type = claims.get("sub_type")
            if subject_type not in ("user", "service_account"):
                raise InvalidToken("unknown subject type")
            return Claims(
                subject=uuid.UUID(claims["sub"]),
                subject_type=subject_type,
                scopes=parse_scopes(claims.get("scope")),
                version=int(claims["ver"]),
                token_id=str(claims["jti"]),
                expires_at=int(claims["exp"]),
            )
        except InvalidToken:
            raise
        except (jwt.PyJWTError, ValueError, KeyError, TypeError) as exc:
            raise InvalidToken(type(exc).__name__) from exc


def _header(token: str) -> dict:
    """The unverified header, only to pick the key; PyJWT then verifies everything.

    Parsed with the standard library because PyJWT's own parser validates the alphabet
    character by character in Python, and doing that twice doubled the cost per request.
    """
    segment = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidToken("malformed header") from exc
    if not isinstance(header, dict):
        raise InvalidToken("malformed header")
    return header
