"""Duplicate lookup through the API, on records written through the API."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.dedup import service
from app.dedup.models import MatchKey


@pytest.fixture
async def steward(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="data_steward")


async def store(client: AsyncClient, headers: dict, plural: str, body: dict) -> str:
    response = await client.post(f"/v1/{plural}", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def lookup(client: AsyncClient, headers: dict, entity: str, record: dict) -> dict:
    response = await client.post(
        "/v1/duplicates/lookup", json={"entity": entity, "record": record}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_keys_follow_every_write(
    client: AsyncClient, steward: dict, session: AsyncSession
) -> None:
    record_id = await store(
        client,
        steward,
        "contacts",
        {"first_name": "Jean", "last_name": "Kerbrat", "email": "jk@acme.fr"},
    )
    keys = set(await session.scalars(select(MatchKey.key).where(MatchKey.record_id == record_id)))
    assert any(k.startswith("email:") for k in keys)
    await client.patch(
        f"/v1/contacts/{record_id}",
        json={"email": "jean.k@other.fr"},
        headers=steward | {"If-Match": '"1"'},
    )
    after = set(await session.scalars(select(MatchKey.key).where(MatchKey.record_id == record_id)))
    assert "email:jk@acme.fr" in keys and "email:jk@acme.fr" not in after
    assert "email:jean.k@other.fr" in after


@pytest.mark.parametrize(
    ("stored", "probe", "verdicts"),
    [
        pytest.param(
            {"first_name": "Jean-Pierre", "last_name": "Kerbrat", "email": "jp.kerbrat@acme.fr"},
            {"first_name": "jean pierre", "last_name": "KERBRAT", "email": "JP.Kerbrat@acme.fr"},
            {"duplicate"},
            id="same-email-case-and-accents",
        ),
        pytest.param(
            {"first_name": "Robert", "last_name": "Lemoine", "phone": "06 11 22 33 44"},
            {"first_name": "Bob", "last_name": "Lemoine", "phone": "+33611223344"},
            {"duplicate", "possible"},
            id="nickname-same-mobile",
        ),
    ],
)
async def test_contact_lookup_finds_the_stored_person(
    client: AsyncClient, steward: dict, stored: dict, probe: dict, verdicts: set[str]
) -> None:
    record_id = await store(client, steward, "contacts", stored)
    found = await lookup(client, steward, "contact", probe)
    assert found["matches"], found
    best = found["matches"][0]
    assert best["id"] == record_id
    assert best["verdict"] in verdicts
    assert best["reasons"] and best["evidence"]


async def test_company_lookup_and_stored_duplicates(client: AsyncClient, steward: dict) -> None:
    phone = {"country": "US", "phone": "+1 914 499 1900"}
    ibm = await store(client, steward, "companies", {"name": "IBM"} | phone)
    dotted = await store(client, steward, "companies", {"name": "I.B.M"} | phone)
    found = await lookup(client, steward, "company", {"name": "I B M"} | phone)
    assert {m["id"] for m in found["matches"]} >= {ibm, dotted}
    of_ibm = (await client.get(f"/v1/companies/{ibm}/duplicates", headers=steward)).json()
    assert [m["id"] for m in of_ibm["matches"]] == [dotted]


async def test_a_company_name_typed_alone_is_suggested_not_blocked(
    client: AsyncClient, steward: dict
) -> None:
    ibm = await store(client, steward, "companies", {"name": "IBM", "siren": "732829320"})
    english = steward | {"Accept-Language": "en"}
    found = await lookup(client, english, "company", {"name": "I.B.M"})
    assert [(m["id"], m["verdict"]) for m in found["matches"]] == [(ibm, "possible")]
    assert "same name and nothing else to compare: worth a look" in found["matches"][0]["reasons"]
    branch = await lookup(client, steward, "company", {"name": "IBM France"})
    assert all(m["verdict"] != "possible" for m in branch["matches"])
    abroad = {"name": "Kerbrat Analytics", "country": "US"}
    stored = await store(client, steward, "companies", abroad)
    form = await client.post(
        "/v1/companies",
        params={"channel": "form"},
        json=abroad | {"name": "KERBRAT ANALYTICS INC"},
        headers=steward,
    )
    assert form.status_code == 201, form.text
    assert [m["id"] for m in form.json()["possible_duplicates"]] == [stored]


async def test_a_small_base_with_counted_terms_still_finds_its_duplicates(
    client: AsyncClient, steward: dict, session: AsyncSession
) -> None:
    """Term counts over four records (after a first scan) say every value is common; they
    are read over the same base size as the prior, so a new service still finds matches."""
    kerbrat = {"first_name": "Jean-Pierre", "last_name": "Kerbrat", "email": "jp.kerbrat@acme.fr"}
    person = await store(client, steward, "contacts", kerbrat)
    await store(client, steward, "contacts", {"last_name": "Leroy", "email": "m.leroy@acme.fr"})
    ibm = await store(client, steward, "companies", {"name": "IBM", "siren": "732829320"})
    await store(client, steward, "companies", {"name": "Acme", "siren": "552100554"})
    for entity in ("contact", "company"):
        assert await service.refresh_terms(session, entity)
    again = kerbrat | {"first_name": "jean pierre", "email": "JP.Kerbrat@acme.fr"}
    found = await lookup(client, steward, "contact", again)
    assert [(m["id"], m["verdict"]) for m in found["matches"]] == [(person, "duplicate")]
    found = await lookup(client, steward, "company", {"name": "I.B.M"})
    assert [(m["id"], m["verdict"]) for m in found["matches"]] == [(ibm, "possible")]


async def test_unrelated_records_are_not_matched(client: AsyncClient, steward: dict) -> None:
    await store(
        client,
        steward,
        "contacts",
        {"first_name": "Alice", "last_name": "Durand", "email": "alice@durand.fr"},
    )
    found = await lookup(
        client,
        steward,
        "contact",
        {"first_name": "Marc", "last_name": "Leroy", "email": "marc@leroy.fr"},
    )
    assert found["matches"] == []


async def test_lookup_scopes_and_input(client: AsyncClient, auth_headers) -> None:  # type: ignore[no-untyped-def]
    sales = await auth_headers(role="sales")
    ok = await client.post(
        "/v1/duplicates/lookup", json={"entity": "contact", "record": {}}, headers=sales
    )
    assert ok.status_code == 200 and ok.json()["matches"] == []
    auditor = await auth_headers(role="auditor")
    refused = await client.post(
        "/v1/duplicates/lookup", json={"entity": "contact", "record": {}}, headers=auditor
    )
    assert refused.status_code == 403
    bad = await client.post(
        "/v1/duplicates/lookup", json={"entity": "deal", "record": {}}, headers=sales
    )
    assert bad.status_code == 422
    weird = await client.post(
        "/v1/duplicates/lookup",
        json={"entity": "company", "record": {"name": ["x"], "siren": 123, "phone": None}},
        headers=sales,
    )
    assert weird.status_code == 200
    missing = await client.get(
        "/v1/contacts/00000000-0000-0000-0000-000000000000/duplicates", headers=sales
    )
    assert missing.status_code == 404


MISNAMED = [
    pytest.param("contact", {"emial": "j@x.fr", "last_name": "Roux"}, ["emial"], id="typo"),
    pytest.param("contact", {"e-mail": "j@x.fr"}, ["e-mail"], id="dashed"),
    pytest.param("contact", {"Email": "j@x.fr"}, ["Email"], id="capital"),
    pytest.param("contact", {"siren": "732829320"}, ["siren"], id="a-company-field"),
    pytest.param("company", {"nom": "Acme", "ville": "Lyon"}, ["nom", "ville"], id="french"),
    pytest.param("company", {"name\u200b": "Acme"}, ["name\u200b"], id="zero-width"),
]


@pytest.mark.parametrize(("entity", "record", "unknown"), MISNAMED)
async def test_a_misnamed_field_is_refused_not_ignored(
    client: AsyncClient, steward: dict, entity: str, record: dict, unknown: list[str]
) -> None:
    response = await client.post(
        "/v1/duplicates/lookup",
        json={"entity": entity, "record": record},
        headers=steward | {"Accept-Language": "fr"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == [f"record.{name}" for name in unknown]
    assert {e["code"] for e in errors} == {"schema.extra_forbidden"}
    assert all(e["message"] for e in errors)


@pytest.mark.parametrize("entity", ["contact", "company"])
async def test_every_field_of_a_create_body_is_accepted(
    client: AsyncClient, steward: dict, entity: str
) -> None:
    from app.records.schemas import CompanyCreate, ContactCreate

    fields = (ContactCreate if entity == "contact" else CompanyCreate).model_fields
    response = await client.post(
        "/v1/duplicates/lookup",
        json={"entity": entity, "record": dict.fromkeys(fields)},
        headers=steward,
    )
    assert response.status_code == 200, response.text


def test_view_cache_follows_record_versions() -> None:
    from types import SimpleNamespace

    from app.dedup.service import RECORD_FIELDS, ViewCache

    cache = ViewCache(max_entries=2)
    fields = dict.fromkeys(RECORD_FIELDS["contact"]) | {"last_name": "Kerbrat"}
    record = SimpleNamespace(id="r1", version=1, **fields)
    first = cache.view("contact", record)
    assert cache.view("contact", record) is first  # served from the cache
    record.version, record.last_name = 2, "Le Goff"
    second = cache.view("contact", record)
    assert second is not first and second.last_name != first.last_name
    for n in range(3):  # bounded: the oldest entries go
        cache.view("contact", SimpleNamespace(id=f"x{n}", version=1, **fields))
    assert cache.view("contact", record) is not second


async def test_crowded_kinds_are_capped_lower_than_a_personal_email(
    client: AsyncClient, steward: dict
) -> None:
    """26 namesakes sharing a mobile fill the name and phone keys past their cap (25): a
    lookup reads none of them but still finds the one sharing its email; 26 people sharing a
    personal email are all read (that kind keeps the cap of 200)."""
    for n in range(26):
        namesake = {"first_name": "Jean", "last_name": "Martin", "phone": "06 12 34 56 78"}
        await store(client, steward, "contacts", namesake | {"email": f"jm{n}@exemple.fr"})
        relative = {"first_name": "Léa" + chr(97 + n), "last_name": "Kerval" + chr(97 + n)}
        await store(client, steward, "contacts", relative | {"email": "kerval@exemple.fr"})

    probe = {"first_name": "Jean", "last_name": "Martin", "phone": "+33612345678"}
    found = await lookup(client, steward, "contact", probe | {"email": "jm3@exemple.fr"})
    assert found["candidates_compared"] == 1
    assert found["keys_capped"] >= 5  # name, sound, prefix, suffix and phone keys
    assert [m["verdict"] for m in found["matches"]] == ["duplicate"]

    probe = {"first_name": "Zoé", "last_name": "Nouvelle", "email": "Kerval@exemple.fr"}
    shared_email = await lookup(client, steward, "contact", probe)
    assert shared_email["candidates_compared"] == 26
    assert shared_email["keys_capped"] == 0
