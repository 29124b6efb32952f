"""TOTP (RFC 6238) with replay protection, and recovery codes (pure)."""

from __future__ import annotations

import base64
import hmac
import io
import secrets
import time

import pyotp
import segno

STEP_SECONDS = 30
WINDOW = 1  # ±1 step tolerates clock drift of up to 30 s either way
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i look-alikes


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg_data_uri(uri: str) -> str:
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time step the code belongs to (within the window), or None.

    The caller accepts it only if it is later than the last accepted step: a code is
    therefore usable once, even within its 30-second life.
    """
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    def one() -> str:
        chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        return f"{chars[:5]}-{chars[5:]}"

    return [one() for _ in range(RECOVERY_CODE_COUNT)]


def normalise_recovery_code(code: str) -> str:
    return code.strip().lower().replace(" ", "").replace("-", "")


def looks_like_recovery_code(code: str) -> bool:
    plain = normalise_recovery_code(code)
    return len(plain) == 10 and all(c in _RECOVERY_ALPHABET for c in plain)
