"""What a validator says about one field: a stable code, a severity, the normalised value."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.core.i18n import Lang
from app.validation.catalogue import render


class Severity(StrEnum):
    ERROR = "error"  # the value cannot be stored as it is
    WARNING = "warning"  # storable, but probably wrong; blocks only when the policy says so
    INFO = "info"  # worth knowing (free-mail address, phone type), never blocks


@dataclass(frozen=True, slots=True)
class Finding:
    """One observation about one field.

    `normalized` is the field's normalised value when there is one (None for errors),
    `suggestion` a corrected value the user may accept ("jean@gmail.com" for "jean@gmial.com"),
    `params` the extra values the message templates use (a maximum length, a phone type...).
    Messages are rendered on demand so a report can be shown in French or English.
    """

    field: str
    code: str
    severity: Severity
    normalized: str | None = None
    suggestion: str | None = None
    params: tuple[tuple[str, str], ...] = ()

    def message(self, lang: Lang = "fr") -> str:
        values = dict(self.params)
        values.setdefault("field", self.field)
        if self.suggestion is not None:
            values.setdefault("suggestion", self.suggestion)
        return render(self.code, lang, values)

    def as_dict(self, lang: Lang = "fr") -> dict[str, object]:
        return {
            "field": self.field,
            "code": self.code,
            "severity": self.severity.value,
            "normalized": self.normalized,
            "suggestion": self.suggestion,
            "message": self.message(lang),
        }


@dataclass(frozen=True, slots=True)
class FieldResult:
    """A field validator's answer: the normalised value (None when absent or invalid)."""

    value: str | None
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)


def error(field: str, code: str, *, suggestion: str | None = None, **params: object) -> Finding:
    return Finding(field, code, Severity.ERROR, None, suggestion, _params(params))


def warning(
    field: str,
    code: str,
    normalized: str | None = None,
    *,
    suggestion: str | None = None,
    **params: object,
) -> Finding:
    return Finding(field, code, Severity.WARNING, normalized, suggestion, _params(params))


def info(field: str, code: str, normalized: str | None = None, **params: object) -> Finding:
    return Finding(field, code, Severity.INFO, normalized, None, _params(params))


def _params(params: dict[str, object]) -> tuple[tuple[str, str], ...]:
    return tuple((k, str(v)) for k, v in params.items())
