"""Segmentation filters of the list endpoints, turned into SQL conditions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import AwareDatetime
from sqlalchemy import ColumnElement, any_, not_

from app.gdpr import consent
from app.records.models import Company, Contact

Q = Query


@dataclass(frozen=True)
class CommonFilters:
    status: str | None
    source_system: str | None
    owner_id: uuid.UUID | None
    country: str | None
    quality_issue: str | None
    created_after: datetime | None
    created_before: datetime | None
    updated_after: datetime | None
    updated_before: datetime | None
    interaction_after: datetime | None
    interaction_before: datetime | None
    min_quality: int | None = None
    max_quality: int | None = None
    quality_flag: str | None = None

    def conditions(self, model: Any) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        equal = {
            "status": model.status,
            "source_system": model.source_system,
            "owner_id": model.owner_id,
            "country": model.country,
        }
        for name, column in equal.items():
            value = getattr(self, name)
            if value is not None:
                out.append(column == (value.upper() if name == "country" else value))
        if self.quality_issue:
            out.append(any_(model.quality_issues) == self.quality_issue)
        if self.quality_flag:
            out.append(any_(model.quality_flags) == self.quality_flag)
        if self.min_quality is not None:
            out.append(model.quality_score >= self.min_quality)
        if self.max_quality is not None:
            out.append(model.quality_score <= self.max_quality)
        ranges = (
            (model.created_at, self.created_after, self.created_before),
            (model.updated_at, self.updated_after, self.updated_before),
            (model.last_interaction_at, self.interaction_after, self.interaction_before),
        )
        for column, after, before in ranges:
            if after is not None:
                out.append(column >= after)
            if before is not None:
                out.append(column < before)
        return out


async def common_filters(
    status: Annotated[str | None, Q(pattern="^(active|merged|anonymised)$")] = "active",
    source_system: Annotated[str | None, Q(max_length=64)] = None,
    owner_id: uuid.UUID | None = None,
    country: Annotated[str | None, Q(min_length=2, max_length=2)] = None,
    quality_issue: Annotated[
        str | None, Q(max_length=64, description="A finding code, e.g. civility.missing")
    ] = None,
    created_after: AwareDatetime | None = None,
    created_before: AwareDatetime | None = None,
    updated_after: AwareDatetime | None = None,
    updated_before: AwareDatetime | None = None,
    interaction_after: Annotated[
        AwareDatetime | None, Q(description="last_interaction_at ≥")
    ] = None,
    interaction_before: Annotated[
        AwareDatetime | None, Q(description="last_interaction_at <")
    ] = None,
    min_quality: Annotated[int | None, Q(ge=0, le=100, description="quality_score ≥")] = None,
    max_quality: Annotated[int | None, Q(ge=0, le=100, description="quality_score ≤")] = None,
    quality_flag: Annotated[
        str | None,
        Q(max_length=64, description="A quality flag, e.g. email:invalid, stale:24m"),
    ] = None,
) -> CommonFilters:
    return CommonFilters(
        status,
        source_system,
        owner_id,
        country,
        quality_issue,
        created_after,
        created_before,
        updated_after,
        updated_before,
        interaction_after,
        interaction_before,
        min_quality,
        max_quality,
        quality_flag,
    )


@dataclass(frozen=True)
class ContactFilters:
    company_id: uuid.UUID | None
    job_function: str | None
    lifecycle_stage: str | None
    email_domain: str | None
    sector: str | None
    marketing_eligible: bool | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.marketing_eligible is not None:
            eligible = consent.marketing_eligible()
            out.append(eligible if self.marketing_eligible else not_(eligible))
        if self.company_id is not None:
            out.append(Contact.company_id == self.company_id)
        if self.job_function is not None:
            out.append(Contact.job_function == self.job_function)
        if self.lifecycle_stage is not None:
            out.append(Contact.lifecycle_stage == self.lifecycle_stage)
        if self.email_domain is not None:
            out.append(Contact.email_domain == self.email_domain.lower())
        if self.sector is not None:
            companies = Company.__table__.select().with_only_columns(Company.id)
            out.append(Contact.company_id.in_(companies.where(Company.sector == self.sector)))
        return out


async def contact_filters(
    company_id: uuid.UUID | None = None,
    job_function: Annotated[
        str | None,
        Q(
            pattern="^(purchasing|sales|marketing|finance|it|hr|legal|operations|"
            "customer_service|management|other)$"
        ),
    ] = None,
    lifecycle_stage: Annotated[str | None, Q(max_length=60)] = None,
    email_domain: Annotated[str | None, Q(max_length=255)] = None,
    sector: Annotated[str | None, Q(max_length=200, description="The company's sector")] = None,
    marketing_eligible: Annotated[
        bool | None,
        Q(
            description="true: an address that may receive marketing (not unsubscribed, "
            "not bounced, not a spamtrap); false: the others"
        ),
    ] = None,
) -> ContactFilters:
    return ContactFilters(
        company_id, job_function, lifecycle_stage, email_domain, sector, marketing_eligible
    )


@dataclass(frozen=True)
class CompanyFilters:
    siren: str | None
    sector: str | None
    domain: str | None

    def conditions(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.siren is not None:
            out.append(Company.siren == self.siren.replace(" ", ""))
        if self.sector is not None:
            out.append(Company.sector == self.sector)
        if self.domain is not None:
            out.append(Company.domain == self.domain.lower())
        return out


async def company_filters(
    siren: Annotated[str | None, Q(max_length=11)] = None,
    sector: Annotated[str | None, Q(max_length=200)] = None,
    domain: Annotated[str | None, Q(max_length=255)] = None,
) -> CompanyFilters:
    return CompanyFilters(siren, sector, domain)


Common = Annotated[CommonFilters, Depends(common_filters)]
ContactQuery = Annotated[ContactFilters, Depends(contact_filters)]
CompanyQuery = Annotated[CompanyFilters, Depends(company_filters)]
