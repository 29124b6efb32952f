"""The audit hash chain: canonical bytes, links, and verification (pure).

Each event's hash is SHA-256 over the previous event's hash and the event's canonical
serialisation, so changing, removing or reordering any stored event breaks a link that
`verify` reports. The sequence number is not hashed: identity values have gaps (rolled back
transactions consume them) and the order is already fixed by the `prev_hash` links.

What a chain alone cannot show: events cut off the *end*. Anchoring the head hash outside
the database (a log line, a report) closes that gap.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Literal

from app.audit.facts import EventFacts

GENESIS_HASH = "0" * 64
"""The `prev_hash` of the first event."""

# Bump when the serialisation changes; old events keep verifying under their own version.
CANONICAL_VERSION = 1

_HASH = re.compile(r"^[0-9a-f]{64}$")

BreakReason = Literal["prev_hash_mismatch", "hash_mismatch", "seq_not_increasing"]


def canonical(facts: EventFacts) -> bytes:
    """Stable JSON: sorted keys, no whitespace, ASCII only, UTC times to the microsecond."""
    document = {
        "v": CANONICAL_VERSION,
        "id": str(facts.id),
        # PostgreSQL timestamptz keeps microseconds, so this survives a round trip exactly.
        "occurred_at": facts.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_type": facts.actor_type,
        "actor_id": facts.actor_id,
        "action": facts.action,
        "entity_type": facts.entity_type,
        "entity_id": facts.entity_id,
        "fields": list(facts.fields),
        "details": dict(facts.details),
        "request_id": facts.request_id,
        "client_ip": facts.client_ip,
    }
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def link(prev_hash: str, facts: EventFacts) -> str:
    """The hash of an event that follows `prev_hash`: hex SHA-256, lower case."""
    if not isinstance(prev_hash, str) or not _HASH.fullmatch(prev_hash):
        raise ValueError("prev_hash must be 64 lower-case hex digits")
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))  # fixed width: no separator is needed
    digest.update(canonical(facts))
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ChainRow:
    """An event as stored: its facts plus the chain columns."""

    seq: int
    facts: EventFacts
    prev_hash: str
    hash: str

    @property
    def id(self) -> uuid.UUID:
        return self.facts.id


@dataclass(frozen=True, slots=True)
class BrokenLink:
    position: int  # 0-based index in the walk
    seq: int
    id: uuid.UUID
    reason: BreakReason


class ChainVerifier:
    """Walks rows one at a time, so a caller can stream a table of any size through it."""

    def __init__(self, expected_prev: str = GENESIS_HASH) -> None:
        self.expected_prev = expected_prev
        self.checked = 0
        self.last_seq: int | None = None
        self.broken: BrokenLink | None = None

    def feed(self, row: ChainRow) -> BrokenLink | None:
        """The first broken link (sticky once found), or None while the chain holds."""
        if self.broken is not None:
            return self.broken
        reason = self._reason(row)
        self.checked += 1
        if reason is not None:
            self.broken = BrokenLink(self.checked - 1, row.seq, row.id, reason)
            return self.broken
        self.expected_prev = row.hash
        self.last_seq = row.seq
        return None

    def _reason(self, row: ChainRow) -> BreakReason | None:
        if self.last_seq is not None and row.seq <= self.last_seq:
            return "seq_not_increasing"
        # The previous row's *stored* hash: a row removed before this one shows up here.
        if row.prev_hash != self.expected_prev:
            return "prev_hash_mismatch"
        # Recomputed from this row's own facts: a changed fact or hash shows up here.
        if link(row.prev_hash, row.facts) != row.hash:
            return "hash_mismatch"
        return None


def verify(rows: Iterable[ChainRow], expected_prev: str = GENESIS_HASH) -> BrokenLink | None:
    """The first broken link of rows given in seq order, or None if every link holds."""
    verifier = ChainVerifier(expected_prev)
    for row in rows:
        if verifier.feed(row) is not None:
            return verifier.broken
    return None
