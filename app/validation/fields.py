"""Turning an untrusted JSON value into clean text, or into a finding — never an exception."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, datetime

from app.validation.findings import FieldResult, Finding, error, warning
from app.validation.text import clean, text_findings

# Generous for real data, small enough that no validator ever works on a megabyte.
MAX_LENGTHS: dict[str, int] = {
    "email": 320,
    "phone": 50,
    "civility": 40,
    "first_name": 200,
    "last_name": 200,
    "job_title": 200,
    "name": 200,
    "legal_form": 100,
    "siren": 30,
    "siret": 40,
    "vat_number": 40,
    "website": 2048,
    "street": 300,
    "postcode": 20,
    "city": 120,
    "country": 80,
    # free text stored as typed: no longer than its column
    "sector": 120,
    "lifecycle_stage": 32,
    "collection_method": 32,
}
DEFAULT_MAX_LENGTH = 200


def text_input(
    field: str, raw: object, *, nfkc: bool = True, max_length: int | None = None
) -> tuple[str | None, list[Finding]]:
    """Clean text for `field`, or None with the findings explaining why there is none.

    None, "" and whitespace-only values are "absent" and give no finding: whether the field is
    mandatory is the policy's business. Anything that is not a string (numbers, lists, booleans,
    objects) is an error: a form or an import sent the wrong shape, guessing would hide it.
    """
    if raw is None:
        return None, []
    if not isinstance(raw, str):
        return None, [error(field, "field.wrong_type", expected="text")]
    limit = max_length or MAX_LENGTHS.get(field, DEFAULT_MAX_LENGTH)
    # the cheap length check comes first so a 100k-character value costs nothing more
    if len(raw) > limit and len(raw.strip()) > limit:
        return None, [error(field, "field.too_long", max=limit)]
    cleaned = clean(raw, nfkc=nfkc)
    findings = text_findings(field, cleaned)
    if cleaned.refused or not cleaned.value:
        return None, findings
    if len(cleaned.value) > limit:  # NFKC can expand a few characters ("ﷺ" is 18 letters)
        return None, [error(field, "field.too_long", max=limit)]
    return cleaned.value, findings


def choice_field(field: str, raw: object, choices: Collection[str]) -> FieldResult:
    value, findings = text_input(field, raw)
    if value is None:
        return FieldResult(None, tuple(findings))
    folded = value.lower().replace(" ", "_").replace("-", "_")
    if folded not in choices:
        allowed = ", ".join(sorted(choices))
        return FieldResult(None, (*findings, error(field, "field.invalid_choice", choices=allowed)))
    return FieldResult(folded, tuple(findings))


def uuid_field(field: str, raw: object) -> FieldResult:
    if isinstance(raw, uuid.UUID):
        return FieldResult(str(raw))
    value, findings = text_input(field, raw, max_length=64)
    if value is None:
        return FieldResult(None, tuple(findings))
    try:
        return FieldResult(str(uuid.UUID(value)), tuple(findings))
    except ValueError:
        return FieldResult(None, (*findings, error(field, "field.invalid_uuid")))


def datetime_field(field: str, raw: object, *, now: datetime | None = None) -> FieldResult:
    """ISO 8601 with a time zone, normalised to UTC; a date in the future is suspicious."""
    if isinstance(raw, datetime):
        moment: datetime | None = raw
        findings: list[Finding] = []
    else:
        value, findings = text_input(field, raw, max_length=64)
        if value is None:
            return FieldResult(None, tuple(findings))
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
    if moment is None:
        return FieldResult(None, (*findings, error(field, "field.invalid_datetime")))
    if moment.tzinfo is None:
        return FieldResult(None, (*findings, error(field, "field.naive_datetime")))
    normalized = moment.astimezone(UTC).isoformat()
    if moment > (now or datetime.now(UTC)):
        findings.append(warning(field, "field.future_datetime", normalized))
    return FieldResult(normalized, tuple(findings))
