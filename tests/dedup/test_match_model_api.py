"""What a base's duplicates keep, read by a full scan and used by scans and lookups."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy import text

from app.dedup.engine import estimate
from tests.support.jobs import run_jobs

# Pairs the names, email and mobile settle on their own, each holding two job titles: the
# base says its duplicates often keep another title.
SURNAMES = ["Kerbrat", "Le Gall", "Quéméner", "Abgrall", "Cadiou", "Tanguy"]
FIRST_NAMES = ["Yannick", "Gwenaëlle", "Erwan", "Morgane", "Loïc", "Soizic"]
TITLES = [("DAF", "Directeur commercial"), ("Juriste", "Acheteuse"), ("DSI", "Comptable")]


def _settled_pairs() -> list[dict]:
    people = []
    for i, (first, last) in enumerate(zip(FIRST_NAMES, SURNAMES, strict=True)):
        fields = {"first_name": first, "last_name": last,
                  "email": f"{first[0]}.{last.replace(' ', '')}@armor-{i}.fr".lower(),
                  "phone": f"06 1{i} 22 33 4{i}"}  # fmt: skip
        for title in TITLES[i % len(TITLES)]:
            people.append({**fields, "job_title": title})
    return people


# Stored, and looked up with another title: names and the firm's switchboard agree.
PROBE_STORED = {"first_name": "Maëlys", "last_name": "Guivarc'h", "job_title": "Responsable RH",
                "phone": "02 98 44 55 66"}  # fmt: skip
PROBE = {**PROBE_STORED, "job_title": "Chargée de recrutement"}


async def _model(client: AsyncClient, headers: dict, entity: str = "contact") -> dict:
    response = await client.get(f"/v1/duplicates/model?entity={entity}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _levels(model: dict) -> dict[tuple[str, str], dict]:
    return {(f["field"], lv["level"]): lv for f in model["fields"] for lv in f["levels"]}


async def _probe(client: AsyncClient, headers: dict) -> float:
    response = await client.post(
        "/v1/duplicates/lookup", json={"entity": "contact", "record": PROBE}, headers=headers
    )
    assert response.status_code == 200, response.text
    (match,) = response.json()["matches"]
    return match["probability"]


@pytest.mark.committed
async def test_a_full_scan_reads_what_duplicates_keep_and_lookups_weigh_with_it(
    live, committed_url: str
) -> None:  # type: ignore[no-untyped-def]
    client, app, headers = live
    for person in [*_settled_pairs(), PROBE_STORED]:
        assert (await client.post("/v1/contacts", json=person, headers=headers)).is_success

    before = await _model(client, headers)
    assert before["counted_by_scan"] is None and before["counted_at"] is None
    assert all(lv["m_in_use"] == lv["m_judged"] for lv in _levels(before).values())
    readable = {f["field"] for f in before["fields"] if f["read_from_base"]}
    assert readable == set(estimate.ESTIMATED["contact"])
    probability_before = await _probe(client, headers)

    started = await client.post("/v1/duplicates/scans", json={"entity": "contact"}, headers=headers)
    await run_jobs(committed_url)
    job = (await client.get(f"/v1/jobs/{started.json()['job_id']}", headers=headers)).json()
    assert job["status"] == "succeeded", job
    pairs = len(SURNAMES)
    counted = {(r["field"], r["level"]): r["pairs"] for r in job["result"]["settled_levels"]}
    assert counted["job_title", "else"] == pairs and ("job_title", "exact") not in counted
    assert counted["mobile", "exact"] == pairs

    after = await _model(client, headers)
    assert after["counted_by_scan"] == started.json()["job_id"]
    levels = _levels(after)
    other_title = levels["job_title", "else"]
    assert other_title["settled_pairs"] == pairs
    assert other_title["m_in_use"] > other_title["m_judged"]
    assert levels["job_title", "exact"]["m_in_use"] < levels["job_title", "exact"]["m_judged"]
    title = next(f for f in after["fields"] if f["field"] == "job_title")
    assert title["settled_pairs"] == pairs
    # each field's m keep their sum; names are never read from the base
    judged_sum = sum(lv["m_judged"] for lv in title["levels"])
    assert sum(lv["m_in_use"] for lv in title["levels"]) == pytest.approx(judged_sum, abs=1e-5)
    assert all(
        lv["m_in_use"] == lv["m_judged"] and lv["settled_pairs"] == 0
        for (field, _), lv in levels.items()
        if field in ("first_name", "last_name")
    )

    # another title now weighs less against the probe's pair
    assert await _probe(client, headers) > probability_before

    stored_sql = "SELECT field, level, pairs FROM match_level_counts WHERE entity = 'contact'"
    audit_sql = "SELECT details FROM audit_events WHERE action = 'dedup.level_counts'"
    async with app.state.sessionmaker() as session:
        stored = (await session.execute(text(stored_sql))).all()
        (details,) = (await session.execute(text(audit_sql))).scalars()
    assert ("job_title", "else", pairs) in [tuple(row) for row in stored]
    assert details["scan_id"] == started.json()["job_id"]
    assert details["job_title.else"] == pairs
    assert all("Kerbrat" not in str(value) for value in details.values())


@pytest.mark.committed
async def test_a_first_full_scan_weighs_with_what_it_counts_before_scoring(
    live, committed_url: str
) -> None:  # type: ignore[no-untyped-def]
    client, _, headers = live
    for person in _settled_pairs():
        assert (await client.post("/v1/contacts", json=person, headers=headers)).is_success
    ids = []
    for person in (PROBE_STORED, PROBE):
        response = await client.post(
            "/v1/contacts?allow_duplicates=true", json=person, headers=headers
        )
        assert response.is_success, response.text
        ids.append(response.json()["id"])

    async def pair_seen_from_the_probe() -> float:
        url = f"/v1/contacts/{ids[1]}/duplicates"
        found = (await client.get(url, headers=headers)).json()["matches"]
        return next(m["probability"] for m in found if m["id"] == ids[0])

    judged = await pair_seen_from_the_probe()
    started = await client.post("/v1/duplicates/scans", json={"entity": "contact"}, headers=headers)
    await run_jobs(committed_url)
    job = (await client.get(f"/v1/jobs/{started.json()['job_id']}", headers=headers)).json()
    assert job["status"] == "succeeded", job
    weighed_with = {(r["field"], r["level"]): r["pairs"] for r in job["result"]["weighed_with"]}
    assert weighed_with["job_title", "else"] == len(SURNAMES)
    # here the pass that weighs with them settles the same pairs as the pass that counts
    assert job["result"]["weighed_with"] == job["result"]["settled_levels"]
    queue = (await client.get("/v1/duplicate-pairs", headers=headers)).json()["items"]
    (stored,) = [p["probability"] for p in queue if {p["left_id"], p["right_id"]} == set(ids)]
    assert stored > judged
    assert stored == pytest.approx(await pair_seen_from_the_probe(), abs=1e-6)

    # the next full scan weighs with the stored counts, without counting first
    again = await client.post("/v1/duplicates/scans", json={"entity": "contact"}, headers=headers)
    await run_jobs(committed_url)
    job = (await client.get(f"/v1/jobs/{again.json()['job_id']}", headers=headers)).json()
    assert job["result"]["weighed_with"] == job["result"]["settled_levels"]


@pytest.mark.committed
async def test_a_scan_that_settles_nothing_brings_the_judgement_back(
    live, committed_url: str
) -> None:  # type: ignore[no-untyped-def]
    client, app, headers = live
    async with app.state.sessionmaker.begin() as session:
        await session.execute(text(
            "INSERT INTO match_level_counts (entity, field, level, pairs) "
            "VALUES ('contact', 'job_title', 'else', 400)"))  # fmt: skip
    assert (await client.post("/v1/contacts", json=PROBE_STORED, headers=headers)).is_success
    learnt = _levels(await _model(client, headers))
    assert learnt["job_title", "else"]["m_in_use"] > learnt["job_title", "else"]["m_judged"]

    started = await client.post("/v1/duplicates/scans", json={"entity": "contact"}, headers=headers)
    await run_jobs(committed_url)
    job = (await client.get(f"/v1/jobs/{started.json()['job_id']}", headers=headers)).json()
    assert job["status"] == "succeeded" and job["result"]["settled_levels"] == [], job
    after = await _model(client, headers)
    assert after["counted_by_scan"] is None
    assert all(lv["m_in_use"] == lv["m_judged"] for lv in _levels(after).values())


async def test_the_model_of_companies_is_the_judgement(client: AsyncClient, auth_headers) -> None:  # type: ignore[no-untyped-def]
    headers = await auth_headers(role="data_steward")
    model = await _model(client, headers, "company")
    assert model["fields"] and not any(f["read_from_base"] for f in model["fields"])
    assert all(lv["m_in_use"] == lv["m_judged"] for lv in _levels(model).values())
    assert model["settled_at"] == estimate.SETTLED


@pytest.mark.parametrize("query", ["", "?entity=person", "?entity=CONTACT", "?entity="])
async def test_the_model_endpoint_refuses_a_bad_entity(
    client: AsyncClient, auth_headers, query: str
) -> None:  # type: ignore[no-untyped-def]
    headers = await auth_headers(role="data_steward")
    response = await client.get(f"/v1/duplicates/model{query}", headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_the_model_endpoint_needs_the_duplicates_scope(
    client: AsyncClient, auth_headers
) -> None:  # type: ignore[no-untyped-def]
    headers = await auth_headers(scopes=["records:read"])
    response = await client.get("/v1/duplicates/model?entity=contact", headers=headers)
    assert response.status_code == 403
    assert (await client.get("/v1/duplicates/model?entity=contact")).status_code == 401
