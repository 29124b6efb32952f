"""Companies through the API: French identifiers, legal forms, domains."""

from __future__ import annotations

import pytest
from httpx import AsyncClient


@pytest.fixture
async def writer(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="data_steward")


async def test_create_splits_legal_form_and_derives_identifiers(
    client: AsyncClient, writer: dict
) -> None:
    response = await client.post(
        "/v1/companies",
        json={
            "name": "DUPONT LOGISTIQUE SAS",
            "siret": "732 829 320 00074",
            "website": "HTTPS://WWW.Dupont.FR/contact?x=1",
            "phone": "01 42 68 53 00",
            "postcode": "75008",
            "city": "paris",
            "size": "10-49",
        },
        headers=writer,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name"], body["legal_form"]) == ("Dupont Logistique", "SAS")
    assert (body["siren"], body["siret"]) == ("732829320", "73282932000074")
    assert (body["website"], body["domain"]) == ("https://www.dupont.fr", "dupont.fr")
    assert body["phone"] == "+33142685300"
    assert body["size"] == "10-49"


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        pytest.param(
            {"name": "X", "siren": "732829321"},
            "siren",
            "siren.invalid_checksum",
            id="siren-checksum",
        ),
        pytest.param(
            {"name": "X", "siren": "732829320", "siret": "55208131766522"},
            "siret",
            "siret.siren_mismatch",
            id="siret-other-siren",
        ),
        pytest.param(
            {"name": "X", "country": "FR"},
            "siren",
            "field.one_of_required",
            id="french-company-needs-siren",
        ),
        pytest.param({"siren": "732829320"}, "name", "field.required", id="no-name"),
    ],
)
async def test_invalid_companies(
    client: AsyncClient, writer: dict, payload: dict, field: str, code: str
) -> None:
    response = await client.post("/v1/companies", json=payload, headers=writer)
    assert response.status_code == 422, response.text
    assert {"field": field, "code": code} in [
        {"field": e["field"], "code": e["code"]} for e in response.json()["errors"]
    ]


async def test_foreign_company_needs_no_siren(client: AsyncClient, writer: dict) -> None:
    response = await client.post(
        "/v1/companies", json={"name": "Muller GmbH", "country": "Deutschland"}, headers=writer
    )
    assert response.status_code == 201, response.text
    assert (response.json()["legal_form"], response.json()["country"]) == ("GmbH", "DE")


async def test_filters(client: AsyncClient, writer: dict) -> None:
    for name, siren, sector in (
        ("Alpha SAS", "732829320", "Transport"),
        ("Beta SARL", "552081317", "Banque"),
    ):
        created = await client.post(
            "/v1/companies", json={"name": name, "siren": siren, "sector": sector}, headers=writer
        )
        assert created.status_code == 201, created.text

    async def names(**params: str) -> list[str]:
        items = (await client.get("/v1/companies", params=params, headers=writer)).json()["items"]
        return sorted(c["name"] for c in items)

    assert await names(siren="552 081 317") == ["Beta"]
    assert await names(sector="Transport") == ["Alpha"]
    assert await names(status="merged") == []


async def test_company_update_and_stale_version(client: AsyncClient, writer: dict) -> None:
    created = (
        await client.post(
            "/v1/companies", json={"name": "Gamma", "siren": "732829320"}, headers=writer
        )
    ).json()
    url = f"/v1/companies/{created['id']}"
    ok = await client.patch(
        url, json={"siret": "73282932000074"}, headers=writer | {"If-Match": created and '"1"'}
    )
    assert ok.status_code == 200 and ok.json()["siret"] == "73282932000074"
    stale = await client.patch(url, json={"sector": "x"}, headers=writer | {"If-Match": 'W/"1"'})
    assert stale.status_code == 412
