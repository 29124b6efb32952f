"""Idempotency-Key over HTTP: replay, reuse, scoping, expiry and abandoned claims."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
import pytest_asyncio
from fastapi import FastAPI
from httpx import AsyncClient, Response
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.scopes import Scope
from app.core.idempotency import IdempotencyPolicy
from app.core.idempotency_keys import canonical_body, fingerprint_key, request_fingerprint
from app.core.idempotency_models import IdempotencyKey
from app.core.timeutil import utcnow
from tests.conftest import make_test_settings
from tests.core.idempotency_probe import PROBE_DDL, ProbeControl, ThingCreate, install_probe
from tests.support.auth import bearer, machine_token

MakeHeaders = Callable[..., Awaitable[dict[str, str]]]
BODY = {"name": "Société Générale", "note": "rappeler Mme Lefèvre"}
KEY = "8e03978e-40d5-43e8-bc93-6894a57f9324"


@pytest_asyncio.fixture
async def probe(app: FastAPI, session: AsyncSession) -> ProbeControl:
    await session.execute(text(PROBE_DDL))
    return install_probe(app)


class Caller(dict[str, str]):
    """Authorization headers of a service account, which also knows the account's id."""

    id: str


@pytest_asyncio.fixture
async def writer(app: FastAPI, session: AsyncSession) -> Caller:
    account, token = await machine_token(session, app.state.auth, frozenset({Scope.RECORDS_WRITE}))
    caller = Caller(bearer(token))
    caller.id = str(account.id)
    return caller


async def post(
    client: AsyncClient,
    auth: dict[str, str],
    body: object = BODY,
    key: str | bytes | None = KEY,
    path: str = "/_probe/things",
    **headers: str,
) -> Response:
    sent: dict[str, str | bytes] = {**auth, **headers}
    if key is not None:
        sent["Idempotency-Key"] = key
    return await client.post(path, json=body, headers=sent)


def fingerprint_of(body: dict[str, str], path: str = "/_probe/things") -> str:
    """As the app computes it, under the test settings' secret."""
    key = fingerprint_key(make_test_settings("unused").secret_key.get_secret_value())
    return request_fingerprint(key, path, [], canonical_body(ThingCreate(**body)))


async def things(session: AsyncSession) -> list[str]:
    rows = await session.execute(text("SELECT name FROM probe_things ORDER BY name"))
    return [r[0] for r in rows]


async def keys(session: AsyncSession) -> list[IdempotencyKey]:
    session.expunge_all()
    return list(await session.scalars(select(IdempotencyKey).order_by(IdempotencyKey.created_at)))


class TestWithoutKey:
    async def test_each_request_creates(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, session: AsyncSession
    ) -> None:
        first = await post(client, writer, key=None)
        second = await post(client, writer, key=None)
        assert (first.status_code, second.status_code) == (201, 201)
        assert first.json()["id"] != second.json()["id"]
        assert first.headers["location"] == f"/_probe/things/{first.json()['id']}"
        assert "idempotent-replayed" not in second.headers
        assert await things(session) == ["Société Générale"] * 2
        assert await keys(session) == []

    async def test_without_token_is_401_before_anything(
        self, client: AsyncClient, probe: ProbeControl, session: AsyncSession
    ) -> None:
        response = await post(client, {})
        assert response.status_code == 401
        assert await keys(session) == []


class TestReplay:
    async def test_same_key_and_body_replays_the_stored_answer(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, session: AsyncSession
    ) -> None:
        first = await post(client, writer)
        second = await post(client, writer)
        assert first.status_code == second.status_code == 201
        assert second.content == first.content
        assert second.headers["location"] == first.headers["location"]
        assert second.headers["etag"] == first.headers["etag"] == '"1"'
        assert second.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert second.headers["content-type"] == "application/json"
        assert await things(session) == ["Société Générale"]
        assert probe.calls == 1

    async def test_same_values_written_differently_are_the_same_request(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, session: AsyncSession
    ) -> None:
        first = await post(client, writer)
        reordered = (
            '{ "note" : "rappeler Mme Lef\\u00e8vre",\n'
            ' "name": "Soci\u00e9t\u00e9 G\u00e9n\u00e9rale" }'
        )
        second = await client.post(
            "/_probe/things",
            content=reordered.encode(),
            headers={**writer, "Idempotency-Key": KEY, "Content-Type": "application/json"},
        )
        assert second.status_code == 201
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json() == first.json()
        assert len(await things(session)) == 1

    async def test_quoted_and_bare_keys_are_the_same_key(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller
    ) -> None:
        first = await post(client, writer, key=f'"{KEY}"')
        second = await post(client, writer, key=KEY)
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json() == first.json()

    async def test_answer_is_stored_with_a_fingerprint_never_the_body(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, session: AsyncSession
    ) -> None:
        created = await post(client, writer)
        [row] = await keys(session)
        assert (row.status, row.response_status) == ("completed", 201)
        assert json.loads(row.response_body or "") == created.json()
        assert row.response_headers == {"Location": created.headers["location"], "ETag": '"1"'}
        assert row.fingerprint == fingerprint_of(BODY)
        assert row.principal_type == "service_account"
        assert (row.method, row.route, row.key) == ("POST", "/_probe/things", KEY)
        assert row.expires_at - row.created_at == timedelta(hours=24)
        everything = await session.scalar(
            text("SELECT string_agg(row_to_json(k)::text, '') FROM idempotency_keys k")
        )
        assert "Lef" not in everything  # the note is in the request only, never stored

    async def test_retention_is_a_parameter(
        self,
        app: FastAPI,
        client: AsyncClient,
        probe: ProbeControl,
        writer: Caller,
        session: AsyncSession,
    ) -> None:
        app.state.idempotency_policy = IdempotencyPolicy(retention=timedelta(minutes=5))
        await post(client, writer)
        [row] = await keys(session)
        assert row.expires_at - row.created_at == timedelta(minutes=5)


class TestReuse:
    @pytest.mark.parametrize(
        "other",
        [
            pytest.param({"name": "Societe Generale", "note": BODY["note"]}, id="accents-removed"),
            pytest.param({"name": BODY["name"]}, id="field-dropped"),
            pytest.param({**BODY, "note": "x" * 1_000_000}, id="huge-note"),
        ],
    )
    async def test_same_key_different_body_is_422(
        self,
        client: AsyncClient,
        probe: ProbeControl,
        writer: Caller,
        session: AsyncSession,
        other: dict[str, object],
    ) -> None:
        await post(client, writer)
        response = await post(client, writer, body=other)
        problem = response.json()
        assert response.status_code == 422 and problem["code"] == "idempotency.key_reused"
        assert response.headers["content-type"] == "application/problem+json"
        assert len(await things(session)) == 1

    @pytest.mark.parametrize(
        ("language", "title"),
        [
            pytest.param("en", "This Idempotency-Key was already used for a different request",
                         id="en"),
            pytest.param("fr-FR,fr;q=0.9", "Cette clé Idempotency-Key a déjà servi pour une "
                         "autre requête", id="fr"),
        ],
    )  # fmt: skip
    async def test_problem_speaks_the_callers_language(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, language: str, title: str
    ) -> None:
        await post(client, writer)
        response = await post(
            client, writer, body={"name": "Autre"}, **{"Accept-Language": language}
        )
        assert response.json()["title"] == title

    async def test_same_operation_other_path_is_a_different_request(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, session: AsyncSession
    ) -> None:
        first = await post(client, writer, path="/_probe/groups/nord/things")
        second = await post(client, writer, path="/_probe/groups/sud/things")
        assert first.status_code == 201
        assert second.status_code == 422 and second.json()["code"] == "idempotency.key_reused"

    async def test_a_body_refused_by_validation_does_not_use_the_key(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, session: AsyncSession
    ) -> None:
        refused = await post(client, writer, body={"name": "", "unknown": 1})
        assert refused.status_code == 422 and refused.json()["code"] == "validation_failed"
        assert await keys(session) == []
        assert (await post(client, writer)).status_code == 201


class TestScoping:
    async def test_another_caller_with_the_same_key_is_independent(
        self,
        client: AsyncClient,
        probe: ProbeControl,
        writer: Caller,
        auth_headers: MakeHeaders,
        session: AsyncSession,
    ) -> None:
        other_machine = await auth_headers(scopes=["records:write"])
        person = await auth_headers(role="sales")
        answers = [await post(client, h) for h in (writer, other_machine, person)]
        assert [a.status_code for a in answers] == [201, 201, 201]
        assert len({a.json()["id"] for a in answers}) == 3
        assert all("idempotent-replayed" not in a.headers for a in answers)
        assert len(await things(session)) == 3
        assert {k.principal_type for k in await keys(session)} == {"service_account", "user"}

    async def test_another_caller_never_sees_the_stored_answer(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, auth_headers: MakeHeaders
    ) -> None:
        await post(client, writer, body={"name": "Confidentiel SAS"})
        other = await auth_headers(scopes=["records:write"])
        response = await post(client, other, body={"name": "Autre"})
        assert response.status_code == 201 and response.json()["name"] == "Autre"

    async def test_the_same_key_on_another_operation_is_independent(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, session: AsyncSession
    ) -> None:
        first = await post(client, writer)
        second = await post(client, writer, path="/_probe/groups/nord/things")
        assert (first.status_code, second.status_code) == (201, 201)
        assert second.json()["group"] == "nord"
        assert len(await things(session)) == 2

    async def test_a_route_without_a_principal_is_refused_outright(
        self, client: AsyncClient, probe: ProbeControl, session: AsyncSession
    ) -> None:
        response = await post(client, {}, path="/_probe/open-things")
        assert response.status_code == 500
        assert await things(session) == []


class TestInvalidKey:
    @pytest.mark.parametrize(
        "key",
        [
            pytest.param("", id="empty"),
            pytest.param("k" * 256, id="too-long"),
            pytest.param("a\x01b", id="control-char"),
            pytest.param("a b", id="inner-space"),
            pytest.param("clé".encode(), id="non-ascii-utf8"),
            pytest.param("clé".encode("latin-1"), id="non-ascii-latin1"),
            pytest.param("\u0430bc".encode(), id="cyrillic-look-alike"),
            pytest.param('""', id="empty-quoted"),
        ],
    )
    async def test_is_400_problem_and_nothing_is_created(
        self,
        client: AsyncClient,
        probe: ProbeControl,
        writer: Caller,
        session: AsyncSession,
        key: str | bytes,
    ) -> None:
        response = await post(client, writer, key=key)
        problem = response.json()
        assert response.status_code == 400 and problem["code"] == "idempotency.key_invalid"
        assert problem["detail"].startswith("Envoyez un seul Idempotency-Key")
        assert await things(session) == []
        assert await keys(session) == []

    async def test_two_key_headers_are_400(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, session: AsyncSession
    ) -> None:
        headers = [*writer.items(), ("Idempotency-Key", "a"), ("Idempotency-Key", "b")]
        response = await client.post("/_probe/things", json=BODY, headers=headers)
        assert response.status_code == 400 and response.json()["code"] == "idempotency.key_invalid"
        assert await things(session) == []

    async def test_a_255_char_key_is_fine(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller
    ) -> None:
        key = "~" * 255
        assert (await post(client, writer, key=key)).status_code == 201
        assert (await post(client, writer, key=key)).headers["idempotent-replayed"] == "true"


class TestExpiryAndAbandonment:
    async def test_an_expired_key_can_be_used_again(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, session: AsyncSession
    ) -> None:
        await post(client, writer)
        await session.execute(
            text("UPDATE idempotency_keys SET expires_at = now() - interval '1 second'")
        )
        again = await post(client, writer, body={"name": "Autre corps"})
        assert again.status_code == 201 and "idempotent-replayed" not in again.headers
        [row] = await keys(session)
        assert row.status == "completed" and json.loads(row.response_body or "") == again.json()
        assert await things(session) == ["Autre corps", "Société Générale"]

    async def test_expired_keys_of_others_are_cleaned_lazily(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, session: AsyncSession
    ) -> None:
        for i in range(3):
            await _marker(session, key=f"old-{i}", status="completed", age=timedelta(days=2))
        await _marker(session, key="old-running", age=timedelta(days=2))
        await _marker(session, key="live", status="completed", age=timedelta(hours=1))
        await post(client, writer)
        assert {k.key for k in await keys(session)} == {"live", KEY}

    async def test_a_running_request_answers_409_with_retry_after(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, session: AsyncSession
    ) -> None:
        fingerprint = fingerprint_of(BODY)
        await _marker(session, key=KEY, fingerprint=fingerprint, principal_id=writer.id)
        response = await post(client, writer)
        assert response.status_code == 409 and response.json()["code"] == "idempotency.in_progress"
        assert response.headers["retry-after"] == "1"
        assert await things(session) == []

    async def test_an_abandoned_claim_is_taken_over(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, session: AsyncSession
    ) -> None:
        fingerprint = fingerprint_of(BODY)
        await _marker(session, key=KEY, fingerprint=fingerprint, principal_id=writer.id,
                      locked_for=timedelta(seconds=61))  # fmt: skip
        response = await post(client, writer)
        assert response.status_code == 201 and "idempotent-replayed" not in response.headers
        [row] = await keys(session)
        assert row.status == "completed" and row.response_status == 201
        assert (await post(client, writer)).headers["idempotent-replayed"] == "true"
        assert len(await things(session)) == 1

    async def test_an_abandoned_claim_for_another_body_still_refuses_it(
        self, client: AsyncClient, probe: ProbeControl, writer: Caller, session: AsyncSession
    ) -> None:
        other = fingerprint_of({"name": "Autre"})
        await _marker(session, key=KEY, fingerprint=other, principal_id=writer.id,
                      locked_for=timedelta(minutes=5))  # fmt: skip
        response = await post(client, writer)
        assert response.status_code == 422 and response.json()["code"] == "idempotency.key_reused"

    async def test_lock_timeout_is_a_parameter(
        self,
        app: FastAPI,
        client: AsyncClient,
        probe: ProbeControl,
        writer: Caller,
        session: AsyncSession,
    ) -> None:
        app.state.idempotency_policy = IdempotencyPolicy(lock_timeout=timedelta(minutes=10))
        fingerprint = fingerprint_of(BODY)
        await _marker(session, key=KEY, fingerprint=fingerprint, principal_id=writer.id,
                      locked_for=timedelta(minutes=5))  # fmt: skip
        assert (await post(client, writer)).status_code == 409


def test_openapi_documents_the_header_and_the_problems(app: FastAPI, probe: ProbeControl) -> None:
    operation = app.openapi()["paths"]["/_probe/things"]["post"]
    [header] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert header["in"] == "header" and header["required"] is False
    assert "422" in header["description"] and "409" in header["description"]
    responses = operation["responses"]
    assert {"400", "409", "422"} <= set(responses)
    assert "idempotency.in_progress" in responses["409"]["description"]
    created = responses["201"]
    assert created["content"]["application/json"]["schema"]["$ref"].endswith("/ThingRead")
    assert created["headers"]["Idempotent-Replayed"]["schema"]["enum"] == ["true"]


async def _marker(
    session: AsyncSession,
    *,
    key: str,
    status: str = "in_progress",
    fingerprint: str = "0" * 64,
    principal_id: str | None = None,
    age: timedelta = timedelta(0),
    locked_for: timedelta = timedelta(0),
) -> None:
    """A row as another request would have left it: `age` old, locked `locked_for` ago."""
    now = utcnow()
    session.add(
        IdempotencyKey(
            principal_type="service_account",
            principal_id=principal_id or str(uuid.uuid4()),
            method="POST",
            route="/_probe/things",
            key=key,
            fingerprint=fingerprint,
            status=status,
            lock_token=uuid.uuid4(),
            locked_at=now - max(locked_for, age),
            response_status=201 if status == "completed" else None,
            response_body="{}" if status == "completed" else None,
            created_at=now - age,
            expires_at=now - age + timedelta(hours=24),
        )
    )
    await session.flush()
