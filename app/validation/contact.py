"""Validating a whole contact record: every field, then the policy's requirements."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from app.validation.country import validate_country
from app.validation.email import validate_email
from app.validation.fields import choice_field, datetime_field, text_input, uuid_field
from app.validation.names import validate_civility, validate_first_name, validate_last_name
from app.validation.phone import validate_phone
from app.validation.policy import DEFAULT_POLICY, ValidationPolicy
from app.validation.report import ReportBuilder, ValidationReport, not_a_record

CONTACT_FIELDS: tuple[str, ...] = (
    "civility",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "company_id",
    "country",
    "lifecycle_stage",
    "subscription_status",
    "email_status",
    "lawful_basis",
    "collection_method",
    "collected_at",
    "last_interaction_at",
)

SUBSCRIPTION_STATUSES = frozenset({"subscribed", "unsubscribed"})
EMAIL_STATUSES = frozenset({"unknown", "valid", "bounced", "spamtrap"})
# GDPR article 6(1) lawful bases
LAWFUL_BASES = frozenset(
    {
        "consent",
        "contract",
        "legal_obligation",
        "vital_interests",
        "public_task",
        "legitimate_interests",
    }
)


def validate_contact(
    data: Mapping[str, object],
    policy: ValidationPolicy = DEFAULT_POLICY,
    *,
    now: datetime | None = None,
) -> ValidationReport:
    """Validate and normalise a contact; never raises, whatever `data` holds.

    Only the fields present in `data` are validated (absent = None), so the same function
    serves a full create and, with a policy that requires nothing, a partial update.
    `now` is the reference for "date in the future" checks (defaults to the clock).
    """
    if not isinstance(data, Mapping):
        return not_a_record("contact")
    report = ReportBuilder("contact", CONTACT_FIELDS, data)
    get = data.get

    country = validate_country(get("country"))
    report.put("country", country.value, country.findings)

    civility = validate_civility(get("civility"), required=policy.civility_expected)
    report.put("civility", civility.value, civility.findings)
    for field, validator in (
        ("first_name", validate_first_name),
        ("last_name", validate_last_name),
    ):
        result = validator(get(field))
        report.put(field, result.value, result.findings)

    email = validate_email(
        get("email"),
        b2b=policy.b2b,
        disposable_severity=policy.disposable_email,
        check_deliverability=policy.check_email_deliverability,
    )
    report.put("email", email.value, email.findings)
    phone = validate_phone(
        get("phone"), country=country.value, default_region=policy.default_country
    )
    report.put("phone", phone.value, phone.findings)

    for field in ("job_title", "lifecycle_stage", "collection_method"):
        value, findings = text_input(field, get(field))
        report.put(field, value, findings)
    company = uuid_field("company_id", get("company_id"))
    report.put("company_id", company.value, company.findings)
    for field, choices in (
        ("subscription_status", SUBSCRIPTION_STATUSES),
        ("email_status", EMAIL_STATUSES),
        ("lawful_basis", LAWFUL_BASES),
    ):
        result = choice_field(field, get(field), choices)
        report.put(field, result.value, result.findings)
    for field in ("collected_at", "last_interaction_at"):
        result = datetime_field(field, get(field), now=now)
        report.put(field, result.value, result.findings)

    report.require(policy.contact_required)
    if policy.report_unknown_fields:
        report.unknown()
    return report.build(warnings_block=policy.warnings_block)
