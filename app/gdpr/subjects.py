"""Finding a person: every record they appear in, merged-away records included."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, any_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.gdpr.erasure import subject_records
from app.records.models import Contact, ExternalRef
from app.validation.phone import validate_phone

MAX_SUBJECTS = 50


def phone_forms(raw: str) -> set[str]:
    """The number as typed and in E.164 (stored numbers are E.164)."""
    checked = validate_phone(raw)
    return {raw.strip()} | ({checked.value} if checked.value else set())


async def search(
    session: AsyncSession,
    *,
    email: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    system: str | None = None,
    external_id: str | None = None,
) -> list[dict[str, Any]]:
    """Subjects (a survivor and the records merged into it) matching any criterion given."""
    conditions: list[ColumnElement[bool]] = []
    if email:
        folded = email.strip().lower()
        conditions.append(or_(Contact.email == folded, folded == any_(Contact.additional_emails)))
    if phone:
        forms = list(phone_forms(phone))
        conditions.append(
            or_(Contact.phone.in_(forms), *(f == any_(Contact.additional_phones) for f in forms))
        )
    if name:
        words = name.strip().lower().split()
        full = func.lower(func.concat_ws(" ", Contact.first_name, Contact.last_name))
        conditions.append(and_(*(full.contains(w, autoescape=True) for w in words)))
    ids: set[uuid.UUID] = set()
    if conditions:
        stmt = select(Contact.id).where(or_(*conditions)).limit(MAX_SUBJECTS * 4)
        ids.update(await session.scalars(stmt))
    if system and external_id:
        stmt = select(ExternalRef.record_id).where(
            ExternalRef.entity == "contact",
            ExternalRef.system == system,
            ExternalRef.external_id == external_id,
        )
        ids.update(await session.scalars(stmt))
    return await _group(session, sorted(ids))


async def _group(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[dict[str, Any]]:
    subjects: dict[uuid.UUID, dict[str, Any]] = {}
    for record_id in ids:
        if any(record_id in s["record_ids"] for s in subjects.values()):
            continue
        group = await subject_records(session, record_id)
        subjects[group[0].id] = {
            "subject_id": group[0].id,
            "status": group[0].status,
            "record_ids": [c.id for c in group],
            "records": [
                {"id": c.id, "status": c.status, "merged_into_id": c.merged_into_id} for c in group
            ],
        }
        if len(subjects) >= MAX_SUBJECTS:
            break
    return list(subjects.values())
