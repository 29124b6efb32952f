"""Decision-based precision per verdict band, and the origin of duplicates."""

from __future__ import annotations

from httpx import AsyncClient

from tests.dedup.test_prevention_api import AGAIN, KERBRAT

OTHER = {
    "first_name": "Anne",
    "last_name": "Le Goff",
    "email": "anne.legoff@breizh.fr",
    "phone": "06 55 44 33 22",
}
OTHER_AGAIN = {
    "first_name": "anne",
    "last_name": "LE GOFF",
    "email": "Anne.LeGoff@breizh.fr",
    "phone": "+33655443322",
}


async def test_precision_and_origins(client: AsyncClient, auth_headers) -> None:  # type: ignore[no-untyped-def]
    steward = await auth_headers(role="data_steward")
    crm = await auth_headers(scopes=["records:read", "records:write"])
    for body in (KERBRAT, OTHER):
        assert (await client.post("/v1/contacts", json=body, headers=steward)).status_code == 201
    for n, body in enumerate((AGAIN, OTHER_AGAIN)):
        created = await client.put(
            f"/v1/contacts/by-ref/hubspot/{n}", params={"channel": "crm"}, json=body, headers=crm
        )
        assert created.status_code == 201, created.text
    pairs = (await client.get("/v1/duplicate-pairs", headers=steward)).json()["items"]
    assert len(pairs) == 2
    await client.post(
        f"/v1/duplicate-pairs/{pairs[0]['id']}/decision",
        json={"decision": "confirm"},
        headers=steward,
    )
    await client.post(
        f"/v1/duplicate-pairs/{pairs[1]['id']}/decision",
        json={"decision": "dismiss"},
        headers=steward,
    )

    rows = (await client.get("/v1/duplicate-pairs/precision", headers=steward)).json()
    assert sum(r["confirmed"] for r in rows) == 1
    assert sum(r["dismissed"] for r in rows) == 1
    assert all(r["precision"] in (0.0, 0.5, 1.0) for r in rows)

    origins = (await client.get("/v1/duplicates/origins", headers=steward)).json()
    assert origins == [
        origins[0] | {"source_system": "hubspot", "created_by_type": "service_account", "pairs": 1}
    ]


async def test_reports_need_duplicates_read(client: AsyncClient, auth_headers) -> None:  # type: ignore[no-untyped-def]
    auditor = await auth_headers(role="auditor")
    for path in ("/v1/duplicate-pairs/precision", "/v1/duplicates/origins"):
        assert (await client.get(path, headers=auditor)).status_code == 403
    steward = await auth_headers(role="data_steward")
    empty = await client.get(
        "/v1/duplicates/origins", params={"entity": "company"}, headers=steward
    )
    assert empty.status_code == 200 and empty.json() == []
    bad = await client.get("/v1/duplicates/origins", params={"entity": "deal"}, headers=steward)
    assert bad.status_code == 422
