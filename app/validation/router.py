"""Stateless checks for web forms and scripts: findings and normalised values, nothing stored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Security

from app.auth.deps import get_validation_caller
from app.auth.errors import TooManyAttempts, auth_problem_responses
from app.auth.form_keys import FormKeyRefused
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.errors import problem_responses
from app.core.problem_handlers import language_of
from app.records.http import Policy
from app.records.schemas import ValidationResult
from app.validation.company import validate_company
from app.validation.contact import validate_contact

router = APIRouter(
    prefix="/v1/validate",
    tags=["validation"],
    responses=auth_problem_responses() | problem_responses(FormKeyRefused, TooManyAttempts),
)
# A token with `validate`, or a publishable form key sent by a web form (X-Form-Key).
CanValidate = Annotated[Principal, Security(get_validation_caller, scopes=[Scope.VALIDATE.value])]

CONTACT_EXAMPLE = {
    "civility": "madame",
    "first_name": "claire",
    "last_name": "MARTIN",
    "email": "claire.martin@gmial.com",
    "phone": "06 12 34 56 78",
    "country": "France",
}
COMPANY_EXAMPLE = {
    "name": "DUPONT LOGISTIQUE SAS",
    "siret": "732 829 320 00074",
    "website": "WWW.Dupont.FR",
    "postcode": "75008",
    "city": "paris",
}
Record = dict[str, Any]


@router.post("/contact", response_model=ValidationResult)
async def validate_contact_record(
    request: Request,
    principal: CanValidate,
    policy: Policy,
    body: Annotated[Record, Body(examples=[CONTACT_EXAMPLE])],
) -> ValidationResult:
    """Check a contact as a web form submits it: per-field findings (stable `code`, severity,
    suggestion, message in the `Accept-Language` language) and the normalised record.
    `blocking` says whether a write would be refused. Nothing is stored."""
    report = validate_contact(body, policy)
    return ValidationResult.model_validate(report.as_dict(language_of(request)))


@router.post("/company", response_model=ValidationResult)
async def validate_company_record(
    request: Request,
    principal: CanValidate,
    policy: Policy,
    body: Annotated[Record, Body(examples=[COMPANY_EXAMPLE])],
) -> ValidationResult:
    """Check a company: SIREN/SIRET/VAT keys, legal form split from the name, website, phone,
    postcode and city. Nothing is stored."""
    report = validate_company(body, policy)
    return ValidationResult.model_validate(report.as_dict(language_of(request)))
