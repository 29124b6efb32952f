"""GET /v1/audit and GET /v1/audit/verify: filters, pagination, verification, access."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta, timezone
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service
from app.audit.models import AuditEvent
from app.auth.principal import SYSTEM, Principal
from app.core.pagination import encode_cursor

Headers = dict[str, str]
AuthHeaders = Callable[..., Awaitable[Headers]]

ALICE = Principal(type="user", id=uuid.UUID(int=0xA11CE), scopes=frozenset())
ROBOT = Principal(type="service_account", id=uuid.UUID(int=0xB07), scopes=frozenset())
CONTACT_1, CONTACT_2 = uuid.UUID(int=0xC1), uuid.UUID(int=0xC2)
PLUS_5 = timezone(timedelta(hours=5))


@pytest.fixture
async def auditor(auth_headers: AuthHeaders) -> Headers:
    return await auth_headers(role="auditor")


async def seed(session: AsyncSession) -> list[AuditEvent]:
    """Six events, oldest first; the requests see them through the same transaction."""
    return [
        await service.record(
            session, ALICE, "auth.login.succeeded", entity_type="user", entity_id=ALICE.id
        ),
        await service.record(
            session, ALICE, "auth.token.issued", entity_type="user", entity_id=ALICE.id
        ),
        await service.record(
            session,
            ROBOT,
            "contact.updated",
            entity_type="contact",
            entity_id=CONTACT_1,
            fields=["email"],
            details={"changed": 1},
        ),
        await service.record(session, SYSTEM, "retention.swept", details={"erased": 0}),
        await service.record(
            session, ROBOT, "contact.updated", entity_type="contact", entity_id=CONTACT_2
        ),
        await service.record(session, ALICE, "user_role.changed", entity_type="user"),
        await service.record(session, ALICE, "userxrole.changed", entity_type="user"),
    ]


def at(events: list[AuditEvent], i: int) -> str:
    return events[i].occurred_at.isoformat()


FILTERS = [
    pytest.param(lambda e: {}, [0, 1, 2, 3, 4, 5, 6], id="none"),
    pytest.param(lambda e: {"actor_id": str(ALICE.id)}, [0, 1, 5, 6], id="actor_id"),
    pytest.param(lambda e: {"actor_type": "service_account"}, [2, 4], id="actor_type-machine"),
    pytest.param(lambda e: {"actor_type": "system"}, [3], id="actor_type-system"),
    pytest.param(lambda e: {"actor_type": "anonymous"}, [], id="actor_type-none-match"),
    pytest.param(lambda e: {"entity_type": "contact"}, [2, 4], id="entity_type"),
    pytest.param(
        lambda e: {"entity_type": "contact", "entity_id": str(CONTACT_1)}, [2], id="entity"
    ),
    pytest.param(lambda e: {"entity_id": str(uuid.uuid4())}, [], id="unknown-entity"),
    pytest.param(lambda e: {"action": "contact.updated"}, [2, 4], id="action-exact"),
    pytest.param(lambda e: {"action": "auth."}, [0, 1], id="action-prefix"),
    pytest.param(lambda e: {"action": "auth"}, [], id="action-without-dot-is-exact"),
    pytest.param(lambda e: {"action": "auth.login."}, [0], id="action-deeper-prefix"),
    pytest.param(lambda e: {"action": "user_role."}, [5], id="underscore-is-not-a-wildcard"),
    pytest.param(lambda e: {"since": at(e, 2)}, [2, 3, 4, 5, 6], id="since-inclusive"),
    pytest.param(lambda e: {"until": at(e, 2)}, [0, 1], id="until-exclusive"),
    pytest.param(lambda e: {"since": at(e, 1), "until": at(e, 3)}, [1, 2], id="window"),
    pytest.param(
        lambda e: {"since": e[2].occurred_at.astimezone(PLUS_5).isoformat()},
        [2, 3, 4, 5, 6],
        id="since-other-zone",
    ),
    pytest.param(lambda e: {"since": at(e, 3), "until": at(e, 1)}, [], id="empty-window"),
    pytest.param(
        lambda e: {"actor_type": "user", "action": "auth.", "entity_type": "user"},
        [0, 1],
        id="combined",
    ),
]


class TestListAuditEvents:
    @pytest.mark.parametrize(("query", "expected"), FILTERS)
    async def test_filters_newest_first(
        self,
        client: AsyncClient,
        session: AsyncSession,
        auditor: Headers,
        query: Callable[[list[AuditEvent]], dict[str, str]],
        expected: list[int],
    ) -> None:
        events = await seed(session)
        response = await client.get("/v1/audit", params=query(events), headers=auditor)
        assert response.status_code == 200, response.text
        body = response.json()
        assert [item["id"] for item in body["items"]] == [
            str(events[i].id) for i in reversed(expected)
        ]
        assert body["next_cursor"] is None

    async def test_item_shape(
        self, client: AsyncClient, session: AsyncSession, auditor: Headers
    ) -> None:
        events = await seed(session)
        response = await client.get(
            "/v1/audit", params={"entity_id": str(CONTACT_1)}, headers=auditor
        )
        (item,) = response.json()["items"]
        event = events[2]
        assert item == {
            "seq": event.seq,
            "id": str(event.id),
            "occurred_at": item["occurred_at"],
            "actor_type": "service_account",
            "actor_id": str(ROBOT.id),
            "action": "contact.updated",
            "entity_type": "contact",
            "entity_id": str(CONTACT_1),
            "fields": ["email"],
            "details": {"changed": 1},
            "request_id": None,
            "client_ip": None,
            "prev_hash": events[1].hash,
            "hash": event.hash,
        }
        assert item["occurred_at"].endswith(("Z", "+00:00"))

    async def test_cursor_walks_every_page_once(
        self, client: AsyncClient, session: AsyncSession, auditor: Headers
    ) -> None:
        events = [await service.record(session, ROBOT, "contact.created") for _ in range(7)]
        seen: list[int] = []
        pages = 0
        params: dict[str, Any] = {"limit": 3, "action": "contact.created"}
        while True:
            response = await client.get("/v1/audit", params=params, headers=auditor)
            assert response.status_code == 200, response.text
            body = response.json()
            pages += 1
            assert 0 < len(body["items"]) <= 3
            seen += [item["seq"] for item in body["items"]]
            if body["next_cursor"] is None:
                break
            params["cursor"] = body["next_cursor"]
        assert pages == 3
        assert seen == sorted((e.seq for e in events), reverse=True)  # no gaps, no repeats

    async def test_a_full_last_page_says_there_is_no_next(
        self, client: AsyncClient, session: AsyncSession, auditor: Headers
    ) -> None:
        for _ in range(4):
            await service.record(session, ROBOT, "contact.created")
        params = {"limit": 2, "action": "contact.created"}
        first = (await client.get("/v1/audit", params=params, headers=auditor)).json()
        second = (
            await client.get(
                "/v1/audit", params=params | {"cursor": first["next_cursor"]}, headers=auditor
            )
        ).json()
        assert len(second["items"]) == 2
        assert second["next_cursor"] is None

    async def test_events_written_after_the_first_page_do_not_shift_the_walk(
        self, client: AsyncClient, session: AsyncSession, auditor: Headers
    ) -> None:
        old = [await service.record(session, ROBOT, "contact.created") for _ in range(4)]
        params: dict[str, Any] = {"limit": 2, "action": "contact.created"}
        first = (await client.get("/v1/audit", params=params, headers=auditor)).json()
        await service.record(session, ROBOT, "contact.created")  # newer than the cursor
        params["cursor"] = first["next_cursor"]
        second = (await client.get("/v1/audit", params=params, headers=auditor)).json()
        assert [i["seq"] for i in second["items"]] == [old[1].seq, old[0].seq]

    @pytest.mark.parametrize(
        ("params", "status", "code"),
        [
            pytest.param({"actor_type": "admin"}, 422, "validation_failed", id="actor-type"),
            pytest.param({"since": "2026-01-01T00:00:00"}, 422, "validation_failed", id="naive"),
            pytest.param({"until": "yesterday"}, 422, "validation_failed", id="not-a-date"),
            pytest.param({"action": "Auth Login"}, 422, "validation_failed", id="action-text"),
            pytest.param({"action": "auth.%"}, 422, "validation_failed", id="action-wildcard"),
            pytest.param({"action": "a." + "b" * 200}, 422, "validation_failed", id="huge"),
            pytest.param({"actor_id": "x" * 129}, 422, "validation_failed", id="actor-huge"),
            pytest.param({"limit": 0}, 422, "validation_failed", id="limit-0"),
            pytest.param({"limit": 201}, 422, "validation_failed", id="limit-201"),
            pytest.param({"cursor": "%%%"}, 400, "pagination.invalid_cursor", id="garbage"),
            pytest.param(
                {"cursor": encode_cursor("abc")}, 400, "pagination.invalid_cursor", id="not-int"
            ),
            pytest.param(
                {"cursor": encode_cursor(-1)}, 400, "pagination.invalid_cursor", id="negative"
            ),
            pytest.param(
                {"cursor": encode_cursor("٣")}, 400, "pagination.invalid_cursor", id="arabic-3"
            ),
            pytest.param(
                {"cursor": encode_cursor(10**30)}, 400, "pagination.invalid_cursor", id="huge-int"
            ),
            pytest.param(
                {"cursor": encode_cursor(1, 2)}, 400, "pagination.invalid_cursor", id="arity"
            ),
        ],
    )
    async def test_bad_input_is_a_problem(
        self, client: AsyncClient, auditor: Headers, params: dict[str, Any], status: int, code: str
    ) -> None:
        response = await client.get("/v1/audit", params=params, headers=auditor)
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == code

    async def test_filter_values_are_data_not_sql(
        self, client: AsyncClient, session: AsyncSession, auditor: Headers
    ) -> None:
        await seed(session)
        for value in ["' OR '1'='1", "%", "_", "é", "\u0430dmin"]:
            response = await client.get("/v1/audit", params={"entity_id": value}, headers=auditor)
            assert response.status_code == 200
            assert response.json()["items"] == []


class TestVerifyAuditChain:
    async def test_intact_chain(
        self, client: AsyncClient, session: AsyncSession, auditor: Headers
    ) -> None:
        events = await seed(session)
        response = await client.get("/v1/audit/verify", headers=auditor)
        assert response.status_code == 200
        assert response.json() == {"ok": True, "checked": len(events), "first_broken": None}

    async def test_empty_chain(self, client: AsyncClient, auditor: Headers) -> None:
        response = await client.get("/v1/audit/verify", headers=auditor)
        assert response.json() == {"ok": True, "checked": 0, "first_broken": None}

    async def test_names_the_tampered_event(
        self, client: AsyncClient, session: AsyncSession, auditor: Headers
    ) -> None:
        events = await seed(session)
        await session.execute(text("SET LOCAL session_replication_role = replica"))
        await session.execute(
            text("UPDATE audit_events SET details = '{}' WHERE seq = :s"), {"s": events[3].seq}
        )
        await session.execute(text("SET LOCAL session_replication_role = origin"))

        response = await client.get("/v1/audit/verify", headers=auditor)
        assert response.status_code == 200
        assert response.json() == {
            "ok": False,
            "checked": 4,
            "first_broken": {
                "seq": events[3].seq,
                "id": str(events[3].id),
                "reason": "hash_mismatch",
            },
        }

    async def test_names_the_event_after_a_deleted_one(
        self, client: AsyncClient, session: AsyncSession, auditor: Headers
    ) -> None:
        events = await seed(session)
        await session.execute(text("SET LOCAL session_replication_role = replica"))
        await session.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": events[1].seq})
        await session.execute(text("SET LOCAL session_replication_role = origin"))

        broken = (await client.get("/v1/audit/verify", headers=auditor)).json()["first_broken"]
        assert broken == {
            "seq": events[2].seq,
            "id": str(events[2].id),
            "reason": "prev_hash_mismatch",
        }
