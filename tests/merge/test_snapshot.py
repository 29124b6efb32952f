"""Records dumped to JSON and typed back for undo (pure)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from app.merge import snapshot
from app.records.models import Contact


def test_a_record_round_trips_through_json() -> None:
    contact = Contact(
        id=uuid.uuid4(),
        status="active",
        merged_into_id=None,
        version=3,
        first_name="Zoë",
        last_name="Ŀéon\u200b",
        additional_emails=["a@x.fr", "b@y.fr"],
        company_id=uuid.uuid4(),
        collected_at=datetime(2024, 5, 1, 12, 30, tzinfo=UTC),
        quality_issues=["phone.unknown_range"],
        provenance={"email": {"record_id": str(uuid.uuid4())}},
        created_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    table = Contact.__table__
    dumped = json.loads(json.dumps(snapshot.dump(table, contact)))
    restored = snapshot.restorable(table, dumped)
    for name, value in restored.items():
        assert value == getattr(contact, name), name
    assert "id" not in restored and "version" not in restored
    assert snapshot.typed_row(table, dumped)["id"] == contact.id
