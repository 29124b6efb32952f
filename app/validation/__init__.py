"""Pure validators and normalisers for contacts and companies: no I/O, no settings.

Record level: `validate_contact` / `validate_company` → `ValidationReport`, ruled by a
`ValidationPolicy`. Field level: one module per kind of value (email, phone, french_ids,
names, company_names, legal_forms, address, country, web), each returning the normalised value
and `Finding`s whose codes and fr/en messages live in `catalogue`.
"""

from app.validation.company import COMPANY_FIELDS, validate_company
from app.validation.contact import CONTACT_FIELDS, validate_contact
from app.validation.findings import FieldResult, Finding, Severity
from app.validation.policy import DEFAULT_POLICY, ValidationPolicy
from app.validation.report import ValidationReport

__all__ = [
    "COMPANY_FIELDS",
    "CONTACT_FIELDS",
    "DEFAULT_POLICY",
    "FieldResult",
    "Finding",
    "Severity",
    "ValidationPolicy",
    "ValidationReport",
    "validate_company",
    "validate_contact",
]
