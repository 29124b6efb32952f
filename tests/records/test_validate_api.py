"""The stateless check web forms call on submit."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.records.models import Contact


@pytest.fixture
async def form(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(scopes=["validate"])


async def test_findings_suggestions_and_normalised_record(
    client: AsyncClient, form: dict, session: AsyncSession
) -> None:
    response = await client.post(
        "/v1/validate/contact",
        json={
            "first_name": "jean-pierre",
            "last_name": "DUPONT",
            "email": "jp@gmial.com",
            "phone": "06 12 34 56 78",
        },
        headers=form | {"Accept-Language": "en"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["normalized"]["first_name"] == "Jean-Pierre"
    assert body["normalized"]["phone"] == "+33612345678"
    by_code = {f["code"]: f for f in body["findings"]}
    assert by_code["email.typo"]["suggestion"] == "jp@gmail.com"
    assert "civility.missing" in by_code
    assert all(f["message"] for f in body["findings"])
    assert await session.scalar(select(func.count()).select_from(Contact)) == 0


async def test_an_address_copied_from_a_mail_client_is_kept(
    client: AsyncClient, form: dict
) -> None:
    response = await client.post(
        "/v1/validate/contact",
        json={"first_name": "Jean", "last_name": "Dupont", "email": "Jean Dupont <JD@Acme.fr>"},
        headers=form,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["blocking"], body["normalized"]["email"]) == (False, "jd@acme.fr")
    (finding,) = [f for f in body["findings"] if f["field"] == "email"]
    assert (finding["code"], finding["severity"]) == ("email.display_name_removed", "warning")
    assert "nom affiché" in finding["message"]


async def test_two_numbers_in_one_field_are_refused_with_the_first_suggested(
    client: AsyncClient, form: dict
) -> None:
    response = await client.post(
        "/v1/validate/contact",
        json={
            "first_name": "Jean",
            "last_name": "Dupont",
            "phone": "01 42 68 53 00 / 06 12 34 56 78",
        },
        headers=form | {"Accept-Language": "en"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["blocking"] is True
    (finding,) = [f for f in body["findings"] if f["field"] == "phone"]
    assert (finding["code"], finding["suggestion"]) == ("phone.several", "+33142685300")
    assert finding["message"].startswith("Several numbers in one field")


async def test_french_messages_by_default(client: AsyncClient, form: dict) -> None:
    en = await client.post(
        "/v1/validate/company",
        json={"name": "X", "siren": "123"},
        headers=form | {"Accept-Language": "en"},
    )
    fr = await client.post("/v1/validate/company", json={"name": "X", "siren": "123"}, headers=form)
    assert en.json()["blocking"] is True
    assert [f["code"] for f in en.json()["findings"]] == [f["code"] for f in fr.json()["findings"]]
    assert [f["message"] for f in en.json()["findings"]] != [
        f["message"] for f in fr.json()["findings"]
    ]


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"email": 42, "last_name": ["x"]}, id="wrong-types-become-findings"),
        pytest.param({"last_name": "x" * 100_000}, id="huge-value"),
        pytest.param(
            {"last_name": "Ma\u200brtin", "first_name": "\u202eevil"}, id="unicode-tricks"
        ),
    ],
)
async def test_nasty_input_gives_findings_not_errors(
    client: AsyncClient, form: dict, payload: dict
) -> None:
    response = await client.post("/v1/validate/contact", json=payload, headers=form)
    assert response.status_code == 200, response.text
    assert response.json()["blocking"] is True


async def test_not_an_object_is_422(client: AsyncClient, form: dict) -> None:
    response = await client.post("/v1/validate/contact", json=["a"], headers=form)
    assert response.status_code == 422


async def test_browser_preflight_from_allowed_origin(client: AsyncClient) -> None:
    response = await client.options(
        "/v1/validate/contact",
        headers={
            "Origin": "https://forms.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,accept-language",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://forms.example.com"


async def test_validate_scope_cannot_read_records(client: AsyncClient, form: dict) -> None:
    assert (await client.get("/v1/contacts", headers=form)).status_code == 403
