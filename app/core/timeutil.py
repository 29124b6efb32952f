"""Timezone-aware UTC time, the only kind the service handles."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
