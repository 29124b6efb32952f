"""From a request's fields to the column values to store: validate, normalise, derive (pure)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.core.errors import DomainError
from app.records.job_function import job_function
from app.validation.company import COMPANY_FIELDS, validate_company
from app.validation.contact import CONTACT_FIELDS, validate_contact
from app.validation.email import validate_email
from app.validation.findings import Finding, Severity, error
from app.validation.phone import validate_phone
from app.validation.policy import ValidationPolicy
from app.validation.report import ValidationReport
from app.validation.web import domain_of

_REQUIREMENT_CODES = frozenset({"field.required", "field.one_of_required"})
_UUID_FIELDS = frozenset({"company_id"})
_TIME_FIELDS = frozenset({"collected_at", "last_interaction_at"})


class RecordInvalid(DomainError):
    status, code = 422, "record.invalid"
    title = {
        "en": "The record has invalid fields",
        "fr": "La fiche contient des champs invalides",
    }

    def __init__(self, findings: Iterable[Finding]) -> None:
        super().__init__()
        self.findings = tuple(findings)

    def field_errors(self, lang: str) -> list[dict[str, Any]]:
        return [
            {
                "field": f.field,
                "code": f.code,
                "severity": f.severity.value,
                "suggestion": f.suggestion,
                "message": f.message("en" if lang == "en" else "fr"),
            }
            for f in self.findings
        ]


@dataclass(frozen=True, slots=True)
class Prepared:
    values: dict[str, object]
    findings: tuple[Finding, ...]
    # ERROR findings about stored values an update left alone (legacy data): not refused,
    # but what the quality score (app.quality) must see besides `findings`.
    kept_errors: tuple[Finding, ...] = ()

    @property
    def quality_issues(self) -> list[str]:
        return sorted({f.code for f in self.findings if f.severity is Severity.WARNING})


def _blocks(finding: Finding, policy: ValidationPolicy) -> bool:
    if finding.severity is Severity.ERROR:
        return True
    return policy.warnings_block and finding.severity is Severity.WARNING


def _refused(
    report: ValidationReport, policy: ValidationPolicy, changed: Mapping[str, object] | None
) -> list[Finding]:
    """Blocking findings; on an update only those about what changes, so legacy values
    stored before a rule existed do not block an unrelated edit."""
    return [
        f
        for f in report.findings
        if _blocks(f, policy)
        and (changed is None or f.field in changed or f.code in _REQUIREMENT_CODES)
    ]


def _typed(field: str, value: object) -> object:
    if value is None:
        return None
    if field in _UUID_FIELDS:
        return uuid.UUID(str(value))
    if field in _TIME_FIELDS:
        return datetime.fromisoformat(str(value))
    return value


def _validation_input(values: Mapping[str, object]) -> dict[str, object]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()}


def prepare_contact(
    changes: Mapping[str, object],
    policy: ValidationPolicy,
    *,
    current: Mapping[str, object] | None = None,
) -> Prepared:
    """`changes` are the fields sent; `current` the stored values (None on create)."""
    validated = {k: v for k, v in changes.items() if k in CONTACT_FIELDS}
    merged = {**(current or {}), **validated}
    report = validate_contact(_validation_input(merged), policy)
    refused = _refused(report, policy, None if current is None else changes)

    values: dict[str, object] = {}
    findings = list(report.findings)
    for field in validated if current is not None else CONTACT_FIELDS:
        if field in report.normalized:
            values[field] = _typed(field, report.normalized[field])
    if "additional_emails" in changes:
        values["additional_emails"], extra = _more(changes["additional_emails"], "email", policy)
        findings += extra
        refused += [f for f in extra if _blocks(f, policy)]
    if "additional_phones" in changes:
        values["additional_phones"], extra = _more(changes["additional_phones"], "phone", policy)
        findings += extra
        refused += [f for f in extra if _blocks(f, policy)]
    if refused:
        raise RecordInvalid(refused)

    if "email" in values:
        email = values["email"]
        values["email_domain"] = str(email).rsplit("@", 1)[1] if email else None
    if "job_title" in values:
        values["job_function"] = job_function(values["job_title"])  # type: ignore[arg-type]
    # The column is NOT NULL: clearing the status (null on an update) means "unknown" again.
    if values.get("email_status") is None and (current is None or "email_status" in values):
        values["email_status"] = "unknown"
    return _prepared(values, findings)


def _prepared(values: dict[str, object], findings: list[Finding]) -> Prepared:
    errors = tuple(f for f in findings if f.severity is Severity.ERROR)
    return Prepared(values, tuple(f for f in findings if f.severity is not Severity.ERROR), errors)


def _more(raw: object, kind: str, policy: ValidationPolicy) -> tuple[list[str], list[Finding]]:
    """Secondary emails or phones: each validated like the main one, duplicates dropped."""
    field = f"additional_{kind}s"
    kept: list[str] = []
    findings: list[Finding] = []
    if raw is not None and not isinstance(raw, list | tuple):  # a stored value, not the API's
        return kept, [error(field, "field.wrong_type", expected="list")]
    for item in raw or []:
        if kind == "email":
            check = validate_email(item, field=field, b2b=policy.b2b)
        else:
            check = validate_phone(item, field=field, default_region=policy.default_country)
        findings += check.findings
        if check.value and check.value not in kept:
            kept.append(check.value)
    return kept, findings


def prepare_company(
    changes: Mapping[str, object],
    policy: ValidationPolicy,
    *,
    current: Mapping[str, object] | None = None,
) -> Prepared:
    validated = {k: v for k, v in changes.items() if k in COMPANY_FIELDS}
    merged = {**(current or {}), **validated}
    report = validate_company(_validation_input(merged), policy)
    refused = _refused(report, policy, None if current is None else changes)
    if refused:
        raise RecordInvalid(refused)
    fields = COMPANY_FIELDS if current is None else tuple(report.normalized)
    values: dict[str, object] = {
        f: report.normalized[f]
        for f in fields
        if f in report.normalized and (current is None or f in changes or _derived(f, changes))
    }
    if "website" in values:
        values["domain"] = domain_of(str(values["website"])) if values["website"] else None
    return _prepared(values, list(report.findings))


def _derived(field: str, changes: Mapping[str, object]) -> bool:
    """A SIREN derived from a new SIRET, or a legal form split from a new name, changes too."""
    return (field == "siren" and "siret" in changes) or (
        field == "legal_form" and "name" in changes
    )
