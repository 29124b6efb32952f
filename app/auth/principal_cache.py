"""Who may call, cached per process and invalidated by PostgreSQL NOTIFY.

Every request must see a deactivation, role change or secret rotation at once. Asking the
database each time costs a round trip per request; instead a trigger announces every change
of `token_version` or `is_active` on channel `crmdq_principal_changed`, and each process
drops the entry it holds. The cache is only trusted while the listening connection is up:
when it drops, the cache empties and every request asks the database until it is back.
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.listener import Listener

CHANNEL = "crmdq_principal_changed"


@dataclass(frozen=True, slots=True)
class PrincipalState:
    active: bool
    version: int
    role: str | None
    scopes: tuple[str, ...]


class PrincipalCache:
    def __init__(self, max_entries: int = 50_000) -> None:
        self._entries: dict[uuid.UUID, PrincipalState] = {}
        self._max_entries = max_entries
        self.generation = 0  # bumped by every notification: guards against storing stale reads
        self.listening = False

    def get(self, subject: uuid.UUID) -> PrincipalState | None:
        return self._entries.get(subject) if self.listening else None

    def put(self, subject: uuid.UUID, state: PrincipalState, read_at_generation: int) -> None:
        """Store a state read from the database, unless a change was announced meanwhile."""
        if not self.listening or read_at_generation != self.generation:
            return
        if len(self._entries) >= self._max_entries:
            self._entries.clear()
        self._entries[subject] = state

    def invalidate(self, subject: str | None = None) -> None:
        self.generation += 1
        if subject is None:
            self._entries.clear()
            return
        with contextlib.suppress(ValueError):
            self._entries.pop(uuid.UUID(subject), None)

    def stop_trusting(self) -> None:
        self.listening = False
        self.invalidate()


def principal_listener(engine: AsyncEngine, cache: PrincipalCache) -> Listener:
    """The cache is trusted only while this listener is up."""

    def up() -> None:
        cache.invalidate()  # anything cached before we listened may be stale
        cache.listening = True

    return Listener(
        engine, CHANNEL, on_notify=cache.invalidate, on_up=up, on_down=cache.stop_trusting
    )
