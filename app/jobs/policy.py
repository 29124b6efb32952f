"""The job queue's arithmetic and payload rules (pure: no I/O, no clock, no settings).

Retries wait longer each time, with jitter so jobs that failed together (a receiver that
was down) do not retry together; schedules keep their rhythm and skip the periods missed
while no worker ran instead of firing them all at once; params, checkpoints and results are
small JSON objects that must not carry personal data.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

JOB_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")
FINISHED_STATUSES = frozenset({"succeeded", "failed", "cancelled"})

# "dedup.scan", "webhooks.deliver": lower-case dotted segments, like audit actions.
KIND_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
MAX_KIND_LEN = 64
# Progress messages and error codes are codes a client translates, never free text.
CODE_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
MAX_CODE_LEN = 64
MAX_ERROR_MESSAGE_LEN = 200

MAX_PARAMS_BYTES = 8 * 1024
MAX_CHECKPOINT_BYTES = 64 * 1024
MAX_RESULT_BYTES = 64 * 1024
MAX_ATTEMPTS_LIMIT = 100

# Keys that name a person's data in this service: a job payload holding one is refused, so a
# caller cannot park an email address in a table the erasure process never visits.
PERSONAL_KEYS = frozenset(
    {
        "email",
        "emails",
        "phone",
        "phones",
        "first_name",
        "last_name",
        "full_name",
        "civility",
        "job_title",
        "street",
        "address",
        "birth_date",
        "password",
        "secret",
        "iban",
    }
)

_KIND = re.compile(KIND_PATTERN)
_CODE = re.compile(CODE_PATTERN)


class InvalidJobPayload(ValueError):
    """A programming error in the caller; the message names the problem, never a value."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base: timedelta = timedelta(seconds=10)
    cap: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        if self.base <= timedelta(0) or self.cap < self.base:
            raise ValueError("retry base must be positive and cap at least base")


def retry_delay(failed_attempts: int, policy: RetryPolicy, rng: random.Random) -> timedelta:
    """Exponential back-off with "equal jitter": between half and all of base·2^(n-1), capped.

    Half the delay is certain, so a retry never comes back at once; the other half is
    random, so a burst of failures spreads out.
    """
    exponent = min(max(failed_attempts, 1) - 1, 62)
    ceiling = min(policy.cap.total_seconds(), policy.base.total_seconds() * 2.0**exponent)
    return timedelta(seconds=ceiling / 2 + rng.uniform(0, ceiling / 2))


def next_due(previous_due: datetime, every: timedelta, now: datetime) -> datetime:
    """The first instant previous_due + k·every (k ≥ 1) strictly after now."""
    if every <= timedelta(0):
        raise ValueError("a schedule period must be positive")
    if previous_due > now:
        return previous_due + every
    missed = math.floor((now - previous_due) / every)
    return previous_due + every * (missed + 1)


def percentage(done: int, total: int | None) -> float | None:
    if total is None:
        return None
    if total <= 0:
        return 100.0
    return round(min(max(done / total, 0.0), 1.0) * 100, 1)


def check_kind(kind: object) -> str:
    if not isinstance(kind, str) or len(kind) > MAX_KIND_LEN or not _KIND.fullmatch(kind):
        raise InvalidJobPayload("kind must be a dotted lower-case code of at most 64 characters")
    return kind


def check_code(code: object, what: str) -> str:
    if not isinstance(code, str) or len(code) > MAX_CODE_LEN or not _CODE.fullmatch(code):
        raise InvalidJobPayload(f"{what} must be a dotted lower-case code")
    return code


def check_progress(done: object, total: object) -> tuple[int, int | None]:
    if isinstance(done, bool) or not isinstance(done, int) or done < 0:
        raise InvalidJobPayload("progress done must be a non-negative integer")
    if total is not None and (isinstance(total, bool) or not isinstance(total, int) or total < 0):
        raise InvalidJobPayload("progress total must be a non-negative integer or None")
    return done, total


def check_document(value: object, what: str, max_bytes: int) -> dict[str, Any]:
    """A JSON object of bounded size with no key naming personal data; returns a copy."""
    if not isinstance(value, Mapping):
        raise InvalidJobPayload(f"{what} must be a JSON object")
    try:
        encoded = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise InvalidJobPayload(f"{what} must hold JSON values only") from exc
    if len(encoded.encode()) > max_bytes:
        raise InvalidJobPayload(f"{what} is larger than {max_bytes} bytes")
    copy = json.loads(encoded)
    if personal := _personal_key(copy):
        raise InvalidJobPayload(f"{what} has a key naming personal data: {personal}")
    return copy


def error_message(text: str) -> str:
    """Bounded, single-line text for the error column (callers pass class names or codes)."""
    return " ".join(text.split())[:MAX_ERROR_MESSAGE_LEN]


def _personal_key(value: object) -> str | None:
    if isinstance(value, dict):
        for key, inner in value.items():
            if key.strip().lower() in PERSONAL_KEYS:
                return key.strip().lower()
            if found := _personal_key(inner):
                return found
    elif isinstance(value, list):
        for inner in value:
            if found := _personal_key(inner):
                return found
    return None
