"""A scan run by a real worker on committed data, then the review queue through the API."""

from __future__ import annotations

import uuid

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from app.auth.scopes import Role
from app.dedup.blocking import BlockingStats, candidate_pairs, usable_keys
from app.main import create_app
from tests.conftest import make_test_settings
from tests.dedup.scanning import scan_once
from tests.support.auth import bearer, user_token
from tests.support.jobs import run_jobs

PEOPLE = [
    {"first_name": "Jean-Pierre", "last_name": "Kerbrat", "email": "jp.kerbrat@acme.fr"},
    {
        "first_name": "jean pierre",
        "last_name": "KERBRAT",
        "email": "JP.Kerbrat@acme.fr",
        "phone": "06 12 34 56 78",
    },
    {"first_name": "Alice", "last_name": "Durand", "email": "alice.durand@exemple.fr"},
    {"first_name": "Marc", "last_name": "Leroy", "phone": "06 98 76 54 32"},
]


@pytest.mark.committed
async def test_scan_fills_the_queue_and_decisions_stick(live, committed_url: str) -> None:  # type: ignore[no-untyped-def]
    client, app, headers = live
    ids = []
    for person in PEOPLE:
        response = await client.post("/v1/contacts", json=person, headers=headers)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])

    started = await client.post("/v1/duplicates/scans", json={"entity": "contact"}, headers=headers)
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]
    await run_jobs(committed_url)

    job = (await client.get(f"/v1/jobs/{job_id}", headers=headers)).json()
    assert job["status"] == "succeeded", job
    assert job["result"]["records"] == 4
    assert job["result"]["pairs_stored"] == 1
    by_key = {row["key"]: row for row in job["result"]["keys"]}
    assert by_key["email"]["pairs"] >= 1

    clusters = (await client.get("/v1/duplicates/clusters", headers=headers)).json()["items"]
    # the one confident link makes one cluster of the two Kerbrat records
    assert job["result"]["clusters"] == job["result"]["by_verdict"]["duplicate"] == 1
    assert [sorted(c["record_ids"]) for c in clusters] == [sorted(ids[:2])]
    async with app.state.sessionmaker() as session:
        event = await session.scalar(text("SELECT data FROM outbox WHERE type = 'scan.completed'"))
    assert (event["job_id"], event["records"], event["clusters"]) == (job_id, 4, 1)
    queue = (await client.get("/v1/duplicate-pairs", headers=headers)).json()["items"]
    assert len(queue) == 1
    pair = queue[0]
    assert {pair["left_id"], pair["right_id"]} == {ids[0], ids[1]}
    assert pair["verdict"] in {"duplicate", "possible"} and pair["reasons"]

    dismissed = await client.post(
        f"/v1/duplicate-pairs/{pair['id']}/decision",
        json={"decision": "dismiss", "reason": "homonymes"},
        headers=headers,
    )
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    again = await client.post(
        f"/v1/duplicate-pairs/{pair['id']}/decision", json={"decision": "confirm"}, headers=headers
    )
    assert again.status_code == 409

    # A second scan keeps the decision: the dismissed pair does not come back.
    await client.post("/v1/duplicates/scans", json={"entity": "contact"}, headers=headers)
    await run_jobs(committed_url)
    open_pairs = (await client.get("/v1/duplicate-pairs", headers=headers)).json()["items"]
    assert open_pairs == []
    all_pairs = (
        await client.get("/v1/duplicate-pairs", params={"status": "dismissed"}, headers=headers)
    ).json()["items"]
    assert [p["id"] for p in all_pairs] == [pair["id"]]


async def test_review_endpoints_refuse_bad_input(client: AsyncClient, auth_headers) -> None:  # type: ignore[no-untyped-def]
    sales = await auth_headers(role="sales")
    assert (
        await client.post("/v1/duplicates/scans", json={"entity": "contact"}, headers=sales)
    ).status_code == 403
    steward = await auth_headers(role="data_steward")
    bad = await client.post("/v1/duplicates/scans", json={"entity": "deal"}, headers=steward)
    assert bad.status_code == 422
    missing = await client.post(
        f"/v1/duplicate-pairs/{uuid.uuid4()}/decision",
        json={"decision": "confirm"},
        headers=steward,
    )
    assert missing.status_code == 404
    assert missing.json()["code"] == "duplicate_pairs.not_found"
    cursor = await client.get("/v1/duplicate-pairs", params={"cursor": "zz"}, headers=steward)
    assert cursor.status_code == 400


def test_candidate_pairs_each_once_and_counted_by_key() -> None:
    a, b, c = sorted(uuid.uuid4() for _ in range(3))
    stats = BlockingStats()
    keys = usable_keys(
        ["email:x", "name:y", "name:big", "phone:z", "ph:mid", "phone:mid"],
        {"email:x": 2, "name:y": 3, "name:big": 999, "ph:mid": 26, "phone:mid": 26},
        {"name:": 200, "ph:": 25},
        stats,
    )
    assert keys == {"email:x", "name:y", "phone:mid"}  # kinds the caps leave out keep 200
    assert stats.capped == {"name:": 1, "ph:": 1}
    members = {"email:x": [a, b], "name:y": [a, b, c]}
    pairs = candidate_pairs(
        {a: ["email:x", "name:y"], b: ["email:x", "name:y"]}, members, only_later=True, stats=stats
    )
    assert pairs == {(a, b), (a, c), (b, c)}
    assert sum(stats.pairs.values()) == 3


@pytest.mark.committed
async def test_the_api_process_runs_scans_when_asked(committed_url: str) -> None:
    import asyncio

    app = create_app(make_test_settings(committed_url, embedded_worker=True))
    transport = ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        async with app.state.sessionmaker.begin() as session:
            _, token = await user_token(session, app.state.auth, Role.DATA_STEWARD)
        headers = bearer(token)
        for person in PEOPLE[:2]:
            assert (await client.post("/v1/contacts", json=person, headers=headers)).is_success
        job_id = (
            await client.post("/v1/duplicates/scans", json={"entity": "contact"}, headers=headers)
        ).json()["job_id"]
        status = None
        for _ in range(300):
            status = (await client.get(f"/v1/jobs/{job_id}", headers=headers)).json()["status"]
            if status in {"succeeded", "failed"}:
                break
            await asyncio.sleep(0.05)
        assert status == "succeeded"


@pytest.mark.committed
async def test_worker_processes_and_read_ahead_find_the_same_pairs(
    live, committed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from app.dedup import scan, scan_full

    client, _, headers = live
    people = [
        *PEOPLE,
        {"first_name": "Alice", "last_name": "Durant", "email": "alice.durand@exemple.fr"},
        {"first_name": "Marc", "last_name": "Leroy", "phone": "+33 6 98 76 54 32"},
        {"first_name": "Zoé", "last_name": "Kerbrat", "email": "zoe.kerbrat@acme.fr"},
    ]
    for person in people:
        assert (await client.post("/v1/contacts", json=person, headers=headers)).is_success
    monkeypatch.setattr(scan, "BATCH", 2)  # several batches in flight at once
    monkeypatch.setattr(scan_full, "PAGE", 3)  # blocks cut across pages
    monkeypatch.setattr(scan_full, "RECORDS", 2)

    here = await scan_once(client, headers, committed_url)
    monkeypatch.setattr(scan_full, "PARALLEL_FROM", 0)
    in_processes = await scan_once(client, headers, committed_url)
    assert in_processes == here
    assert here["result"]["records"] == len(people)
    assert len(here["pairs"]) == 3  # Kerbrat ×2, Durand/Durant, Leroy ×2


@pytest.mark.committed
async def test_related_pairs_stay_out_of_the_queue_and_the_origins(
    live, committed_url: str
) -> None:  # type: ignore[no-untyped-def]
    client, _, headers = live
    companies = [
        {"name": "Dupont Logistique", "siret": "73282932000074", "city": "Lyon"},
        {"name": "Dupont Logistique", "siret": "73282932000090", "city": "Lille"},
        {"name": "Kerbrat Conseil", "siren": "552100554", "city": "Brest"},
        {"name": "KERBRAT CONSEIL SARL", "siren": "552100554", "city": "Brest"},
    ]
    for body in companies:
        response = await client.post("/v1/companies", json=body, headers=headers)
        assert response.status_code == 201, response.text
    await client.post("/v1/duplicates/scans", json={"entity": "company"}, headers=headers)
    await run_jobs(committed_url)
    queue = await client.get("/v1/duplicate-pairs", params={"entity": "company"}, headers=headers)
    assert [p["verdict"] for p in queue.json()["items"]] == ["duplicate"]  # what to decide on
    every = await client.get(
        "/v1/duplicate-pairs",
        params={"entity": "company", "verdict": ["related", "duplicate", "possible"]},
        headers=headers,
    )
    assert sorted(p["verdict"] for p in every.json()["items"]) == ["duplicate", "related"]
    origins = await client.get(
        "/v1/duplicates/origins", params={"entity": "company"}, headers=headers
    )
    assert [row["pairs"] for row in origins.json()] == [1]
