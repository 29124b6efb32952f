"""`whsec_…` secrets, as Standard Webhooks senders and receivers exchange them (pure)."""

from __future__ import annotations

import base64
import binascii
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 (a format marker, not a secret)
SECRET_BYTES = 32


def new_secret() -> str:
    """Base64 of 32 random bytes behind the prefix."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def is_secret(value: str) -> bool:
    """A prefix and at least 16 bytes of base64 behind it (what the settings accept)."""
    if not value.startswith(SECRET_PREFIX):
        return False
    try:
        return len(base64.b64decode(value[len(SECRET_PREFIX) :] + "==")) >= 16
    except (binascii.Error, ValueError):
        return False
