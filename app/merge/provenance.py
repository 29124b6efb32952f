"""Per-field provenance: where each field's value came from, and when (pure).

A record keeps, for the fields a merge or a write chose, the record and source system the
value came from and when it was last written or verified; a field nobody chose since the
record was created comes from the record itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from app.merge.fields import EntityFields
from app.merge.survivorship import Choice


def entry(choice: Choice) -> dict[str, Any]:
    return {
        "record_id": str(choice.record_id),
        "source_system": choice.source_system,
        "updated_at": choice.updated_at.isoformat(),
        "rule": choice.rule,
        "verified": choice.verified,
    }


def of_choices(choices: Mapping[str, Choice]) -> dict[str, dict[str, Any]]:
    return {name: entry(choice) for name, choice in choices.items()}


def after_write(
    current: Mapping[str, Any] | None,
    fields: Iterable[str],
    record_id: uuid.UUID,
    source_system: str | None,
    at: datetime,
) -> dict[str, Any]:
    """The provenance once `fields` were written on the record itself."""
    updated = dict(current or {})
    for name in fields:
        updated[name] = {
            "record_id": str(record_id),
            "source_system": source_system,
            "updated_at": at.isoformat(),
            "rule": "written",
            "verified": False,
        }
    return updated


def field_times(provenance: Mapping[str, Any] | None) -> dict[str, datetime]:
    times = {}
    for name, item in (provenance or {}).items():
        try:
            times[name] = datetime.fromisoformat(item["updated_at"])
        except (KeyError, TypeError, ValueError):
            continue  # a damaged entry falls back to the record's own time
    return times


def shown(record: Any, spec: EntityFields) -> dict[str, dict[str, Any]]:
    """Every field with its value and where it came from, for the API."""
    stored = record.provenance or {}
    fields: dict[str, dict[str, Any]] = {}
    for name in spec.all:
        item = stored.get(name) or {
            "record_id": str(record.id),
            "source_system": record.source_system,
            "updated_at": record.created_at.isoformat(),
            "rule": "entered",
            "verified": False,
        }
        fields[name] = {"value": getattr(record, name), **item}
    return fields
