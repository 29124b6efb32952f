"""Named keys that can rotate: JWT signing keys and AES-GCM encryption keys (pure)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.core.settings import Settings

DERIVED_KID = "k0"


@dataclass(frozen=True, slots=True)
class Keyring:
    active_kid: str
    keys: Mapping[str, bytes]

    @property
    def active(self) -> bytes:
        return self.keys[self.active_kid]

    def get(self, kid: str) -> bytes | None:
        return self.keys.get(kid)


def derive(secret: str, purpose: str) -> bytes:
    """A 32-byte key for one purpose, so one root secret never serves two uses."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"crm-dq/{purpose}".encode())
    return hkdf.derive(secret.encode())


def _build(configured: Mapping[str, bytes], active: str | None, fallback: bytes) -> Keyring:
    if not configured:
        return Keyring(DERIVED_KID, {DERIVED_KID: fallback})
    kid = active or sorted(configured)[-1]
    if kid not in configured:
        raise ValueError(f"active key id {kid!r} is not among the configured keys")
    return Keyring(kid, dict(configured))


def jwt_keyring(settings: Settings) -> Keyring:
    configured = {k: v.get_secret_value().encode() for k, v in settings.jwt_keys.items()}
    if any(len(v) < 32 for v in configured.values()):
        raise ValueError("every CRMDQ_JWT_KEYS secret needs at least 32 characters")
    fallback = derive(settings.secret_key.get_secret_value(), "jwt")
    return _build(configured, settings.jwt_active_kid, fallback)


def encryption_keyring(settings: Settings) -> Keyring:
    configured: dict[str, bytes] = {}
    for kid, value in settings.encryption_keys.items():
        try:
            key = base64.b64decode(value.get_secret_value(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"CRMDQ_ENCRYPTION_KEYS[{kid}] is not base64") from exc
        if len(key) != 32:
            raise ValueError(f"CRMDQ_ENCRYPTION_KEYS[{kid}] must decode to 32 bytes")
        configured[kid] = key
    fallback = derive(settings.secret_key.get_secret_value(), "encryption")
    return _build(configured, settings.encryption_active_kid, fallback)
