"""Retention on the real database: the SQL rule agrees with the pure one; the due list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.timeutil import utcnow
from app.gdpr.retention_policy import (
    RetentionFacts,
    RetentionPolicy,
    add_years,
    due_at,
    is_due,
)
from app.gdpr.retention_repository import CLOCK_START, RetentionRepository, due_by
from app.records.models import Contact

URL = "/v1/gdpr/retention/due"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


FACTS = [
    RetentionFacts("active", False, "lead", utc(2022, 6, 1, 9)),
    RetentionFacts("active", False, None, utc(2024, 5, 1), collected_at=utc(2024, 2, 29, 8)),
    RetentionFacts("active", False, "", utc(2021, 1, 1), last_interaction_at=utc(2024, 2, 29, 8)),
    RetentionFacts("active", False, "lead", utc(2021, 1, 1), collected_at=utc(2020, 1, 1),
                   last_interaction_at=utc(2019, 1, 1)),
    RetentionFacts("active", True, "lead", utc(2019, 1, 1)),
    RetentionFacts("merged", False, "lead", utc(2019, 1, 1)),
    RetentionFacts("anonymised", False, "lead", utc(2019, 1, 1)),
    RetentionFacts("active", False, "customer", utc(2019, 1, 1)),
    RetentionFacts("active", False, " Client ", utc(2021, 3, 1)),
    RetentionFacts("active", False, "customer", utc(2022, 6, 1, 9)),
    RetentionFacts("active", False, "lead", utc(2026, 1, 1)),
]  # fmt: skip
POLICIES = [
    pytest.param(RetentionPolicy(), id="default"),
    pytest.param(RetentionPolicy(customer_years=5, customer_stages=("customer", "client")),
                 id="customers-five-years"),
    pytest.param(RetentionPolicy(prospect_years=1, customer_years=4), id="short"),
]  # fmt: skip
MOMENTS = [
    utc(2027, 2, 28, 8),
    utc(2027, 2, 28, 7, 59, 59),
    utc(2025, 6, 1, 9),
    utc(2025, 6, 1, 8, 59, 59),
    utc(2023, 1, 1),
    utc(2027, 6, 1, 9),
    utc(2030, 1, 1),
]


async def insert(session: AsyncSession, facts: RetentionFacts, **fields: Any) -> Contact:
    contact = Contact(
        status=facts.status,
        legal_hold=facts.legal_hold,
        lifecycle_stage=facts.lifecycle_stage,
        created_at=facts.created_at,
        collected_at=facts.collected_at,
        last_interaction_at=facts.last_interaction_at,
        created_by_type="system",
        **fields,
    )
    session.add(contact)
    await session.flush()
    return contact


@pytest.mark.parametrize("policy", POLICIES)
async def test_sql_agrees_with_the_pure_rule(
    session: AsyncSession, policy: RetentionPolicy
) -> None:
    ids = {(await insert(session, f)).id: f for f in FACTS}
    repo = RetentionRepository(session)
    for at in MOMENTS:
        expected = {i for i, f in ids.items() if is_due(f, policy, at)}
        rows = await repo.due_page(policy, at, after=None, limit=1000)
        assert {r.id for r in rows} & ids.keys() == expected, at
        for r in rows:
            if r.id in ids:
                assert r.due_at == due_at(ids[r.id], policy)
        listed = await repo.due_ids(policy, at, after=None, limit=1000)
        assert set(listed) & ids.keys() == expected
        assert await repo.count_due(policy, at) >= len(expected)


@pytest.fixture
def policy_app(app: FastAPI) -> FastAPI:
    app.state.retention_policy = RetentionPolicy()
    return app


class TestDueList:
    async def test_without_token_is_401(self, client: AsyncClient, policy_app: FastAPI) -> None:
        assert (await client.get(URL)).status_code == 401

    @pytest.mark.parametrize("role", ["sales", "auditor", "data_steward"])
    async def test_other_roles_are_403(
        self, client: AsyncClient, policy_app: FastAPI, auth_headers: Any, role: str
    ) -> None:
        response = await client.get(URL, headers=await auth_headers(role=role))
        assert response.status_code == 403

    @pytest.mark.parametrize("days", ["-1", "3661", "abc", "1.5"])
    async def test_bad_within_days_is_422(
        self, client: AsyncClient, policy_app: FastAPI, auth_headers: Any, days: str
    ) -> None:
        response = await client.get(
            URL, params={"within_days": days}, headers=await auth_headers(role="dpo")
        )
        assert response.status_code == 422

    async def test_lists_what_is_due_or_soon_due_with_its_date(
        self, client: AsyncClient, policy_app: FastAPI, auth_headers: Any, session: AsyncSession
    ) -> None:
        now = utcnow()
        three_years = add_years(now, -3)

        def started(delta: timedelta, **changes: Any) -> RetentionFacts:
            return RetentionFacts("active", False, "lead", three_years + delta, **changes)

        late = await insert(session, started(-timedelta(days=10)), first_name="Gaëlle")
        later = await insert(session, started(-timedelta(days=2)))
        soon = await insert(session, started(timedelta(days=5)))
        await insert(session, started(timedelta(days=30)))
        await insert(session, RetentionFacts("active", True, "lead", three_years
                                             - timedelta(days=400)))  # fmt: skip
        await insert(session, RetentionFacts("active", False, "customer", three_years
                                             - timedelta(days=900)))  # fmt: skip
        revived = started(-timedelta(days=900), last_interaction_at=now - timedelta(days=3))
        await insert(session, revived)
        headers = await auth_headers(role="dpo")

        past = (await client.get(URL, headers=headers)).json()
        assert [c["id"] for c in past["items"]] == [str(late.id), str(later.id)]
        assert all(c["overdue"] for c in past["items"])
        due = datetime.fromisoformat(past["items"][0]["due_at"])
        assert abs(due - (now - timedelta(days=10))) < timedelta(minutes=1)

        week = await client.get(URL, params={"within_days": 7, "limit": 2}, headers=headers)
        first = week.json()
        assert [c["id"] for c in first["items"]] == [str(late.id), str(later.id)]
        params = {"within_days": 7, "limit": 2, "cursor": first["next_cursor"]}
        rest = await client.get(URL, params=params, headers=headers)
        assert [(c["id"], c["overdue"]) for c in rest.json()["items"]] == [(str(soon.id), False)]
        assert rest.json()["next_cursor"] is None


async def test_the_due_list_can_walk_the_retention_index(session: AsyncSession) -> None:
    stmt = (
        select(Contact.id)
        .where(due_by(RetentionPolicy(), utc(2027, 1, 1)))
        .order_by(CLOCK_START, Contact.id)
        .limit(10)
    )
    sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(await session.scalars(text(f"EXPLAIN {sql}")))
    assert "ix_contacts_retention_anchor" in plan, plan
