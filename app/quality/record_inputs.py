"""What scoring a stored record reads and writes: its values, findings, quality columns."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from app.quality.score import QualityScore
from app.quality.score_config import scoreable_fields
from app.validation.company import COMPANY_FIELDS, validate_company
from app.validation.contact import CONTACT_FIELDS, validate_contact
from app.validation.email import validate_email
from app.validation.findings import Finding
from app.validation.phone import validate_phone
from app.validation.policy import ValidationPolicy


def stored_findings(
    entity: str, values: Mapping[str, object], policy: ValidationPolicy, now: datetime
) -> list[Finding]:
    """What the validators say about stored values (as a write would have said)."""
    fields = COMPANY_FIELDS if entity == "company" else CONTACT_FIELDS
    data = {k: _as_input(values.get(k)) for k in fields}
    if entity == "company":
        return list(validate_company(data, policy).findings)
    found = list(validate_contact(data, policy, now=now).findings)
    return found + list_findings(values, policy, skip=())


def list_findings(record: Any, policy: ValidationPolicy, *, skip: Collection[str]) -> list[Finding]:
    get = record.get if isinstance(record, Mapping) else lambda n: getattr(record, n, None)
    found: list[Finding] = []
    if "additional_emails" not in skip:
        for email in get("additional_emails") or ():
            found += validate_email(email, field="additional_emails", b2b=policy.b2b).findings
    if "additional_phones" not in skip:
        for phone in get("additional_phones") or ():
            found += validate_phone(
                phone, field="additional_phones", default_region=policy.default_country
            ).findings
    return found


def values_of(entity: str, record: Any) -> dict[str, object]:
    return {name: getattr(record, name, None) for name in scoreable_fields(entity)}  # type: ignore[arg-type]


def _as_input(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def columns(result: QualityScore, now: datetime) -> dict[str, Any]:
    return {
        "quality_score": result.score,
        "quality_dimensions": dict(result.dimensions),
        "quality_reasons": [r.as_json() for r in result.reasons],
        "quality_flags": list(result.flags),
        "quality_scored_at": now,
    }


def cleared(now: datetime) -> dict[str, Any]:
    return {
        "quality_score": None,
        "quality_dimensions": {},
        "quality_reasons": [],
        "quality_flags": [],
        "quality_scored_at": now,
    }
