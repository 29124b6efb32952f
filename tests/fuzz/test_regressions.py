"""What the Schemathesis run found, each pinned by the request that exposed it.

Every case here answered 500 or broke the published contract before its fix; see the fuzz
section of the README for the list.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.records.models import Company, Contact

CLAIRE = {"last_name": "MARTIN", "email": "claire.martin@dupont.fr", "civility": "Mme"}
DUPONT = {"name": "DUPONT LOGISTIQUE SAS", "country": "FR", "siren": "732 829 320"}
PROBLEM = "application/problem+json"


@pytest.fixture
async def admin(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="admin")


async def count(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_clearing_email_status_on_upsert_means_unknown_not_500(
    client: AsyncClient, admin: dict[str, str]
) -> None:
    # Found: PUT by-ref with "email_status": null on an existing contact wrote NULL into a
    # NOT NULL column (IntegrityError → 500).
    url = "/v1/contacts/by-ref/0/0"
    created = await client.put(url, json=CLAIRE | {"email_status": "valid"}, headers=admin)
    assert created.status_code == 201, created.text

    cleared = await client.put(url, json=CLAIRE | {"email_status": None}, headers=admin)

    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["email_status"] == "unknown"


async def test_clearing_email_status_on_patch_means_unknown(
    client: AsyncClient, admin: dict[str, str]
) -> None:
    created = await client.post("/v1/contacts", json=CLAIRE, headers=admin)
    assert created.status_code == 201, created.text
    url = created.headers["location"]

    patched = await client.patch(
        url, json={"email_status": None}, headers=admin | {"If-Match": created.headers["etag"]}
    )

    assert patched.status_code == 200, patched.text
    assert patched.json()["email_status"] == "unknown"


# Found: free-text fields stored as typed accepted more characters than their column holds
# (StringDataRightTruncation → 500). The limit is now the column's, and the error a 422.
TOO_LONG = [
    pytest.param("companies", DUPONT, "sector", 121, id="company-sector"),
    pytest.param("companies", DUPONT, "legal_form", 33, id="company-unknown-legal-form"),
    pytest.param("contacts", CLAIRE, "lifecycle_stage", 33, id="contact-lifecycle-stage"),
    pytest.param("contacts", CLAIRE, "collection_method", 33, id="contact-collection-method"),
]


@pytest.mark.parametrize(("plural", "base", "field", "length"), TOO_LONG)
@pytest.mark.parametrize("how", ["post", "put-by-ref"])
async def test_text_longer_than_its_column_is_a_422_and_stores_nothing(
    client: AsyncClient,
    admin: dict[str, str],
    session: AsyncSession,
    plural: str,
    base: dict[str, Any],
    field: str,
    length: int,
    how: str,
) -> None:
    model = Company if plural == "companies" else Contact
    before = await count(session, model)
    body = base | {field: "x" * length}
    if how == "post":
        response = await client.post(f"/v1/{plural}", json=body, headers=admin)
    else:
        response = await client.put(f"/v1/{plural}/by-ref/0/52011", json=body, headers=admin)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert field in {e["field"] for e in response.json()["errors"]}
    assert await count(session, model) == before


@pytest.mark.parametrize(
    ("plural", "base", "field", "length"),
    [
        pytest.param("companies", DUPONT, "sector", 120, id="company-sector"),
        pytest.param("companies", DUPONT, "legal_form", 32, id="company-unknown-legal-form"),
        pytest.param("contacts", CLAIRE, "lifecycle_stage", 32, id="contact-lifecycle-stage"),
        pytest.param("contacts", CLAIRE, "collection_method", 32, id="contact-collection-method"),
    ],
)
async def test_text_as_long_as_its_column_is_stored(
    client: AsyncClient,
    admin: dict[str, str],
    plural: str,
    base: dict[str, Any],
    field: str,
    length: int,
) -> None:
    response = await client.post(f"/v1/{plural}", json=base | {field: "é" * length}, headers=admin)

    assert response.status_code == 201, response.text
    assert response.json()[field] == "é" * length


def test_spelled_out_legal_forms_longer_than_the_column_still_normalise() -> None:
    from app.main import validation_policy
    from app.validation.company import validate_company
    from tests.conftest import make_test_settings

    report = validate_company(
        {"name": "Dupont", "legal_form": "Société par actions simplifiée unipersonnelle"},
        validation_policy(make_test_settings("postgresql+asyncpg://unused/db")),
    )

    assert report.normalized["legal_form"] == "SASU"


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b'{"last_name": "Mart\xe9n"}', id="latin-1-byte"),
        pytest.param(b"\xff\xfe{}", id="bom-garbage"),
        pytest.param(b"*\xb5\x15P(\xdd\xb5", id="fuzzer-bytes"),
    ],
)
async def test_body_that_is_not_utf8_is_a_422_problem(
    client: AsyncClient, admin: dict[str, str], session: AsyncSession, raw: bytes
) -> None:
    # Found: FastAPI answered 400 "bad_request", undocumented on every operation.
    before = await count(session, Contact)
    response = await client.post(
        "/v1/contacts", content=raw, headers=admin | {"Content-Type": "application/json"}
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["errors"][0]["field"] == "body"
    assert body["errors"][0]["code"] == "schema.json_invalid"
    assert await count(session, Contact) == before


def test_every_error_is_documented_as_a_problem(app: FastAPI) -> None:
    # Found: 422 was documented as FastAPI's application/json HTTPValidationError, and the
    # other problems as both an empty problem+json and an application/json Problem.
    spec = app.openapi()
    wrong = [
        (method, path, status, sorted(response.get("content", {})))
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        for status, response in operation["responses"].items()
        if status[0] in "45" and list(response.get("content", {})) != [PROBLEM]
    ]
    assert wrong == []
    assert "HTTPValidationError" not in spec["components"]["schemas"]


def test_operations_document_the_errors_their_layers_give(app: FastAPI) -> None:
    # Found: a bad cursor (400) undocumented on three lists, 401 undocumented on /auth/me.
    spec = app.openapi()
    missing = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            params = {p["name"] for p in operation.get("parameters", [])}
            expected = {"401"} if operation.get("security") else set()
            if "cursor" in params:
                expected.add("400")
            if "requestBody" in operation:
                expected |= {"413", "422"}
            if expected - statuses:
                missing.append((method, path, sorted(expected - statuses)))
    assert missing == []


async def test_nul_character_that_reaches_postgresql_is_a_422_and_stores_nothing(
    client: AsyncClient, admin: dict[str, str], session: AsyncSession
) -> None:
    # Found: free text without a validator (DSR notes, alias names, descriptions) carried
    # U+0000 to PostgreSQL, whose text type refuses it (SQLSTATE 22021 → 500).
    before = await session.scalar(text("SELECT count(*) FROM dsr_requests"))
    body = {"kind": "access", "channel": "email", "notes": "Appel du\x00 client"}

    response = await client.post("/v1/gdpr/requests", json=body, headers=admin)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "value_not_storable"
    assert await session.scalar(text("SELECT count(*) FROM dsr_requests")) == before


@pytest.mark.parametrize(
    "email",
    [
        pytest.param("stop@dupont.fr\x00", id="nul"),
        pytest.param("stop@dupont.fr\n", id="newline"),
        pytest.param("abc", id="not-an-address"),
    ],
)
async def test_suppression_of_something_that_is_not_an_address_is_refused(
    client: AsyncClient, admin: dict[str, str], session: AsyncSession, email: str
) -> None:
    # Found: any 3+ characters, NUL included, were hashed into a suppression entry.
    before = await session.scalar(text("SELECT count(*) FROM suppressions"))

    response = await client.post("/v1/gdpr/suppressions", json={"email": email}, headers=admin)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "email"
    assert await session.scalar(text("SELECT count(*) FROM suppressions")) == before
