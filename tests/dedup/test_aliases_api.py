"""The alias dictionary: taught by hand or by renames, it makes other names match."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.dedup.aliases import canonical_names, key_of, substitute


@pytest.fixture
async def steward(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="data_steward")


async def lookup_ids(client: AsyncClient, headers: dict, record: dict) -> list[str]:
    response = await client.post(
        "/v1/duplicates/lookup", json={"entity": "company", "record": record}, headers=headers
    )
    assert response.status_code == 200, response.text
    return [m["id"] for m in response.json()["matches"]]


async def test_a_taught_alias_makes_a_trade_name_match(client: AsyncClient, steward: dict) -> None:
    body = {"name": "Société Générale", "siren": "552120222", "phone": "01 42 14 20 00"}
    stored = await client.post("/v1/companies", json=body, headers=steward)
    assert stored.status_code == 201, stored.text
    probe = {"name": "SocGen", "phone": "+33142142000"}  # same switchboard, another name
    before = await lookup_ids(client, steward, probe)
    taught = await client.post(
        "/v1/duplicates/aliases",
        json={"alias": "SocGen", "canonical": "Société Générale"},
        headers=steward,
    )
    assert taught.status_code == 201, taught.text
    assert stored.json()["id"] not in before
    assert stored.json()["id"] in await lookup_ids(client, steward, probe)
    listed = (await client.get("/v1/duplicates/aliases", headers=steward)).json()["items"]
    assert [(a["alias"], a["canonical"], a["source"]) for a in listed] == [
        ("SocGen", "Société Générale", "manual")
    ]


async def test_a_rename_teaches_the_former_name(client: AsyncClient, steward: dict) -> None:
    body = {"name": "Transports Kerhoas", "siren": "732829320", "phone": "02 98 44 55 66"}
    created = (await client.post("/v1/companies", json=body, headers=steward)).json()
    renamed = await client.patch(
        f"/v1/companies/{created['id']}",
        json={"name": "Kerhoas Logistique"},
        headers=steward | {"If-Match": '"1"'},
    )
    assert renamed.status_code == 200
    listed = (await client.get("/v1/duplicates/aliases", headers=steward)).json()["items"]
    assert [(a["alias"], a["canonical"], a["kind"], a["source"]) for a in listed] == [
        ("Transports Kerhoas", "Kerhoas Logistique", "former_name", "rename")
    ]
    probe = {"name": "Transports Kerhoas", "phone": "0298445566"}
    assert created["id"] in await lookup_ids(client, steward, probe)


async def test_a_company_renamed_twice_is_found_under_its_first_name(
    client: AsyncClient, steward: dict, session: AsyncSession
) -> None:
    body = {"name": "Transports Kerhoas", "siren": "732829320"}
    created = (await client.post("/v1/companies", json=body, headers=steward)).json()
    for version, name in enumerate(("Kerhoas Logistique", "Kerhoas Group"), start=1):
        renamed = await client.patch(
            f"/v1/companies/{created['id']}",
            json={"name": name},
            headers=steward | {"If-Match": f'"{version}"'},
        )
        assert renamed.status_code == 200, renamed.text
    # the first former name points at the second, which now stands for the third
    assert created["id"] in await lookup_ids(client, steward, {"name": "Transports Kerhoas"})
    assert created["id"] in await lookup_ids(client, steward, {"name": "Kerhoas Logistique"})
    # asked together (a lookup's candidates are), the middle name is no stop on the way
    both = await canonical_names(session, ["Transports Kerhoas", "kerhoas logistique", "Acme"])
    assert both == {key_of("Transports Kerhoas"): "Kerhoas Group",
                    key_of("Kerhoas Logistique"): "Kerhoas Group"}  # fmt: skip


async def test_alias_rules_and_scopes(client: AsyncClient, steward: dict, auth_headers) -> None:  # type: ignore[no-untyped-def]
    same = await client.post(
        "/v1/duplicates/aliases", json={"alias": "I.B.M", "canonical": "IBM"}, headers=steward
    )
    assert same.status_code == 422 and same.json()["code"] == "aliases.unusable"
    first = await client.post(
        "/v1/duplicates/aliases", json={"alias": "Big Blue", "canonical": "IBM"}, headers=steward
    )
    assert first.status_code == 201
    again = await client.post(
        "/v1/duplicates/aliases", json={"alias": "big blue", "canonical": "I B M"}, headers=steward
    )
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    other = await client.post(
        "/v1/duplicates/aliases", json={"alias": "Big Blue", "canonical": "Apple"}, headers=steward
    )
    assert other.status_code == 409 and other.json()["code"] == "aliases.taken"
    chained = await client.post(
        "/v1/duplicates/aliases", json={"alias": "Bleu", "canonical": "Big Blue"}, headers=steward
    )
    assert chained.json()["canonical"] == "IBM"  # no chains
    loop = await client.post(
        "/v1/duplicates/aliases", json={"alias": "IBM", "canonical": "Bleu"}, headers=steward
    )
    assert loop.status_code == 422 and loop.json()["code"] == "aliases.unusable"
    for bare in ({"alias": "SAS", "canonical": "Acme"}, {"alias": "Acme", "canonical": "S.A.R.L."}):
        refused = await client.post("/v1/duplicates/aliases", json=bare, headers=steward)
        assert refused.status_code == 422 and refused.json()["code"] == "aliases.unusable"
    sales = await auth_headers(role="sales")
    refused = await client.post(
        "/v1/duplicates/aliases", json={"alias": "x", "canonical": "y"}, headers=sales
    )
    assert refused.status_code == 403
    gone = await client.delete(f"/v1/duplicates/aliases/{first.json()['id']}", headers=steward)
    assert gone.status_code == 204
    missing = await client.delete(f"/v1/duplicates/aliases/{first.json()['id']}", headers=steward)
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("name", "key"),
    [
        pytest.param("I.B.M", "ibm", id="dotted"),
        pytest.param("i b m", "ibm", id="spaced"),
        pytest.param("", "", id="empty"),
        pytest.param(42, "", id="not-text"),
    ],
)
def test_key_of(name: object, key: str) -> None:
    assert key_of(name) == key


def test_substitute_only_known_aliases() -> None:
    canon = {"socgen": "Société Générale"}
    assert substitute({"name": "Soc-Gen"}, canon)["name"] == "Société Générale"
    assert substitute({"name": "Dupont"}, canon) == {"name": "Dupont"}
