"""Password hashing (Argon2id via pwdlib) and the NIST SP 800-63B policy (pure)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MIN_LENGTH = 12
MAX_LENGTH = 256  # long passphrases welcome; the cap only bounds hashing cost

_hasher = PasswordHash((Argon2Hasher(),))
# Recovery codes carry ~49 random bits: OWASP's minimum Argon2id settings suffice, and
# ten of them are hashed per enrolment.
_code_hasher = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19_456, parallelism=1),))
# Verified against when the account does not exist, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("crm-dq dummy password for constant-time failures")


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = resources.files("app.auth").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def normalise(password: str) -> str:
    # NIST: Unicode passwords are normalised (NFKC) before hashing, so the same
    # passphrase typed on two keyboards verifies.
    return unicodedata.normalize("NFKC", password)


def policy_violations(password: str, *, context: tuple[str, ...] = ()) -> list[str]:
    """Codes of the rules the password breaks; empty when acceptable. No composition rules."""
    password = normalise(password)
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append("password.too_short")
    if len(password) > MAX_LENGTH:
        problems.append("password.too_long")
    lowered = password.lower()
    stripped = lowered.rstrip("0123456789!@#$%^&*?.,;:-_+= ")
    common = common_passwords()
    if (
        lowered in common
        or (len(stripped) >= 4 and stripped in common)
        or (lowered and len(set(lowered)) <= 2)
    ):
        problems.append("password.too_common")
    for word in context:
        word = word.lower()
        if len(word) >= 4 and word in lowered:
            problems.append("password.contains_context")
            break
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(normalise(password))


def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """(valid, new hash if the stored one uses outdated parameters)."""
    if password_hash is None:
        _hasher.verify(normalise(password), _DUMMY_HASH)
        return False, None
    return _hasher.verify_and_update(normalise(password), password_hash)


def hash_recovery_code(code: str) -> str:
    return _code_hasher.hash(code)


def verify_recovery_code(code: str, code_hash: str) -> bool:
    return _code_hasher.verify(code, code_hash)
