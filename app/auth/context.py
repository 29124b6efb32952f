"""What the auth services need from configuration, built once per app."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from app.auth.tokens import TokenService
from app.core.crypto import keyed_hash
from app.core.keyring import Keyring, derive, encryption_keyring, jwt_keyring
from app.core.settings import Settings


@dataclass(frozen=True)
class AuthContext:
    settings: Settings
    tokens: TokenService
    encryption: Keyring
    bucket_key: bytes  # keys the rate-limit buckets so no raw IP is stored

    @classmethod
    def from_settings(cls, settings: Settings) -> AuthContext:
        tokens = TokenService(
            jwt_keyring(settings),
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_s=settings.access_token_ttl_s,
        )
        bucket_key = derive(settings.secret_key.get_secret_value(), "rate-limit-buckets")
        return cls(settings, tokens, encryption_keyring(settings), bucket_key)

    def ip_bucket(self, ip: str | None) -> str:
        return "login-ip:" + keyed_hash(self.bucket_key, ip or "unknown")[:40]


def secret_digest(secret: str) -> str:
    """SHA-256 of a high-entropy random secret (setup tokens, client secrets).

    Such secrets carry 256 bits of entropy, so a fast hash is safe and survives any
    rotation of the root secret; low-entropy values (passwords, recovery codes) use Argon2.
    """
    return hashlib.sha256(secret.encode()).hexdigest()
