"""Record scores through the API: kept current by writes, read per record, listed worst first."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select, text, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.timeutil import utcnow
from app.quality.record_repository import worst_statement
from app.records.models import Company, Contact

CREATE = {"allow_duplicates": "true", "channel": "manual"}
FULL = {
    "civility": "Mme",
    "first_name": "Élodie",
    "last_name": "Durand",
    "email": "elodie.durand@gmail.com",
    "phone": "+33612345678",
    "job_title": "Acheteuse",
    "country": "FR",
    "lifecycle_stage": "customer",
    "lawful_basis": "contract",
}


@pytest.fixture
async def steward(auth_headers: Any) -> dict[str, str]:
    return await auth_headers(role="data_steward")


async def create(client: AsyncClient, headers: dict, plural: str, body: dict, **params: str) -> Any:
    response = await client.post(
        f"/v1/{plural}", json=body, headers=headers, params=CREATE | params
    )
    assert response.status_code == 201, response.text
    return response.json()


async def quality(client: AsyncClient, headers: dict, plural: str, rid: str, **kw: Any) -> Any:
    response = await client.get(f"/v1/{plural}/{rid}/quality", headers=headers, **kw)
    assert response.status_code == 200, response.text
    return response.json()


async def stored_row(session: AsyncSession, model: Any, rid: str) -> Any:
    stmt = select(model.__table__).where(model.__table__.c.id == uuid.UUID(rid))
    return (await session.execute(stmt)).one()


class TestScoredOnWrite:
    async def test_create_stores_the_score_in_the_same_insert(
        self, client: AsyncClient, steward: dict, session: AsyncSession
    ) -> None:
        made = await create(client, steward, "contacts", {"last_name": "Durand", "email": "d@x.fr"})
        assert isinstance(made["quality_score"], int)
        body = await quality(client, steward, "contacts", made["id"])
        assert body["stored"] is True and body["score"] == made["quality_score"]
        assert set(body["dimensions"]) == {
            "completeness", "validity", "uniqueness", "timeliness", "consistency"
        }  # fmt: skip
        assert "civility:missing" in body["flags"]
        missing = {r["field"] for r in body["reasons"] if r["code"] == "field.missing"}
        assert {"first_name", "phone", "civility"} <= missing
        row = await stored_row(session, Contact, made["id"])
        assert row.version == 1 and row.quality_score == made["quality_score"]

    async def test_an_update_rescores_in_its_own_update_and_bumps_version_once(
        self, client: AsyncClient, steward: dict
    ) -> None:
        made = await create(client, steward, "contacts", {"last_name": "Durand", "email": "d@x.fr"})
        response = await client.patch(
            f"/v1/contacts/{made['id']}",
            json={"civility": "M.", "first_name": "Luc", "phone": "0612345678"},
            headers=steward | {"If-Match": '"1"'},
        )
        assert response.status_code == 200, response.text
        assert response.json()["version"] == 2
        assert response.json()["quality_score"] > made["quality_score"]
        after = await quality(client, steward, "contacts", made["id"])
        assert "civility:missing" not in after["flags"]

    async def test_legacy_invalid_values_an_update_leaves_alone_are_flagged(
        self, client: AsyncClient, steward: dict, session: AsyncSession
    ) -> None:
        made = await create(client, steward, "contacts", FULL)
        table = Contact.__table__
        await session.execute(  # what an old import left behind: the API would refuse it
            update(table).where(table.c.id == uuid.UUID(made["id"])).values(email="jean@@x")
        )
        response = await client.patch(
            f"/v1/contacts/{made['id']}",
            json={"job_title": "Directrice achats"},
            headers=steward | {"If-Match": '"1"'},
        )
        assert response.status_code == 200, response.text
        body = await quality(client, steward, "contacts", made["id"])
        assert "email:invalid" in body["flags"]
        assert any(r["dimension"] == "validity" and r["field"] == "email" for r in body["reasons"])

    async def test_batch_rows_are_scored(self, client: AsyncClient, steward: dict) -> None:
        names = ("Martin", "Bernard", "Thomas")
        rows = [{"last_name": n, "email": f"{n.lower()}@ex{i}.fr"} for i, n in enumerate(names)]
        response = await client.post(
            "/v1/contacts/batch", json={"records": rows}, headers=steward, params=CREATE
        )
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert [r["status"] for r in results] == ["created"] * 3, results
        for row in response.json()["results"]:
            body = await quality(client, steward, "contacts", row["id"])
            assert body["stored"] is True and body["score"] is not None


class TestReading:
    async def test_reasons_follow_accept_language(self, client: AsyncClient, steward: dict) -> None:
        made = await create(client, steward, "contacts", {"last_name": "Durand", "email": "d@x.fr"})
        fr = await quality(client, steward, "contacts", made["id"])
        en = await quality(client, steward | {"Accept-Language": "en"}, "contacts", made["id"])
        by_field = {r["field"]: r["message"] for r in fr["reasons"] if r["field"]}
        assert by_field["civility"].startswith("civilité : ")
        assert {r["field"]: r["message"] for r in en["reasons"] if r["field"]}["civility"] == (
            "civility: Key field not filled in."
        )

    async def test_never_scored_is_scored_on_the_fly_and_not_stored(
        self, client: AsyncClient, steward: dict, session: AsyncSession
    ) -> None:
        made = await create(client, steward, "companies", {"name": "Dupont", "siren": "732829320"})
        table = Company.__table__
        await session.execute(
            update(table)
            .where(table.c.id == uuid.UUID(made["id"]))
            .values(quality_score=None, quality_scored_at=None, quality_flags=[])
        )
        body = await quality(client, steward, "companies", made["id"])
        assert body["stored"] is False and body["score"] == made["quality_score"]
        assert (await stored_row(session, Company, made["id"])).quality_score is None

    @pytest.mark.parametrize("plural", ["contacts", "companies"])
    async def test_unknown_id_is_404_problem(
        self, client: AsyncClient, steward: dict, plural: str
    ) -> None:
        response = await client.get(f"/v1/{plural}/{uuid.uuid4()}/quality", headers=steward)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == f"{plural}.not_found"

    async def test_not_a_uuid_is_422(self, client: AsyncClient, steward: dict) -> None:
        response = await client.get("/v1/contacts/not-a-uuid/quality", headers=steward)
        assert response.status_code == 422

    async def test_without_token_401_and_sales_403(
        self, client: AsyncClient, auth_headers: Any
    ) -> None:
        path = f"/v1/contacts/{uuid.uuid4()}/quality"
        assert (await client.get(path)).status_code == 401
        sales = await auth_headers(role="sales")
        forbidden = await client.get(path, headers=sales)
        assert forbidden.status_code == 403

    async def test_auditor_may_read(self, client: AsyncClient, auth_headers: Any) -> None:
        steward = await auth_headers(role="data_steward")
        made = await create(client, steward, "contacts", FULL)
        auditor = await auth_headers(role="auditor")
        assert (await quality(client, auditor, "contacts", made["id"]))["score"] is not None


class TestConsistencyThroughTheApi:
    async def test_email_domain_against_the_employer_website(
        self, client: AsyncClient, steward: dict
    ) -> None:
        firm = await create(
            client, steward, "companies",
            {"name": "Dupont Logistique", "siren": "732829320", "website": "https://dupont.fr"},
        )  # fmt: skip
        other = await create(
            client, steward, "contacts",
            FULL | {"email": "e.durand@durand-conseil.fr", "company_id": firm["id"]},
        )  # fmt: skip
        own = await create(
            client, steward, "contacts",
            FULL | {"email": "e.durand@dupont.fr", "company_id": firm["id"]},
        )  # fmt: skip
        free = await create(client, steward, "contacts", FULL | {"company_id": firm["id"]})
        codes = {}
        for name, made in (("other", other), ("own", own), ("free", free)):
            body = await quality(client, steward, "contacts", made["id"])
            codes[name] = {r["code"] for r in body["reasons"] if r["dimension"] == "consistency"}
        assert codes == {"other": {"email.domain_mismatch"}, "own": set(), "free": set()}

    async def test_foreign_phone_with_a_french_address(
        self, client: AsyncClient, steward: dict
    ) -> None:
        made = await create(
            client, steward, "companies",
            {"name": "Dupont", "siren": "732829320", "country": "FR", "phone": "+49 30 123456"},
        )  # fmt: skip
        body = await quality(client, steward, "companies", made["id"])
        assert body["dimensions"]["consistency"] == 70
        assert "phone:suspicious" in body["flags"]


async def _scores(client: AsyncClient, headers: dict, **params: Any) -> list[tuple[int, str]]:
    response = await client.get("/v1/contacts", headers=headers, params=params)
    assert response.status_code == 200, response.text
    return [(item["quality_score"], item["id"]) for item in response.json()["items"]]


class TestListFilters:
    async def _three(self, client: AsyncClient, steward: dict) -> list[dict]:
        source = f"src-{uuid.uuid4().hex[:8]}"
        bodies = [
            FULL | {"source_system": source},
            {"last_name": "Petit", "email": "p@petit.fr", "source_system": source},
            {"last_name": "Moyen", "first_name": "Ana", "phone": "0611223344",
             "email": "a@moyen.fr", "source_system": source},
        ]  # fmt: skip
        return [await create(client, steward, "contacts", body) for body in bodies]

    async def test_worst_first_with_a_cursor(self, client: AsyncClient, steward: dict) -> None:
        made = await self._three(client, steward)
        source = made[0]["source_system"]
        everything = await _scores(client, steward, sort="quality", source_system=source)
        assert [s for s, _ in everything] == sorted(s for s, _ in everything)
        assert {i for _, i in everything} == {m["id"] for m in made}
        walked: list[tuple[int, str]] = []
        params: dict[str, Any] = {"sort": "quality", "source_system": source, "limit": 1}
        while True:
            response = await client.get("/v1/contacts", headers=steward, params=params)
            page = response.json()
            walked += [(i["quality_score"], i["id"]) for i in page["items"]]
            if page["next_cursor"] is None:
                break
            params["cursor"] = page["next_cursor"]
        assert walked == everything

    async def test_min_max_and_flag(self, client: AsyncClient, steward: dict) -> None:
        made = await self._three(client, steward)
        source = made[0]["source_system"]
        scores = sorted(m["quality_score"] for m in made)
        middle = await _scores(
            client, steward, source_system=source, min_quality=scores[1], max_quality=scores[1]
        )
        assert [s for s, _ in middle] == [scores[1]] * len(middle) and middle
        flagged = await _scores(
            client, steward, source_system=source, quality_flag="civility:missing"
        )
        assert {i for _, i in flagged} == {made[1]["id"], made[2]["id"]}

    @pytest.mark.parametrize(
        "params",
        [
            pytest.param({"min_quality": 101}, id="above-100"),
            pytest.param({"max_quality": -1}, id="negative"),
            pytest.param({"min_quality": "high"}, id="not-a-number"),
            pytest.param({"sort": "score"}, id="unknown-sort"),
            pytest.param({"quality_flag": "x" * 65}, id="flag-too-long"),
        ],
    )
    async def test_bad_filters_are_422(
        self, client: AsyncClient, steward: dict, params: dict
    ) -> None:
        response = await client.get("/v1/contacts", headers=steward, params=params)
        assert response.status_code == 422

    async def test_a_created_order_cursor_is_refused_by_the_quality_order(
        self, client: AsyncClient, steward: dict
    ) -> None:
        await self._three(client, steward)
        page = (await client.get("/v1/contacts", headers=steward, params={"limit": 1})).json()
        response = await client.get(
            "/v1/contacts",
            headers=steward,
            params={"sort": "quality", "cursor": page["next_cursor"]},
        )
        assert response.status_code == 400
        assert response.json()["code"] == "pagination.invalid_cursor"


@pytest.mark.parametrize(
    ("source", "index"),
    [
        pytest.param("src7", "ix_contacts_quality_by_source", id="of-a-source"),
        pytest.param(None, "ix_contacts_quality", id="of-everything"),
    ],
)
async def test_the_worst_records_are_one_index_walk(
    session: AsyncSession, source: str | None, index: str
) -> None:
    """EXPLAIN of what `GET /v1/contacts?sort=quality[&source_system=X]&limit=100` runs
    (past the first page), over 20,000 contacts of 20 sources (rolled back with the test)."""
    await session.execute(
        text(
            "INSERT INTO contacts (id, created_by_type, status, source_system, quality_score) "
            "SELECT gen_random_uuid(), 'system', 'active', 'src' || (i % 20), (i * 7919) % 101 "
            "FROM generate_series(1, 20000) AS i"
        )
    )
    await session.execute(text("ANALYZE contacts"))
    conditions = [Contact.status == "active"]
    if source is not None:
        conditions.append(Contact.source_system == source)
    stmt = worst_statement(Contact, conditions, limit=101, after=(40, uuid.uuid4()))
    sql = stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    plan = "\n".join(row[0] for row in await session.execute(text(f"EXPLAIN {sql}")))
    assert f"Index Scan using {index} on contacts" in plan, plan
    assert "Sort" not in plan, plan


class TestPairsMoveUniqueness:
    async def test_queued_pairs_then_review_then_merge(
        self, client: AsyncClient, steward: dict, auth_headers: Any
    ) -> None:
        body = {"first_name": "Anne", "last_name": "Le Bihan", "email": "anne@kerhoas.fr"}
        first = await create(client, steward, "contacts", body, channel="crm")
        second = await create(client, steward, "contacts", body | {"phone": "0611223344"},
                              channel="crm")  # fmt: skip
        a = await quality(client, steward, "contacts", first["id"])
        b = await quality(client, steward, "contacts", second["id"])
        assert "duplicate:open" in a["flags"] and "duplicate:open" in b["flags"]
        assert a["dimensions"]["uniqueness"] == b["dimensions"]["uniqueness"] == 50
        version_before = (await client.get(f"/v1/contacts/{first['id']}", headers=steward)).json()

        pairs = await client.get(
            "/v1/duplicate-pairs", headers=steward, params={"entity": "contact", "status": "open"}
        )
        pair = next(
            p for p in pairs.json()["items"] if {p["left_id"], p["right_id"]} == {
                first["id"], second["id"]}
        )  # fmt: skip
        decided = await client.post(
            f"/v1/duplicate-pairs/{pair['id']}/decision",
            json={"decision": "dismiss"},
            headers=steward,
        )
        assert decided.status_code == 200, decided.text
        a = await quality(client, steward, "contacts", first["id"])
        assert a["dimensions"]["uniqueness"] == 100 and "duplicate:open" not in a["flags"]
        after = (await client.get(f"/v1/contacts/{first['id']}", headers=steward)).json()
        # rescoring is not a change of the record: same version, same updated_at
        assert (after["version"], after["updated_at"]) == (
            version_before["version"], version_before["updated_at"]
        )  # fmt: skip

    async def test_deleting_a_record_takes_its_pairs_out_of_the_queue(
        self, client: AsyncClient, steward: dict, auth_headers: Any
    ) -> None:
        body = {"first_name": "Anne", "last_name": "Le Bihan", "email": "anne@kerhoas.fr"}
        first = await create(client, steward, "contacts", body, channel="crm")
        second = await create(client, steward, "contacts", body, channel="crm")
        writer = await auth_headers(role="admin")
        gone = await client.delete(
            f"/v1/contacts/{second['id']}", headers=writer | {"If-Match": '"1"'}
        )
        assert gone.status_code == 204, gone.text

        def involving(items: list[dict]) -> list[dict]:
            return [p for p in items if second["id"] in (p["left_id"], p["right_id"])]

        queue = await client.get(
            "/v1/duplicate-pairs", headers=steward, params={"entity": "contact"}
        )
        assert involving(queue.json()["items"]) == []
        closed = await client.get(
            "/v1/duplicate-pairs", headers=steward, params={"status": "deleted"}
        )
        assert [p["status"] for p in involving(closed.json()["items"])] == ["deleted"]
        left = await quality(client, steward, "contacts", first["id"])
        assert left["dimensions"]["uniqueness"] == 100 and "duplicate:open" not in left["flags"]

    async def test_erasing_a_record_rescores_its_partner(
        self, client: AsyncClient, steward: dict, auth_headers: Any
    ) -> None:
        body = {"first_name": "Anne", "last_name": "Le Bihan", "email": "anne@kerhoas.fr"}
        first = await create(client, steward, "contacts", body, channel="crm")
        second = await create(client, steward, "contacts", body, channel="crm")
        assert (
            "duplicate:open" in (await quality(client, steward, "contacts", first["id"]))["flags"]
        )
        dpo = await auth_headers(role="dpo")
        erased = await client.post(
            "/v1/gdpr/erasures", json={"contact_id": second["id"], "mode": "anonymize"},
            headers=dpo,
        )  # fmt: skip
        assert erased.status_code in (200, 201), erased.text
        left = await quality(client, steward, "contacts", first["id"])
        assert left["dimensions"]["uniqueness"] == 100 and "duplicate:open" not in left["flags"]
        gone = await quality(client, steward, "contacts", second["id"])
        assert gone["status"] == "anonymised" and gone["score"] is None

    async def test_merge_and_undo_rescore(self, client: AsyncClient, steward: dict) -> None:
        body = {"first_name": "Anne", "last_name": "Le Bihan", "email": "anne@kerhoas.fr"}
        first = await create(client, steward, "contacts", body, channel="crm")
        second = await create(client, steward, "contacts", body, channel="crm")
        merged = await client.post(
            "/v1/merges",
            json={"entity": "contact", "record_ids": [first["id"], second["id"]],
                  "survivor_id": first["id"]},
            headers=steward,
        )  # fmt: skip
        assert merged.status_code == 201, merged.text
        survivor = await quality(client, steward, "contacts", first["id"])
        assert survivor["dimensions"]["uniqueness"] == 100
        assert "duplicate:open" not in survivor["flags"]
        undone = await client.post(f"/v1/merges/{merged.json()['id']}/undo", headers=steward)
        assert undone.status_code == 200, undone.text
        for rid in (first["id"], second["id"]):
            back = await quality(client, steward, "contacts", rid)
            assert back["status"] == "active" and "duplicate:open" in back["flags"]


async def test_erasure_clears_the_score(client: AsyncClient, auth_headers: Any) -> None:
    admin = await auth_headers(role="admin")
    made = await create(client, admin, "contacts", FULL)
    erased = await client.post(
        "/v1/gdpr/erasures", json={"contact_id": made["id"], "mode": "anonymize"}, headers=admin
    )
    assert erased.status_code in (200, 201), erased.text
    body = await quality(client, admin, "contacts", made["id"])
    assert body["status"] == "anonymised"
    assert body["score"] is None and body["flags"] == [] and body["reasons"] == []


async def test_an_old_record_has_decayed_after_a_rescore(
    client: AsyncClient, steward: dict, session: AsyncSession
) -> None:
    from app.quality import record_service

    made = await create(client, steward, "companies", {"name": "Dupont", "siren": "732829320"})
    table = Company.__table__
    old = utcnow() - timedelta(days=3 * 365 + 30)
    await session.execute(
        update(table).where(table.c.id == uuid.UUID(made["id"])).values(updated_at=old)
    )
    assert await record_service.rescore(session, "company", [uuid.UUID(made["id"])]) == 1
    row = await stored_row(session, Company, made["id"])
    assert row.updated_at == old and row.version == 1
    assert {"stale:12m", "stale:24m", "stale:36m"} <= set(row.quality_flags)
    assert row.quality_dimensions["timeliness"] < 25
