"""Validating a whole company record: every field, the cross-checks, the requirements."""

from __future__ import annotations

from collections.abc import Mapping

from app.validation.address import city_postcode_finding, validate_city, validate_postcode
from app.validation.company_names import validate_company_name
from app.validation.country import validate_country
from app.validation.fields import text_input
from app.validation.findings import error, info, warning
from app.validation.french_ids import siren_of_siret, validate_siren, validate_siret, validate_vat
from app.validation.legal_forms import canonical_legal_form
from app.validation.phone import validate_phone
from app.validation.policy import DEFAULT_POLICY, ValidationPolicy
from app.validation.report import ReportBuilder, ValidationReport, not_a_record
from app.validation.web import validate_website

COMPANY_FIELDS: tuple[str, ...] = (
    "name",
    "legal_form",
    "siren",
    "siret",
    "vat_number",
    "website",
    "phone",
    "street",
    "postcode",
    "city",
    "country",
    "sector",
)

STORED_LEGAL_FORM_LENGTH = 32  # the column's length


def _legal_form(report: ReportBuilder, raw: object, from_name: str | None) -> None:
    text, findings = text_input("legal_form", raw)
    if text is None:
        report.put("legal_form", from_name if not findings else None, findings)
        return
    canonical = canonical_legal_form(text)
    if canonical is None and len(text) > STORED_LEGAL_FORM_LENGTH:
        # long spelled-out forms are fine when known; an unknown one is stored as typed
        report.put(
            "legal_form",
            None,
            [error("legal_form", "field.too_long", max=STORED_LEGAL_FORM_LENGTH)],
        )
        return
    if canonical is None:
        findings.append(warning("legal_form", "legal_form.unknown", text))
        report.put("legal_form", text, findings)
        return
    if from_name is not None and from_name != canonical:
        findings.append(
            warning("legal_form", "legal_form.mismatch", canonical, legal_form=from_name)
        )
    report.put("legal_form", canonical, findings)


def _identifiers(report: ReportBuilder, get: Mapping[str, object]) -> None:
    siren = validate_siren(get.get("siren"))
    report.put("siren", siren.value, siren.findings)
    siret = validate_siret(get.get("siret"), siren=siren.value)
    report.put("siret", siret.value, siret.findings)
    known_siren = siren.value
    if known_siren is None and siret.value is not None and not report.has_error("siren"):
        known_siren = siren_of_siret(siret.value)
        report.put("siren", known_siren, (info("siren", "siren.derived_from_siret", known_siren),))
    vat = validate_vat(get.get("vat_number"), siren=known_siren)
    report.put("vat_number", vat.value, vat.findings)


def validate_company(
    data: Mapping[str, object], policy: ValidationPolicy = DEFAULT_POLICY
) -> ValidationReport:
    """Validate and normalise a company; never raises, whatever `data` holds."""
    if not isinstance(data, Mapping):
        return not_a_record("company")
    report = ReportBuilder("company", COMPANY_FIELDS, data)
    get = data.get

    country = validate_country(get("country"))
    report.put("country", country.value, country.findings)
    effective_country = country.value or policy.default_country

    name = validate_company_name(get("name"))
    report.put("name", name.value, name.findings)
    _legal_form(report, get("legal_form"), name.legal_form)
    _identifiers(report, data)

    website = validate_website(get("website"))
    report.put("website", website.value, website.findings)
    phone = validate_phone(
        get("phone"), country=country.value, default_region=policy.default_country
    )
    report.put("phone", phone.value, phone.findings)

    for field in ("street", "sector"):
        value, findings = text_input(field, get(field))
        report.put(field, value, findings)
    postcode = validate_postcode(get("postcode"), country=effective_country)
    report.put("postcode", postcode.value, postcode.findings)
    city = validate_city(get("city"))
    report.put("city", city.value, city.findings)
    report.add(city_postcode_finding(city.value, postcode.value, effective_country))

    report.require(policy.company_required)
    if effective_country == "FR":
        report.require(policy.french_company_required)
    if policy.report_unknown_fields:
        report.unknown()
    return report.build(warnings_block=policy.warnings_block)
