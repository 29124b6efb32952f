"""The write endpoints and the hostile values thrown at them (tests/reliability/test_bad_input*)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from httpx import Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

Body = dict[str, Any]

CLAIRE: Body = {
    "civility": "Mme",
    "first_name": "Claire",
    "last_name": "Martin",
    "email": "claire.martin@dupont.fr",
    "phone": "06 12 34 56 78",
    "job_title": "Directrice achats",
}
DUPONT: Body = {"name": "Dupont Logistique SAS", "country": "FR", "siren": "732 829 320"}


@dataclass(frozen=True)
class Write:
    """A write endpoint, a valid body for it, and where its text fields sit in that body."""

    name: str
    path: str
    body: Body
    text_fields: tuple[str, ...] = ()
    method: str = "POST"
    # Builds the body from the fields of one record (batch wraps them in `records`).
    wrap: Callable[[Body], Body] | None = None
    # How a bad value in a record field is refused: "strict" (422 problem), "batch" (the row
    # rejected, 200), "validate" (a finding, 200) or "lookup" (the value ignored, 200).
    kind: str = "strict"
    expected: frozenset[int] = field(default_factory=lambda: frozenset({200, 201, 202}))

    def with_fields(self, **changes: Any) -> Body:
        return self.wrap(self.body | changes) if self.wrap else self.body | changes

    @property
    def full_body(self) -> Body:
        return self.with_fields()

    @property
    def first_field(self) -> str:
        """A field to spoil: the first text field, else the body's first key."""
        return (self.text_fields or tuple(self.body))[0]

    @property
    def open_schema(self) -> bool:
        """Free-form objects (validation input) take any key: unknown fields are findings."""
        return self.kind == "validate"


def _batch(record: Body) -> Body:
    return {"records": [record]}


def _lookup(record: Body) -> Body:
    return {"entity": "contact", "record": record}


WRITES: tuple[Write, ...] = (
    Write("contacts", "/v1/contacts", CLAIRE, (*CLAIRE, "lifecycle_stage", "country")),
    Write("companies", "/v1/companies", DUPONT, ("name", "sector", "street", "city", "website")),
    Write(
        "contact-by-ref",
        "/v1/contacts/by-ref/crm/ext-1",
        CLAIRE,
        ("last_name", "job_title", "collection_method"),
        method="PUT",
    ),
    Write(
        "contacts-batch",
        "/v1/contacts/batch",
        CLAIRE,
        ("last_name", "email"),
        wrap=_batch,
        kind="batch",
    ),
    Write(
        "companies-batch",
        "/v1/companies/batch",
        DUPONT,
        ("name", "sector"),
        wrap=_batch,
        kind="batch",
    ),
    Write("validate-contact", "/v1/validate/contact", CLAIRE, tuple(CLAIRE), kind="validate"),
    Write("validate-company", "/v1/validate/company", DUPONT, ("name", "siren"), kind="validate"),
    Write(
        "lookup",
        "/v1/duplicates/lookup",
        CLAIRE,
        ("last_name", "email"),
        wrap=_lookup,
        kind="lookup",
    ),
    Write(
        "merges",
        "/v1/merges",
        {"entity": "contact", "record_ids": [str(uuid.uuid4()), str(uuid.uuid4())]},
        expected=frozenset({404}),  # unknown records: refused, but for the right reason
    ),
    Write(
        "erasures",
        "/v1/gdpr/erasures",
        {"contact_id": str(uuid.uuid4()), "mode": "anonymize"},
        expected=frozenset({404}),
    ),
    Write(
        "dsr",
        "/v1/gdpr/requests",
        {"kind": "access", "channel": "email", "notes": "Appel"},
        ("notes",),
    ),
    Write("suppressions", "/v1/gdpr/suppressions", {"email": "stop@dupont.fr"}, ("email",)),
    Write(
        "subscriptions",
        "/v1/webhook-subscriptions",
        {"url": "https://crm.example.fr/hooks", "events": ["record.created"], "description": "CRM"},
        ("url", "description"),
    ),
    Write(
        "aliases",
        "/v1/duplicates/aliases",
        {"alias": "Big Blue", "canonical": "IBM"},
        ("alias", "canonical"),
    ),
    Write("users", "/v1/users", {"email": "nouvelle@dupont.fr", "role": "sales"}, ("email",)),
    Write(
        "service-accounts",
        "/v1/service-accounts",
        {"name": "crm-sync", "scopes": ["records:read"]},
        ("name",),
    ),
    Write(
        "form-keys",
        "/v1/form-keys",
        {"name": "site", "allowed_origins": ["https://www.dupont.fr"]},
        ("name",),
    ),
)

# Stored as data or refused, never executed or rendered.
INJECTIONS = (
    "Robert'); DROP TABLE contacts;--",
    "' OR '1'='1' --",
    "1; DELETE FROM audit_events WHERE true; --",
    "<script>alert(document.cookie)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}}${7*7}",
    "$(rm -rf /)",
)


class Snapshot:
    """Row counts of every table, read in one statement (the test's own transaction)."""

    def __init__(self, tables: list[str]) -> None:
        self.tables = tables
        # names come from pg_tables, not from input
        columns = ", ".join(f'(SELECT count(*) FROM "{t}") AS "{t}"' for t in tables)  # noqa: S608
        self.statement = text(f"SELECT {columns}")

    @classmethod
    async def of(cls, session: AsyncSession) -> Snapshot:
        names = await session.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        )
        return cls(list(names))

    async def counts(self, session: AsyncSession) -> dict[str, int]:
        row = (await session.execute(self.statement)).one()
        return dict(zip(self.tables, row, strict=True))


def assert_refused(response: Response, write: Write, field: str) -> None:
    """The refusal `write.kind` gives for a bad value in `field` (the caller checks storage)."""
    assert response.status_code < 500, response.text[:500]
    if write.kind == "strict" or response.status_code >= 400:
        assert response.status_code == 422, response.text[:500]
        assert response.headers["content-type"] == "application/problem+json"
        # validation_failed, record.invalid, a domain code (aliases.unusable), or
        # value_not_storable: PostgreSQL refused it (a NUL) after validation let it through
        assert response.json()["code"], response.text[:500]
    elif write.kind == "batch":
        result = response.json()
        assert result["summary"]["rejected"] == 1, result
        assert field in {e["field"] for e in result["results"][0]["errors"]}, result
    elif write.kind == "validate":
        findings = response.json()["findings"]
        assert field in {f["field"] for f in findings if f["severity"] == "error"}, findings
    else:
        assert write.kind == "lookup" and response.status_code == 200, response.text[:500]


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (before[t], after.get(t, -1)) for t in before if before[t] != after.get(t, -1)}
