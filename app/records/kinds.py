"""The two record kinds the service holds, described once for the shared use cases."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from app.core.errors import NotFound
from app.records.errors import CompanyNotFound, ContactNotFound
from app.records.models import Company, Contact
from app.records.prepare import Prepared, prepare_company, prepare_contact
from app.validation.company import COMPANY_FIELDS
from app.validation.contact import CONTACT_FIELDS
from app.validation.policy import ValidationPolicy

Entity = Literal["contact", "company"]
# Fields a caller may set besides the validated ones.
_CONTACT_EXTRA = ("additional_emails", "additional_phones", "owner_id")
_COMPANY_EXTRA = ("size", "owner_id", "last_interaction_at")


@dataclass(frozen=True)
class Kind:
    entity: Entity
    model: type[Contact] | type[Company]
    prepare: Callable[..., Prepared]
    validated_fields: tuple[str, ...]
    extra_fields: tuple[str, ...]
    not_found: type[NotFound]

    @property
    def writable(self) -> tuple[str, ...]:
        return self.validated_fields + self.extra_fields

    def snapshot(self, record: Any) -> dict[str, object]:
        """The stored values the validators see when checking an update."""
        return {f: getattr(record, f) for f in self.validated_fields}

    def run_prepare(
        self, changes: Mapping[str, object], policy: ValidationPolicy, current: Any | None
    ) -> Prepared:
        snapshot = self.snapshot(current) if current is not None else None
        return self.prepare(changes, policy, current=snapshot)


CONTACTS = Kind(
    "contact", Contact, prepare_contact, CONTACT_FIELDS, _CONTACT_EXTRA, ContactNotFound
)
COMPANIES = Kind(
    "company", Company, prepare_company, COMPANY_FIELDS, _COMPANY_EXTRA, CompanyNotFound
)
