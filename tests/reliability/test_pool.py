"""Pool exhaustion, statement timeouts, connections killed or requests cancelled mid-query:
each answers a 503 problem (never a 500) and leaves no connection checked out, no open
transaction and no lock behind."""

from __future__ import annotations

import asyncio
import time

import pytest
from fastapi import FastAPI

from tests.conftest import live_app
from tests.reliability.faults_support import (
    create_contact,
    leftovers,
    row_locked,
    waiting_on_lock,
)

pytestmark = pytest.mark.committed
IF_MATCH_V1 = {"If-Match": '"1"'}


async def assert_clean(app: FastAPI, url: str) -> None:
    pool = app.state.engine.pool
    assert pool.checkedout() == 0, pool.status()
    assert await leftovers(url) == []


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        pytest.param("en", "The database took too long to answer: nothing was changed", id="en"),
        pytest.param(
            "fr",
            "La base de données a mis trop de temps à répondre : rien n'a été modifié",
            id="fr",
        ),
    ],
)
async def test_a_statement_timeout_is_a_503_and_changes_nothing(
    committed_url: str, lang: str, title: str
) -> None:
    # Created under the default timeout: a create on a busy machine (a lookup, keys, audit,
    # outbox) may take longer than the 300 ms the PATCH below is held to.
    async with live_app(committed_url) as (client, _app, headers):
        contact = await create_contact(client, headers)
    async with live_app(committed_url, db_statement_timeout_ms=300) as (client, app, headers):
        async with row_locked(committed_url, "contacts", contact):
            started = time.monotonic()
            response = await client.patch(
                f"/v1/contacts/{contact}",
                json={"first_name": "Jean"},
                headers=headers | IF_MATCH_V1 | {"Accept-Language": lang},
            )
            elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"] == "2"
        body = response.json()
        assert (body["code"], body["title"]) == ("database_timeout", title)
        assert "SELECT" not in response.text and "Dupont" not in response.text
        assert 0.25 < elapsed < 5
        after = await client.get(f"/v1/contacts/{contact}", headers=headers)
        assert (after.status_code, after.json()["version"]) == (200, 1)
        assert after.json()["first_name"] is None
        await assert_clean(app, committed_url)


async def test_an_exhausted_pool_answers_503_busy_then_serves_again(committed_url: str) -> None:
    options = {"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout_s": 0.3}
    async with live_app(committed_url, **options) as (client, app, headers):
        contact = await create_contact(client, headers)
        async with row_locked(committed_url, "contacts", contact):
            holder = asyncio.create_task(
                client.patch(
                    f"/v1/contacts/{contact}",
                    json={"first_name": "Jean"},
                    headers=headers | IF_MATCH_V1,
                )
            )
            await waiting_on_lock(committed_url)  # the only connection is now busy
            started = time.monotonic()
            refused = await client.get(f"/v1/contacts/{contact}", headers=headers)
            assert time.monotonic() - started < 3
        assert refused.status_code == 503
        assert refused.json()["code"] == "database_busy"
        assert refused.headers["retry-after"] == "2"
        held = await holder  # the lock released, the waiting request completes normally
        assert held.status_code == 200 and held.json()["version"] > 1
        again = await client.get(f"/v1/contacts/{contact}", headers=headers)
        assert again.json()["first_name"] == "Jean"
        await assert_clean(app, committed_url)


async def test_a_connection_killed_mid_request_is_503_and_the_pool_heals(
    committed_url: str,
) -> None:
    async with live_app(committed_url, db_pool_size=2, db_max_overflow=0) as (client, app, headers):
        contact = await create_contact(client, headers)
        async with row_locked(committed_url, "contacts", contact) as locker:
            victim = asyncio.create_task(
                client.patch(
                    f"/v1/contacts/{contact}",
                    json={"first_name": "Jean"},
                    headers=headers | IF_MATCH_V1,
                )
            )
            await waiting_on_lock(committed_url)
            # What a PostgreSQL restart or a failover does to a session: it is terminated.
            await locker.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'crm-dq' AND wait_event_type = 'Lock'"
            )
            response = await victim
        assert response.status_code == 503
        assert response.json()["code"] == "database_unavailable"
        for n in range(4):  # more requests than the pool has connections: none was lost
            assert (await client.get(f"/v1/contacts/{contact}", headers=headers)).status_code == 200
            await create_contact(client, headers, n + 1)
        await assert_clean(app, committed_url)


async def test_a_request_cancelled_mid_query_leaves_no_lock_nor_connection(
    committed_url: str,
) -> None:
    """Uvicorn cancels requests still running when the graceful-shutdown time is up."""
    async with live_app(committed_url, db_pool_size=1, db_max_overflow=0) as (client, app, headers):
        contact = await create_contact(client, headers)
        async with row_locked(committed_url, "contacts", contact):
            doomed = asyncio.create_task(
                client.patch(
                    f"/v1/contacts/{contact}",
                    json={"first_name": "Jean"},
                    headers=headers | IF_MATCH_V1,
                )
            )
            await waiting_on_lock(committed_url)
            doomed.cancel()
            with pytest.raises(asyncio.CancelledError):
                await doomed
        # The only connection is usable again: the write that would have needed it goes in.
        response = await client.patch(
            f"/v1/contacts/{contact}", json={"last_name": "Durand"}, headers=headers | IF_MATCH_V1
        )
        assert response.status_code == 200 and response.json()["version"] > 1
        assert response.json()["first_name"] is None  # the cancelled change never landed
        await assert_clean(app, committed_url)
