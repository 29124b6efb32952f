"""Quality goals through the API: set, list, delete, audited; judged by the report."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.auth.scopes import Role
from tests.quality.test_report_api import headers_for, report, seed_contacts

GOALS = "/v1/quality/goals"


async def put_goal(
    client: AsyncClient, headers: dict[str, str], entity: str, metric: str, **body: Any
) -> Any:
    return await client.put(f"{GOALS}/{entity}/{metric}", json=body, headers=headers)


async def audit_rows(session: AsyncSession, action: str) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)
    return list(await session.scalars(stmt))


async def test_set_list_replace_and_delete_a_goal_each_audited(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    headers = await headers_for(app, session, Role.DATA_STEWARD)
    created = await put_goal(
        client, headers, "contact", "civility_missing", target=0.1, direction="at_most",
        due="2027-06-30",
    )  # fmt: skip
    assert created.status_code == 200, created.text
    assert created.json() | {"created_at": None, "updated_at": None} == {
        "entity": "contact",
        "metric": "civility_missing",
        "target": 0.1,
        "direction": "at_most",
        "due": "2027-06-30",
        "created_at": None,
        "updated_at": None,
    }
    replaced = await put_goal(
        client, headers, "contact", "civility_missing", target=0.2, direction="at_most"
    )
    assert replaced.json()["target"] == 0.2 and replaced.json()["due"] is None
    await put_goal(client, headers, "company", "fill.siren", target=0.9, direction="at_least")

    listed = await client.get(GOALS, headers=headers)
    assert [(g["entity"], g["metric"], g["target"]) for g in listed.json()["items"]] == [
        ("company", "fill.siren", 0.9),
        ("contact", "civility_missing", 0.2),
    ]
    only = await client.get(GOALS, params={"entity": "company"}, headers=headers)
    assert [g["metric"] for g in only.json()["items"]] == ["fill.siren"]

    deleted = await client.delete(f"{GOALS}/contact/civility_missing", headers=headers)
    assert deleted.status_code == 204
    again = await client.delete(f"{GOALS}/contact/civility_missing", headers=headers)
    assert again.status_code == 404 and again.json()["code"] == "quality.goal.not_found"

    set_events = await audit_rows(session, "quality.goal.set")
    assert [e.entity_id for e in set_events] == [
        "contact:civility_missing",
        "contact:civility_missing",
        "company:fill.siren",
    ]
    assert set_events[0].details == {
        "entity": "contact",
        "metric": "civility_missing",
        "direction": "at_most",
    }
    assert [e.entity_id for e in await audit_rows(session, "quality.goal.deleted")] == [
        "contact:civility_missing"
    ]


MET = [
    pytest.param("civility_missing", 0.3, "at_most", True, id="at-most-on-the-boundary"),
    pytest.param("civility_missing", 0.29, "at_most", False, id="at-most-just-over"),
    pytest.param("fill.email", 0.8, "at_least", True, id="at-least-on-the-boundary"),
    pytest.param("fill.email", 0.9, "at_least", False, id="at-least-short"),
    pytest.param("score_average", 60, "at_least", True, id="average"),
    pytest.param("score_average", 75, "at_least", False, id="average-short"),
]


@pytest.mark.parametrize(("metric", "target", "direction", "met"), MET)
async def test_report_says_whether_each_goal_is_met(
    client: AsyncClient,
    app: FastAPI,
    session: AsyncSession,
    metric: str,
    target: float,
    direction: str,
    met: bool,
) -> None:
    await seed_contacts(session)
    steward = await headers_for(app, session, Role.DATA_STEWARD)
    assert (await put_goal(client, steward, "contact", metric, target=target,
                           direction=direction)).status_code == 200  # fmt: skip
    body = await report(client, await headers_for(app, session, Role.AUDITOR))
    (goal,) = body["goals"]
    assert goal["metric"] == metric and goal["met"] is met
    assert goal["current"] == pytest.approx(body["metrics"][metric]["value"])
    assert body["goals_met"] == int(met)


async def test_goal_on_an_empty_dataset_is_neither_met_nor_unmet(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    steward = await headers_for(app, session, Role.DATA_STEWARD)
    await put_goal(client, steward, "company", "duplicate", target=0.01, direction="at_most")
    body = await report(client, steward, entity="company")
    assert body["goals"][0]["current"] is None and body["goals"][0]["met"] is None


INVALID = [
    pytest.param("contact", "no_such_metric", {"target": 0.1, "direction": "at_most"},
                 "metric", "quality.metric.unknown", id="unknown-metric"),
    pytest.param("company", "civility_missing", {"target": 0.1, "direction": "at_most"},
                 "metric", "quality.metric.unknown", id="contact-metric-on-companies"),
    pytest.param("contact", "fill.émail", {"target": 0.1, "direction": "at_most"},
                 "metric", "quality.metric.unknown", id="accented-look-alike"),
    pytest.param("contact", "fill.\u0435mail", {"target": 0.1, "direction": "at_most"},
                 "metric", "quality.metric.unknown", id="cyrillic-look-alike"),
    pytest.param("contact", "duplicate", {"target": 1.5, "direction": "at_most"},
                 "target", "quality.goal.target_out_of_range", id="share-above-one"),
    pytest.param("contact", "duplicate", {"target": -0.1, "direction": "at_most"},
                 "target", "quality.goal.target_out_of_range", id="negative-share"),
    pytest.param("contact", "score_average", {"target": 101, "direction": "at_least"},
                 "target", "quality.goal.target_out_of_range", id="score-above-100"),
    pytest.param("contact", "duplicate", {"target": "lots", "direction": "at_most"},
                 "target", "schema.float_parsing", id="target-not-a-number"),
    pytest.param("contact", "duplicate", {"target": 0.1, "direction": "around"},
                 "direction", "schema.literal_error", id="unknown-direction"),
    pytest.param("contact", "duplicate", {"target": 0.1, "direction": "at_most", "x": 1},
                 "x", "schema.extra_forbidden", id="extra-field"),
    pytest.param("contact", "duplicate", {"direction": "at_most"},
                 "target", "schema.missing", id="missing-target"),
    pytest.param("person", "duplicate", {"target": 0.1, "direction": "at_most"},
                 "entity", "schema.literal_error", id="unknown-entity"),
]  # fmt: skip


@pytest.mark.parametrize(("entity", "metric", "body", "field", "code"), INVALID)
async def test_invalid_goal_is_a_422_problem_naming_the_field(
    client: AsyncClient,
    app: FastAPI,
    session: AsyncSession,
    entity: str,
    metric: str,
    body: dict[str, Any],
    field: str,
    code: str,
) -> None:
    headers = await headers_for(app, session, Role.ADMIN)
    response = await put_goal(client, headers, entity, metric, **body)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]
    assert await audit_rows(session, "quality.goal.set") == []


async def test_nan_target_is_refused(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    headers = await headers_for(app, session, Role.ADMIN) | {"Content-Type": "application/json"}
    response = await client.put(
        f"{GOALS}/contact/duplicate", content='{"target": NaN, "direction": "at_most"}',
        headers=headers,
    )  # fmt: skip
    assert response.status_code == 422


async def test_delete_of_an_unknown_metric_is_422(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    response = await client.delete(
        f"{GOALS}/contact/nope", headers=await headers_for(app, session, Role.ADMIN)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "quality.metric.unknown"


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        pytest.param(Role.ADMIN, 200, 200, id="admin"),
        pytest.param(Role.DATA_STEWARD, 200, 200, id="steward"),
        pytest.param(Role.DPO, 200, 403, id="dpo"),
        pytest.param(Role.AUDITOR, 200, 403, id="auditor"),
        pytest.param(Role.SALES, 403, 403, id="sales"),
    ],
)
async def test_reading_needs_quality_read_and_writing_quality_manage(
    client: AsyncClient, app: FastAPI, session: AsyncSession, role: Role, read: int, write: int
) -> None:
    headers = await headers_for(app, session, role)
    assert (await client.get(GOALS, headers=headers)).status_code == read
    put = await put_goal(client, headers, "contact", "duplicate", target=0.1, direction="at_most")
    assert put.status_code == write
    delete = await client.delete(f"{GOALS}/contact/duplicate", headers=headers)
    assert delete.status_code == (204 if write == 200 else 403)
