"""Request and response bodies for contacts and companies."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Text = str | None


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExternalRefIn(Strict):
    system: str = Field(
        min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$", examples=["hubspot"]
    )
    id: str = Field(min_length=1, max_length=200, examples=["52011"])


class ExternalRefOut(BaseModel):
    system: str
    id: str


class CompanyFields(Strict):
    name: Text = Field(default=None, max_length=400, examples=["DUPONT LOGISTIQUE SAS"])
    legal_form: Text = Field(default=None, max_length=100)
    siren: Text = Field(default=None, max_length=30, examples=["732 829 320"])
    siret: Text = Field(default=None, max_length=40)
    vat_number: Text = Field(default=None, max_length=40)
    website: Text = Field(default=None, max_length=2048, examples=["https://www.dupont.fr"])
    phone: Text = Field(default=None, max_length=50, examples=["01 42 68 53 00"])
    street: Text = Field(default=None, max_length=300)
    postcode: Text = Field(default=None, max_length=20, examples=["75008"])
    city: Text = Field(default=None, max_length=120, examples=["Paris"])
    country: Text = Field(default=None, max_length=80, examples=["FR"])
    sector: Text = Field(default=None, max_length=120)
    size: Literal["1-9", "10-49", "50-249", "250-4999", "5000+"] | None = None
    owner_id: uuid.UUID | None = None
    last_interaction_at: AwareDatetime | None = None


class CompanyCreate(CompanyFields):
    source_system: str | None = Field(default=None, max_length=64, examples=["hubspot"])
    external_refs: list[ExternalRefIn] = Field(default_factory=list, max_length=20)


class CompanyUpdate(CompanyFields):
    """Only the fields sent change; send null to clear a field."""


class ContactFields(Strict):
    civility: Text = Field(default=None, max_length=40, examples=["Mme"])
    first_name: Text = Field(default=None, max_length=200, examples=["claire"])
    last_name: Text = Field(default=None, max_length=200, examples=["MARTIN"])
    email: Text = Field(default=None, max_length=320, examples=["claire.martin@dupont.fr"])
    additional_emails: list[str] | None = Field(default=None, max_length=10)
    phone: Text = Field(default=None, max_length=50, examples=["06 12 34 56 78"])
    additional_phones: list[str] | None = Field(default=None, max_length=10)
    job_title: Text = Field(default=None, max_length=200, examples=["Directrice achats"])
    company_id: uuid.UUID | None = None
    country: Text = Field(default=None, max_length=80)
    lifecycle_stage: Text = Field(default=None, max_length=32, examples=["lead"])
    subscription_status: Literal["subscribed", "unsubscribed"] | None = None
    email_status: Literal["unknown", "valid", "bounced", "spamtrap"] | None = None
    lawful_basis: Text = Field(default=None, max_length=40, examples=["legitimate_interests"])
    collection_method: Text = Field(default=None, max_length=32, examples=["web_form"])
    collected_at: AwareDatetime | None = None
    last_interaction_at: AwareDatetime | None = None
    owner_id: uuid.UUID | None = None


class ContactCreate(ContactFields):
    source_system: str | None = Field(default=None, max_length=64, examples=["hubspot"])
    external_refs: list[ExternalRefIn] = Field(default_factory=list, max_length=20)


class ContactUpdate(ContactFields):
    """Only the fields sent change; send null to clear a field."""


class RecordMeta(BaseModel):
    id: uuid.UUID
    status: str
    merged_into_id: uuid.UUID | None
    version: int
    source_system: str | None
    quality_issues: list[str]
    quality_score: int | None = Field(
        default=None, description="0–100, details at `…/{id}/quality`; null until scored"
    )
    external_refs: list[ExternalRefOut]
    created_at: datetime
    updated_at: datetime


class CompanyRead(RecordMeta):
    name: str | None
    legal_form: str | None
    siren: str | None
    siret: str | None
    vat_number: str | None
    website: str | None
    domain: str | None
    phone: str | None
    street: str | None
    postcode: str | None
    city: str | None
    country: str | None
    sector: str | None
    size: str | None
    owner_id: uuid.UUID | None
    last_interaction_at: datetime | None


class ContactRead(RecordMeta):
    civility: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    email_domain: str | None
    additional_emails: list[str]
    phone: str | None
    additional_phones: list[str]
    job_title: str | None
    job_function: str | None
    company_id: uuid.UUID | None
    country: str | None
    lifecycle_stage: str | None
    subscription_status: str | None
    email_status: str
    lawful_basis: str | None
    collection_method: str | None
    collected_at: datetime | None
    last_interaction_at: datetime | None
    owner_id: uuid.UUID | None


class FindingRead(BaseModel):
    field: str
    code: str = Field(examples=["email.typo"])
    severity: Literal["error", "warning", "info"]
    normalized: str | None
    suggestion: str | None
    message: str


class ValidationResult(BaseModel):
    entity: Literal["contact", "company"]
    blocking: bool = Field(description="Whether a write of this record would be refused")
    normalized: dict[str, object]
    findings: list[FindingRead]
