"""What a record must contain and which findings refuse it — data, passed in, never global."""

from __future__ import annotations

from dataclasses import dataclass

from app.validation.findings import Severity

# Each group is satisfied when at least one of its fields has a valid value.
RequiredGroups = tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class ValidationPolicy:
    """Rules for one caller (web form, CRM write, cleaning job); change with `dataclasses.replace`.

    Defaults: a contact needs a last name and a way to reach them (email or phone); a company
    needs a name, and a French one (country FR, or no country with `default_country` FR) a
    SIREN or a SIRET. Warnings only block when `warnings_block` is set.
    """

    contact_required: RequiredGroups = (("last_name",), ("email", "phone"))
    company_required: RequiredGroups = (("name",),)
    french_company_required: RequiredGroups = (("siren", "siret"),)
    warnings_block: bool = False
    default_country: str = "FR"  # phone default region and postcode rules when no country
    b2b: bool = True  # free-mail addresses get an info finding
    civility_expected: bool = True  # a missing civility is a warning
    disposable_email: Severity = Severity.ERROR
    check_email_deliverability: bool = False  # DNS lookups: I/O, never on the form path
    report_unknown_fields: bool = True


DEFAULT_POLICY = ValidationPolicy()
