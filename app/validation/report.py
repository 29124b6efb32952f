"""A record's validation report, and the builder the record validators share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from app.core.i18n import Lang
from app.validation.findings import Finding, Severity, error, info
from app.validation.policy import RequiredGroups

Entity = Literal["contact", "company"]
_MAX_UNKNOWN_REPORTED = 20


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Findings about one record and its normalised form.

    `normalized` holds the known fields the input had (a refused value is None, an explicit
    null stays None) plus the values derived from others (a SIREN from the SIRET, a legal form
    from the name); fields the input did not mention are left out, so a partial update
    never clears them by accident.
    """

    entity: Entity
    normalized: Mapping[str, object]
    findings: tuple[Finding, ...]
    warnings_block: bool = False

    @property
    def blocking(self) -> bool:
        """Whether the record must be refused: any error, or any warning when warnings block."""
        blocking = {Severity.ERROR, Severity.WARNING} if self.warnings_block else {Severity.ERROR}
        return any(f.severity in blocking for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    def codes(self, field: str | None = None) -> tuple[str, ...]:
        return tuple(f.code for f in self.findings if field is None or f.field == field)

    def as_dict(self, lang: Lang = "fr") -> dict[str, object]:
        return {
            "entity": self.entity,
            "blocking": self.blocking,
            "normalized": dict(self.normalized),
            "findings": [f.as_dict(lang) for f in self.findings],
        }


class ReportBuilder:
    """Collects per-field results; a field with an error is stored as None."""

    def __init__(self, entity: Entity, fields: Iterable[str], data: Mapping[str, object]) -> None:
        self.entity: Entity = entity
        self.normalized: dict[str, object] = dict.fromkeys(fields)
        self.findings: list[Finding] = []
        self.data = data

    def put(self, field: str, value: object, findings: Iterable[Finding]) -> None:
        findings = tuple(findings)
        self.findings.extend(findings)
        refused = any(f.severity is Severity.ERROR and f.field == field for f in findings)
        self.normalized[field] = None if refused else value

    def add(self, finding: Finding | None) -> None:
        if finding is not None:
            self.findings.append(finding)

    def has_error(self, field: str) -> bool:
        return any(f.field == field and f.severity is Severity.ERROR for f in self.findings)

    def require(self, groups: RequiredGroups) -> None:
        for group in groups:
            if any(self.normalized.get(field) is not None for field in group):
                continue
            if any(self.has_error(field) for field in group):
                continue  # already refused for a better reason
            if len(group) == 1:
                self.findings.append(error(group[0], "field.required"))
            else:
                self.findings.append(
                    error(group[0], "field.one_of_required", fields=", ".join(group))
                )

    def unknown(self) -> None:
        extra = [key for key in self.data if key not in self.normalized]
        for key in extra[:_MAX_UNKNOWN_REPORTED]:
            self.findings.append(info(str(key)[:64], "field.unknown"))

    def build(self, *, warnings_block: bool) -> ValidationReport:
        normalized = {
            field: value
            for field, value in self.normalized.items()
            if value is not None or field in self.data
        }
        return ValidationReport(self.entity, normalized, tuple(self.findings), warnings_block)


def not_a_record(entity: Entity) -> ValidationReport:
    finding = error("_record", "field.wrong_type", expected="object")
    return ValidationReport(entity, {}, (finding,))
