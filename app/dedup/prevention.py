"""Duplicate rules at entry, like a CRM's: per entity and channel, block / warn / queue / allow."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict
from app.dedup import service as dedup
from app.dedup.engine import Verdict
from app.dedup.pairs_repository import PairRepository, pair_row
from app.dedup.reason_texts import localised
from app.dedup.schemas import match_read
from app.quality import record_service as record_quality
from app.webhooks import outbox

Action = Literal["block", "warn", "queue", "allow"]
Channel = Literal["form", "crm", "script", "manual"]
CHANNELS: tuple[Channel, ...] = ("form", "crm", "script", "manual")
# A web form blocks and suggests; the CRM's webhooks queue for review; scripts and people
# typing in the API are warned.
DEFAULT_ACTIONS: Mapping[Channel, Action] = {
    "form": "block",
    "crm": "queue",
    "script": "warn",
    "manual": "warn",
}
_WORTH_A_LOOK = (Verdict.DUPLICATE, Verdict.POSSIBLE)
_MATCHES = 5


class DuplicateBlocked(Conflict):
    code = "duplicates.blocked"
    title = {
        "en": "This record duplicates a stored one; confirm with allow_duplicates=true",
        "fr": "Cette fiche double une fiche existante ; confirmez avec allow_duplicates=true",
    }

    def context_in(self, lang: str) -> Mapping[str, Any]:
        matches = [
            {**m, "reasons": localised(m["reasons"], lang)} for m in self.context.get("matches", ())
        ]
        return {**self.context, "matches": matches}


@dataclass(frozen=True, slots=True)
class EntryRules:
    """`actions[entity][channel]`; entities or channels not listed use the defaults."""

    actions: Mapping[str, Mapping[str, Action]] = field(default_factory=dict)

    def action(self, entity: str, channel: Channel) -> Action:
        return self.actions.get(entity, {}).get(channel, DEFAULT_ACTIONS[channel])


@dataclass(frozen=True, slots=True)
class EntryCheck:
    action: Action
    matches: list[tuple[uuid.UUID, Any]]


async def check(
    session: AsyncSession,
    rules: EntryRules,
    entity: str,
    fields: Mapping[str, object],
    channel: Channel,
    *,
    confirmed: bool,
) -> EntryCheck:
    """Before a create: raise DuplicateBlocked when the rule blocks and a `duplicate` is
    found (unless the caller confirmed); otherwise say what to do with the matches."""
    action = rules.action(entity, channel)
    if action == "allow":
        return EntryCheck(action, [])
    found = await dedup.lookup(session, entity, fields, limit=_MATCHES)
    matches = [(rid, r) for rid, r in found.matches if r.verdict in _WORTH_A_LOOK]
    blocking = [m for m in matches if m[1].verdict is Verdict.DUPLICATE]
    if action == "block" and blocking and not confirmed:
        raise DuplicateBlocked(
            matches=[match_read(rid, r).model_dump(mode="json") for rid, r in blocking]
        )
    return EntryCheck(action, matches)


async def after_create(
    session: AsyncSession, entity: str, record_id: uuid.UUID, entry: EntryCheck
) -> None:
    """`queue`: the new record's pairs go to the review queue at once."""
    if entry.action != "queue" or not entry.matches:
        return
    rows = [pair_row(entity, record_id, other, result, None) for other, result in entry.matches]
    await PairRepository(session).upsert(rows)
    await record_quality.rescore(session, entity, [record_id, *(o for o, _ in entry.matches)])
    await outbox.enqueue(
        session,
        "duplicate.detected",
        {
            "entity": entity,
            "id": str(record_id),
            "matches": [
                {"id": str(other), "probability": round(result.probability, 4),
                 "verdict": result.verdict.value}
                for other, result in entry.matches
            ],
        },
        entity=entity,
        record_id=record_id,
    )  # fmt: skip
