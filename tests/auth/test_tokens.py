import base64
import json
import time
import uuid

import jwt
import pytest

from app.auth.scopes import Scope
from app.auth.tokens import InvalidToken, TokenService
from app.core.keyring import Keyring

K1 = b"k" * 64
K2 = b"z" * 32
SUBJECT = uuid.uuid4()


def service(keyring: Keyring | None = None, **kw: object) -> TokenService:
    options = {"issuer": "crm-dq", "audience": "crm-dq-api", "ttl_s": 900} | kw
    return TokenService(keyring or Keyring("k1", {"k1": K1}), **options)  # type: ignore[arg-type]


def issue(svc: TokenService, **kw: object) -> str:
    return svc.issue(SUBJECT, "user", frozenset({Scope.MERGE}), version=3, **kw).access_token  # type: ignore[arg-type]


def test_round_trip_carries_every_claim() -> None:
    svc = service()
    token = issue(svc)
    claims = svc.decode(token)
    assert (claims.subject, claims.subject_type, claims.version) == (SUBJECT, "user", 3)
    assert claims.scopes == {Scope.MERGE}
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "HS256", "kid": "k1", "typ": "at+jwt"}
    payload = jwt.decode(token, options={"verify_signature": False})
    assert {"iss", "aud", "exp", "iat", "nbf", "jti", "sub", "scope"} <= payload.keys()
    assert payload["exp"] - payload["iat"] == 900


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def forged_tokens() -> list:
    good = service()
    token = issue(good)
    header, payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    return [
        pytest.param(issue(service(Keyring("k1", {"k1": K2}))), id="wrong-key"),
        pytest.param(issue(service(Keyring("k9", {"k9": K1}))), id="unknown-kid"),
        pytest.param(issue(good, now=1_000_000), id="expired"),
        pytest.param(issue(service(audience="other-api")), id="wrong-audience"),
        pytest.param(issue(service(issuer="someone-else")), id="wrong-issuer"),
        pytest.param(
            f"{_b64({'alg': 'none', 'typ': 'at+jwt', 'kid': 'k1'})}.{payload}.", id="alg-none"
        ),
        pytest.param(
            jwt.encode(claims, K1, algorithm="HS512", headers={"kid": "k1", "typ": "at+jwt"}),
            id="other-algorithm",
        ),
        pytest.param(jwt.encode(claims, K1, algorithm="HS256", headers={"kid": "k1"}), id="no-typ"),
        pytest.param(
            f"{header}.{_b64(claims | {'scope': 'users:manage'})}.{signature}",
            id="tampered-payload",
        ),
        pytest.param("not-a-jwt", id="garbage"),
        pytest.param("", id="empty"),
        pytest.param("a.b.c", id="three-garbage-parts"),
    ]


@pytest.mark.parametrize("token", forged_tokens())
def test_forged_or_stale_tokens_are_rejected(token: str) -> None:
    with pytest.raises(InvalidToken):
        service().decode(token)


def test_rotation_keeps_old_kid_valid_until_removed() -> None:
    old = issue(service(Keyring("k1", {"k1": K1})))
    rotated = service(Keyring("k2", {"k1": K1, "k2": K2}))
    assert rotated.decode(old).subject == SUBJECT
    assert jwt.get_unverified_header(issue(rotated))["kid"] == "k2"
    with pytest.raises(InvalidToken):
        service(Keyring("k2", {"k2": K2})).decode(old)


def test_a_cached_token_still_expires() -> None:
    svc = service(ttl_s=60)
    token = svc.issue(SUBJECT, "user", frozenset(), version=1).access_token
    assert svc.decode(token).subject == SUBJECT  # verified, now cached
    assert svc.decode(token).subject == SUBJECT  # served from the cache
    with pytest.raises(InvalidToken):
        svc.decode(token, now=time.time() + 3600)


def test_a_forged_token_is_never_cached() -> None:
    svc = service()
    forged = issue(service(Keyring("k1", {"k1": K2})))
    for _ in range(2):
        with pytest.raises(InvalidToken):
            svc.decode(forged)
