"""Rescoring outside writes: the `quality.rescore` job, its endpoint and schedule, scans."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select, update

from app.core.settings import Settings
from app.core.timeutil import utcnow
from app.dedup.models import DuplicatePair
from app.quality import record_job, record_service
from app.records.models import Contact
from tests.conftest import live_app
from tests.support.jobs import run_jobs

PEOPLE = [
    {"first_name": "Yann", "last_name": "Kerbrat", "email": "yann.kerbrat@armor-peche.fr",
     "phone": "02 98 12 34 56"},
    {"first_name": "Yann", "last_name": "Kerbrat", "email": "yann.kerbrat@armor-peche.fr",
     "phone": "+33 2 98 12 34 56"},
    {"first_name": "Maëlle", "last_name": "Quéré", "email": "maelle.quere@ty-coz.bzh"},
]  # fmt: skip


class TestStartRescore:
    async def test_admin_and_steward_start_it(self, client: AsyncClient, auth_headers: Any) -> None:
        for role in ("admin", "data_steward"):
            headers = await auth_headers(role=role)
            response = await client.post(
                "/v1/quality/rescore", json={"entity": "contact"}, headers=headers
            )
            assert response.status_code == 202, response.text
            assert response.json()["status"] == "queued"
            uuid.UUID(response.json()["job_id"])

    @pytest.mark.parametrize(
        ("role", "body", "status"),
        [
            pytest.param(None, {"entity": "contact"}, 401, id="no-token"),
            pytest.param("auditor", {"entity": "contact"}, 403, id="auditor-reads-only"),
            pytest.param("sales", {"entity": "contact"}, 403, id="sales"),
            pytest.param("admin", {"entity": "person"}, 422, id="unknown-entity"),
            pytest.param("admin", {}, 422, id="no-entity"),
            pytest.param("admin", {"entity": "contact", "all": True}, 422, id="unknown-field"),
            pytest.param("admin", [], 422, id="not-an-object"),
        ],
    )
    async def test_refusals(
        self, client: AsyncClient, auth_headers: Any, role: str | None, body: Any, status: int
    ) -> None:
        headers = await auth_headers(role=role) if role else {}
        response = await client.post("/v1/quality/rescore", json=body, headers=headers)
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.committed
async def test_the_job_rescores_every_active_record_in_batches(
    committed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(record_job, "BATCH", 2)  # several units, each with its checkpoint
    async with live_app(committed_url) as (client, app, headers):
        ids = []
        for person in PEOPLE:
            made = await client.post("/v1/contacts", json=person, headers=headers)
            assert made.status_code == 201, made.text
            ids.append(uuid.UUID(made.json()["id"]))
        old = utcnow() - timedelta(days=800)
        table = Contact.__table__
        async with app.state.sessionmaker.begin() as session:
            await session.execute(  # never scored, and untouched for two years
                update(table)
                .where(table.c.id.in_(ids))
                .values(quality_score=None, quality_flags=[], updated_at=old)
            )
        started = await client.post(
            "/v1/quality/rescore", json={"entity": "contact"}, headers=headers
        )
        assert started.status_code == 202, started.text
        await run_jobs(committed_url)
        job = (await client.get(f"/v1/jobs/{started.json()['job_id']}", headers=headers)).json()
        assert job["status"] == "succeeded", job
        assert job["result"] == {"entities": ["contact"], "records": 3, "written": 3}
        async with app.state.sessionmaker() as session:
            rows = (await session.execute(select(table).where(table.c.id.in_(ids)))).all()
        for row in rows:
            assert row.quality_score is not None and row.version == 1
            assert row.updated_at == old  # a rescore is not a change of the record
            assert {"stale:12m", "stale:24m"} <= set(row.quality_flags)


@pytest.mark.committed
@pytest.mark.parametrize("incremental", [False, True], ids=["full-scan", "incremental-scan"])
async def test_a_scan_rescores_the_records_of_the_pairs_it_stores(
    committed_url: str, incremental: bool
) -> None:
    scan: dict[str, Any] = {"entity": "contact"}
    if incremental:
        scan["since"] = (utcnow() - timedelta(hours=1)).isoformat()
    async with live_app(committed_url) as (client, _app, headers):
        ids = []
        for person in PEOPLE:
            made = await client.post(
                "/v1/contacts", json=person, headers=headers, params={"allow_duplicates": "true"}
            )
            assert made.status_code == 201, made.text
            ids.append(made.json()["id"])
        started = await client.post("/v1/duplicates/scans", json=scan, headers=headers)
        assert started.status_code == 202
        await run_jobs(committed_url)
        flags = {}
        for rid in ids:
            body = (await client.get(f"/v1/contacts/{rid}/quality", headers=headers)).json()
            flags[rid] = "duplicate:open" in body["flags"]
        assert flags == {ids[0]: True, ids[1]: True, ids[2]: False}


@pytest.mark.parametrize(
    ("hours", "declared"),
    [pytest.param(24, timedelta(hours=24), id="daily"), pytest.param(0, None, id="off")],
)
def test_schedule_follows_the_setting(
    monkeypatch: pytest.MonkeyPatch, hours: int, declared: timedelta | None
) -> None:
    calls: list[tuple[str, timedelta, Any]] = []
    monkeypatch.setattr(
        record_job.jobs, "schedule", lambda kind, every, params: calls.append((kind, every, params))
    )
    record_job.declare_schedule(Settings(quality_rescore_every_h=hours))
    expected = [("quality.rescore", declared, {"entities": ["contact", "company"]})]
    assert calls == (expected if declared else [])


async def test_scoring_on_write_can_be_turned_off(
    client: AsyncClient, auth_headers: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = await auth_headers(role="data_steward")
    monkeypatch.setenv("CRMDQ_QUALITY_SCORE_ON_WRITE", "false")
    record_service.setup.cache_clear()
    try:
        made = await client.post("/v1/contacts", json=PEOPLE[2], headers=headers)
    finally:
        monkeypatch.undo()
        record_service.setup.cache_clear()
    assert made.status_code == 201 and made.json()["quality_score"] is None
    body = (await client.get(f"/v1/contacts/{made.json()['id']}/quality", headers=headers)).json()
    assert body["stored"] is False and body["score"] is not None


async def test_rescoring_more_records_than_one_statement_can_name(session: Any) -> None:
    # one page of a full scan over a million contacts pairs tens of thousands of records;
    # asyncpg refuses a statement with more than 32,767 parameters
    contact = Contact(created_by_type="system", last_name="Kerbrat", email="k@example.fr")
    session.add(contact)
    await session.flush()
    ids = [uuid.uuid4() for _ in range(40_000)] + [contact.id]
    assert await record_service.rescore(session, "contact", ids) == 1
    assert contact.quality_score is not None


async def _scored_contacts(client: AsyncClient, headers: dict, people: list[dict]) -> list[Any]:
    ids = []
    for person in people:
        made = await client.post(
            "/v1/contacts", json=person, headers=headers, params={"allow_duplicates": "true"}
        )
        assert made.status_code == 201, made.text
        ids.append(uuid.UUID(made.json()["id"]))
    return ids


async def _stored(session: Any, ids: list[Any]) -> dict[Any, tuple]:
    rows = await session.execute(
        select(
            Contact.id, Contact.quality_score, Contact.quality_dimensions, Contact.quality_reasons,
            Contact.quality_flags, Contact.quality_scored_at, Contact.version, Contact.updated_at,
        ).where(Contact.id.in_(ids))
    )  # fmt: skip
    return {row.id: tuple(row[1:]) for row in rows}


async def test_a_scan_rescores_uniqueness_as_a_full_rescore_would(
    client: AsyncClient, auth_headers: Any, session: Any
) -> None:
    headers = await auth_headers(role="data_steward")
    ids = await _scored_contacts(client, headers, PEOPLE)
    session.expire_all()
    before = await _stored(session, ids)
    left, right = sorted(ids[:2])
    session.add(
        DuplicatePair(entity="contact", left_id=left, right_id=right, probability=0.99,
                      verdict="duplicate", reasons=[], evidence=[])
    )  # fmt: skip
    await session.flush()

    assert await record_service.rescore_uniqueness(session, "contact", ids) == 2  # not the third
    session.expire_all()
    paired = await _stored(session, ids)
    for rid in ids[:2]:
        score, dimensions, _, found, scored_at, version, updated_at = paired[rid]
        assert dimensions["uniqueness"] == 50 and "duplicate:open" in found
        assert score < before[rid][0]
        # not a change of the record, and the other dimensions are still of that time
        assert (scored_at, version, updated_at) == before[rid][4:]
    assert paired[ids[2]] == before[ids[2]]
    assert await record_service.rescore_uniqueness(session, "contact", ids) == 0  # nothing moved

    await record_service.rescore(session, "contact", ids)  # in full, from the stored values
    session.expire_all()
    full = await _stored(session, ids)
    assert {rid: full[rid][:4] for rid in ids} == {rid: paired[rid][:4] for rid in ids}


async def test_uniqueness_only_scores_in_full_a_record_never_scored(
    client: AsyncClient, auth_headers: Any, session: Any
) -> None:
    headers = await auth_headers(role="data_steward")
    ids = await _scored_contacts(client, headers, PEOPLE[2:])
    cleared = {"quality_score": None, "quality_dimensions": {}, "quality_reasons": [],
               "quality_flags": []}  # fmt: skip
    await session.execute(update(Contact).where(Contact.id == ids[0]).values(cleared))
    ids += [uuid.uuid4() for _ in range(40_000)]  # more than one statement can name
    assert await record_service.rescore_uniqueness(session, "contact", ids) == 1
    session.expire_all()
    score, dimensions, *_ = (await _stored(session, ids[:1]))[ids[0]]
    assert score is not None and dimensions["uniqueness"] == 100


@pytest.mark.committed
async def test_a_company_s_new_website_rescores_its_contacts(committed_url: str) -> None:
    async with live_app(committed_url) as (client, _app, headers):
        firm = await client.post(
            "/v1/companies",
            json={"name": "Dupont Logistique", "siren": "732829320", "website": "dupont.fr"},
            headers=headers,
        )
        assert firm.status_code == 201, firm.text
        staff = [
            await client.post("/v1/contacts", headers=headers, json={
                "first_name": first, "last_name": "Durand", "email": f"{first}@dupont.fr",
                "company_id": firm.json()["id"]})
            for first in ("emma", "hugo")
        ]  # fmt: skip
        elsewhere = await client.post(
            "/v1/contacts", json={"last_name": "Kerbrat", "email": "y@dupont.fr"}, headers=headers
        )
        ids = [r.json()["id"] for r in (*staff, elsewhere)]

        async def mismatched() -> list[bool]:
            found = []
            for rid in ids:
                body = (await client.get(f"/v1/contacts/{rid}/quality", headers=headers)).json()
                found.append(any(r["code"] == "email.domain_mismatch" for r in body["reasons"]))
            return found

        async def company_jobs() -> list[dict]:
            # the worker's schedule may add the daily rescore of everything meanwhile
            listed = await client.get("/v1/jobs", headers=headers, params={"limit": 100})
            return [
                j["params"] for j in listed.json()["items"]
                if j["kind"] == "quality.rescore" and "company_id" in j["params"]
            ]  # fmt: skip

        assert await mismatched() == [False, False, False]
        renamed = await client.patch(
            f"/v1/companies/{firm.json()['id']}",
            json={"website": "https://dupont-logistique.com"},
            headers=headers | {"If-Match": '"1"'},
        )
        assert renamed.status_code == 200, renamed.text
        assert await company_jobs() == [{"entities": ["contact"], "company_id": firm.json()["id"]}]
        await run_jobs(committed_url)
        assert await mismatched() == [True, True, False]  # not the contact of no company

        resectored = await client.patch(
            f"/v1/companies/{firm.json()['id']}",
            json={"sector": "Transport"},
            headers=headers | {"If-Match": '"2"'},
        )
        assert resectored.status_code == 200, resectored.text
        assert len(await company_jobs()) == 1  # the sector is not read by contacts' scores
