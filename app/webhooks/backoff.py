"""When a failed delivery is tried again: exponential back-off with full jitter (pure).

Attempt n (1-based) that failed waits a random time in [0, min(cap, base · 2^(n-1))]: the
randomness spreads the retries of many deliveries that failed together (a receiver that was
down) so they do not all come back at the same instant. With the defaults (one minute, eight
hours) the 14 waits between 15 attempts add up to about 24 hours on average (at most 48),
so a receiver that is down for most of a day still gets every event.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class Backoff:
    base: timedelta = timedelta(minutes=1)
    cap: timedelta = timedelta(hours=8)

    def __post_init__(self) -> None:
        if self.base <= timedelta(0) or self.cap < self.base:
            raise ValueError("the back-off base must be positive and at most the cap")

    def ceiling(self, attempt: int) -> timedelta:
        """The longest wait after failed attempt `attempt` (1-based)."""
        if attempt < 1:
            raise ValueError("attempts are counted from 1")
        # Capped exponent: 2**attempt overflows timedelta long before 50 attempts.
        exponent = min(attempt - 1, 40)
        return min(self.cap, self.base * (2**exponent))

    def delay(
        self, attempt: int, rng: random.Random, retry_after: timedelta | None = None
    ) -> timedelta:
        """The wait before the next attempt; a receiver's Retry-After is honoured up to the cap."""
        wait = self.ceiling(attempt) * rng.random()
        if retry_after is not None and retry_after > wait:
            wait = min(retry_after, self.cap)
        return wait

    def expected_total(self, max_attempts: int) -> timedelta:
        """Mean time from the first attempt to the last (full jitter halves each ceiling)."""
        return sum((self.ceiling(n) for n in range(1, max_attempts)), timedelta()) / 2


def parse_retry_after(value: str | None) -> timedelta | None:
    """`Retry-After` in seconds (the HTTP-date form is rare from webhook receivers: ignored)."""
    # ASCII digits only: str.isdigit() would accept "١٢" (Arabic-Indic) and int() parse it.
    if value is None or not _SECONDS.fullmatch(value.strip()):
        return None
    return timedelta(seconds=min(int(value.strip()), 86_400))


_SECONDS = re.compile(r"[0-9]{1,10}")
