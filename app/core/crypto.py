"""Secrets at rest: AES-GCM under a key id, so keys can rotate (pure)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.core.keyring import Keyring

_NONCE_BYTES = 12


class DecryptionFailed(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Sealed:
    kid: str
    blob: str  # base64(nonce || ciphertext || tag)


def seal(keyring: Keyring, plaintext: bytes, *, context: bytes) -> Sealed:
    """Encrypt under the active key; `context` (e.g. the row id) is bound as associated data."""
    nonce = os.urandom(_NONCE_BYTES)
    ciphertext = AESGCM(keyring.active).encrypt(nonce, plaintext, context)
    return Sealed(keyring.active_kid, base64.b64encode(nonce + ciphertext).decode())


def unseal(keyring: Keyring, sealed: Sealed, *, context: bytes) -> bytes:
    key = keyring.get(sealed.kid)
    if key is None:
        raise DecryptionFailed(f"unknown key id {sealed.kid!r}")
    raw = base64.b64decode(sealed.blob)
    try:
        return AESGCM(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context)
    except InvalidTag as exc:
        raise DecryptionFailed("ciphertext or context was altered") from exc


def keyed_hash(key: bytes, value: str) -> str:
    """HMAC-SHA256 hex: for high-entropy secrets we must recognise but never store."""
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
