"""Contacts through the API: validation on write, ETags, external refs, filters, audit."""

from __future__ import annotations

import uuid

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent

CLAIRE = {
    "civility": "madame",
    "first_name": "claire",
    "last_name": "MARTIN",
    "email": "Claire.Martin@Dupont.FR",
    "phone": "06 12 34 56 78",
    "job_title": "Directrice achats",
    "country": "France",
}


@pytest.fixture
async def writer(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="sales")


async def create(client: AsyncClient, headers: dict, body: dict | None = None, **kw):  # type: ignore[no-untyped-def]
    return await client.post("/v1/contacts", json=(body or CLAIRE) | kw, headers=headers)


async def test_create_stores_normalised_values_and_audits(
    client: AsyncClient, writer: dict, session: AsyncSession
) -> None:
    response = await create(
        client, writer, external_refs=[{"system": "hubspot", "id": "901"}], source_system="hubspot"
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/contacts/{body['id']}"
    assert response.headers["etag"] == '"1"'
    assert (body["civility"], body["first_name"], body["last_name"]) == ("Mme", "Claire", "Martin")
    assert (body["email"], body["email_domain"]) == ("claire.martin@dupont.fr", "dupont.fr")
    assert (body["phone"], body["country"]) == ("+33612345678", "FR")
    assert body["job_function"] == "purchasing"
    assert body["external_refs"] == [{"system": "hubspot", "id": "901"}]
    assert body["status"] == "active" and body["version"] == 1
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "contact.created"))
    assert event is not None and event.entity_id == body["id"]
    assert "email" in event.fields and "claire" not in str(event.details).lower()


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        pytest.param({"email": "claire@"}, "email", "email.invalid", id="bad-email"),
        pytest.param({"phone": "12"}, "phone", "phone.too_short", id="bad-phone"),
        pytest.param(
            {"email": None, "phone": None}, "email", "field.one_of_required", id="no-way-to-reach"
        ),
        pytest.param({"last_name": None}, "last_name", "field.required", id="no-last-name"),
        pytest.param({"first_name": "J3an"}, "first_name", "name.digits", id="digits-in-name"),
    ],
)
async def test_invalid_record_is_422_with_field_findings(
    client: AsyncClient, writer: dict, session: AsyncSession, changes: dict, field: str, code: str
) -> None:
    response = await create(client, writer, CLAIRE | changes)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "record.invalid"
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in body["errors"]
    ]
    assert (
        await session.scalar(select(AuditEvent).where(AuditEvent.action == "contact.created"))
        is None
    )


async def test_messages_follow_accept_language(client: AsyncClient, writer: dict) -> None:
    fr = await client.post("/v1/contacts", json=CLAIRE | {"email": "x@"}, headers=writer)
    en = await client.post(
        "/v1/contacts", json=CLAIRE | {"email": "x@"}, headers=writer | {"Accept-Language": "en"}
    )
    assert fr.json()["errors"][0]["message"] != en.json()["errors"][0]["message"]
    assert en.json()["title"] == "The record has invalid fields"


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(CLAIRE | {"role": "admin"}, id="unknown-field"),
        pytest.param(CLAIRE | {"email": 42}, id="number-for-text"),
        pytest.param(CLAIRE | {"first_name": ["a"]}, id="list-for-text"),
        pytest.param(CLAIRE | {"last_name": "x" * 5000}, id="oversized"),
        pytest.param(CLAIRE | {"company_id": "not-a-uuid"}, id="bad-uuid"),
        pytest.param(CLAIRE | {"collected_at": "2026-01-01T10:00:00"}, id="naive-datetime"),
    ],
)
async def test_wrong_shapes_are_422_and_store_nothing(
    client: AsyncClient, writer: dict, payload: dict
) -> None:
    response = await client.post("/v1/contacts", json=payload, headers=writer)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    listed = await client.get("/v1/contacts", headers=writer)
    assert listed.json()["items"] == []


async def test_unknown_company_is_a_field_finding(client: AsyncClient, writer: dict) -> None:
    response = await create(client, writer, company_id=str(uuid.uuid4()))
    assert response.status_code == 422
    assert response.json()["errors"][0] == response.json()["errors"][0] | {
        "field": "company_id",
        "code": "company_id.unknown",
    }


async def test_update_needs_if_match_and_refuses_stale_versions(
    client: AsyncClient, writer: dict
) -> None:
    created = (await create(client, writer)).json()
    url = f"/v1/contacts/{created['id']}"
    missing = await client.patch(url, json={"job_title": "CEO"}, headers=writer)
    assert missing.status_code == 428 and missing.json()["code"] == "record.if_match_required"
    ok = await client.patch(url, json={"job_title": "CEO"}, headers=writer | {"If-Match": '"1"'})
    assert ok.status_code == 200, ok.text
    assert ok.headers["etag"] == '"2"'
    assert (ok.json()["job_title"], ok.json()["job_function"]) == ("CEO", "management")
    stale = await client.patch(url, json={"job_title": "CFO"}, headers=writer | {"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.json()["code"] == "record.version_mismatch"
    assert stale.json()["current_version"] == 2
    assert (await client.get(url, headers=writer)).json()["job_title"] == "CEO"
    garbage = await client.patch(url, json={"job_title": "x"}, headers=writer | {"If-Match": "*x"})
    assert garbage.status_code == 400


async def test_partial_update_validates_only_what_changes(
    client: AsyncClient, writer: dict
) -> None:
    created = (await create(client, writer)).json()
    url = f"/v1/contacts/{created['id']}"
    bad = await client.patch(url, json={"email": "nope"}, headers=writer | {"If-Match": '"1"'})
    assert bad.status_code == 422
    cleared = await client.patch(url, json={"phone": None}, headers=writer | {"If-Match": '"1"'})
    assert cleared.status_code == 200 and cleared.json()["phone"] is None
    both = await client.patch(url, json={"email": None}, headers=writer | {"If-Match": '"2"'})
    assert both.status_code == 422  # neither email nor phone would remain
    assert both.json()["errors"][0]["code"] == "field.one_of_required"


async def test_same_values_change_nothing(client: AsyncClient, writer: dict) -> None:
    created = (await create(client, writer)).json()
    same = await client.patch(
        f"/v1/contacts/{created['id']}",
        json={"last_name": "martin"},
        headers=writer | {"If-Match": '"1"'},
    )
    assert same.status_code == 200 and same.headers["etag"] == '"1"'


async def test_upsert_by_external_ref(client: AsyncClient, writer: dict) -> None:
    url = "/v1/contacts/by-ref/salesforce/003XYZ"
    first = await client.put(url, json=CLAIRE, headers=writer)
    assert first.status_code == 201, first.text
    assert first.json()["source_system"] == "salesforce"
    second = await client.put(url, json={"job_title": "CFO"}, headers=writer)
    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"] and second.json()["job_title"] == "CFO"
    found = await client.get(url, headers=writer)
    assert found.json()["id"] == first.json()["id"]
    stale = await client.put(url, json={"job_title": "X"}, headers=writer | {"If-Match": '"1"'})
    assert stale.status_code == 412
    assert (
        await client.get("/v1/contacts/by-ref/salesforce/nope", headers=writer)
    ).status_code == 404


async def test_external_ref_cannot_point_to_two_records(client: AsyncClient, writer: dict) -> None:
    ref = [{"system": "hubspot", "id": "1"}]
    assert (await create(client, writer, external_refs=ref)).status_code == 201
    again = await create(client, writer, CLAIRE | {"email": "other@dupont.fr"}, external_refs=ref)
    assert again.status_code == 409 and again.json()["code"] == "external_ref.taken"


async def test_filters_and_pagination(client: AsyncClient, writer: dict, auth_headers) -> None:  # type: ignore[no-untyped-def]
    steward = await auth_headers(role="data_steward")
    company = await client.post(
        "/v1/companies",
        json={"name": "Dupont SAS", "siren": "732829320", "sector": "Logistique"},
        headers=steward,
    )
    assert company.status_code == 201, company.text
    company_id = company.json()["id"]
    people = [
        {
            "last_name": "Martin",
            "email": "a@dupont.fr",
            "job_title": "Acheteur",
            "company_id": company_id,
            "lifecycle_stage": "lead",
        },
        {
            "last_name": "Bernard",
            "email": "b@exemple.fr",
            "job_title": "Comptable",
            "lifecycle_stage": "customer",
        },
        {
            "last_name": "Petit",
            "phone": "0612345679",
            "job_title": "Acheteuse",
            "company_id": company_id,
        },
    ]
    for person in people:
        assert (await client.post("/v1/contacts", json=person, headers=writer)).status_code == 201

    async def names(**params: str) -> list[str]:
        response = await client.get("/v1/contacts", params=params, headers=writer)
        assert response.status_code == 200, response.text
        return sorted(c["last_name"] for c in response.json()["items"])

    assert await names() == ["Bernard", "Martin", "Petit"]
    assert await names(company_id=company_id) == ["Martin", "Petit"]
    assert await names(job_function="purchasing") == ["Martin", "Petit"]
    assert await names(lifecycle_stage="customer") == ["Bernard"]
    assert await names(email_domain="DUPONT.fr") == ["Martin"]
    assert await names(sector="Logistique") == ["Martin", "Petit"]
    assert await names(quality_issue="civility.missing") == ["Bernard", "Martin", "Petit"]
    assert (
        await names(created_after="2000-01-01T00:00:00Z", created_before="2000-01-02T00:00:00Z")
        == []
    )
    first = (await client.get("/v1/contacts", params={"limit": 2}, headers=writer)).json()
    rest = (
        await client.get("/v1/contacts", params={"cursor": first["next_cursor"]}, headers=writer)
    ).json()
    assert len(first["items"]) == 2 and len(rest["items"]) == 1 and rest["next_cursor"] is None
    naive = await client.get(
        "/v1/contacts", params={"created_after": "2026-01-01T00:00:00"}, headers=writer
    )
    assert naive.status_code == 422


async def test_read_only_roles_cannot_write(client: AsyncClient, auth_headers) -> None:  # type: ignore[no-untyped-def]
    auditor = await auth_headers(role="auditor")
    response = await client.post("/v1/contacts", json=CLAIRE, headers=auditor)
    assert response.status_code == 403
    assert (await client.get("/v1/contacts", headers=auditor)).status_code == 200


async def test_unknown_contact_is_404(client: AsyncClient, writer: dict) -> None:
    response = await client.get(f"/v1/contacts/{uuid.uuid4()}", headers=writer)
    assert response.status_code == 404 and response.json()["code"] == "contacts.not_found"


async def test_idempotent_create(client: AsyncClient, writer: dict) -> None:
    headers = writer | {"Idempotency-Key": "3f1c7a52-8f0e-4c38-a1c2-0d6f5e2b9a11"}
    first = await client.post("/v1/contacts", json=CLAIRE, headers=headers)
    again = await client.post("/v1/contacts", json=CLAIRE, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["location"] == first.headers["location"]
    other = await client.post("/v1/contacts", json=CLAIRE | {"job_title": "CEO"}, headers=headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency.key_reused"
    listed = (await client.get("/v1/contacts", headers=writer)).json()["items"]
    assert len(listed) == 1


async def test_delete_needs_if_match_and_removes_everything(
    client: AsyncClient, writer: dict, session: AsyncSession
) -> None:
    created = (
        await create(client, writer, external_refs=[{"system": "hubspot", "id": "del-1"}])
    ).json()
    url = f"/v1/contacts/{created['id']}"
    assert (await client.delete(url, headers=writer)).status_code == 428
    stale = await client.delete(url, headers=writer | {"If-Match": '"7"'})
    assert stale.status_code == 412
    gone = await client.delete(url, headers=writer | {"If-Match": '"1"'})
    assert gone.status_code == 204
    assert (await client.get(url, headers=writer)).status_code == 404
    by_ref = await client.get("/v1/contacts/by-ref/hubspot/del-1", headers=writer)
    assert by_ref.status_code == 404
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "contact.deleted"))
    assert event is not None and event.entity_id == created["id"]
    again = await client.put("/v1/contacts/by-ref/hubspot/del-1", json=CLAIRE, headers=writer)
    assert again.status_code == 201  # the reference is free again


async def test_deleting_a_company_keeps_its_contacts(
    client: AsyncClient, writer: dict, auth_headers
) -> None:  # type: ignore[no-untyped-def]
    company = (
        await client.post(
            "/v1/companies", json={"name": "Zeta", "siren": "732829320"}, headers=writer
        )
    ).json()
    person = (await create(client, writer, company_id=company["id"])).json()
    deleted = await client.delete(
        f"/v1/companies/{company['id']}", headers=writer | {"If-Match": '"1"'}
    )
    assert deleted.status_code == 204
    kept = (await client.get(f"/v1/contacts/{person['id']}", headers=writer)).json()
    assert kept["company_id"] is None
