"""Stored keys follow the engine across upgrades: `crm-dq migrate` queues the re-index."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import text

from app.cli import main
from app.dedup.engine.keys import KEYS_VERSION
from tests.dedup.test_scan_and_review import PEOPLE
from tests.support.jobs import run_jobs

pytestmark = pytest.mark.committed


async def _migrate(url: str, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("DATABASE_URL", url)
    return await asyncio.to_thread(main, ["migrate"])  # its own event loop, as from a shell


async def _rows(app, sql: str, **params: object) -> list[tuple]:  # type: ignore[no-untyped-def]
    async with app.state.sessionmaker() as session:
        return [tuple(row) for row in (await session.execute(text(sql), params)).all()]


async def _reindex_jobs(app) -> list[tuple]:  # type: ignore[no-untyped-def]
    return await _rows(
        app,
        "SELECT params->>'entity', status FROM jobs WHERE kind = 'dedup.reindex' "
        "ORDER BY created_at",
    )


async def test_an_upgraded_base_is_reindexed_once(
    live, committed_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    client, app, headers = live
    ids = []
    for person in PEOPLE[:4]:
        response = await client.post("/v1/contacts", json=person, headers=headers)
        ids.append(response.json()["id"])
    keys_sql = "SELECT key FROM match_keys WHERE record_id = :id ORDER BY key"
    fresh = await _rows(app, keys_sql, id=uuid.UUID(ids[0]))
    # A base written by a release before key versions: no version rows, keys of other rules.
    async with app.state.sessionmaker.begin() as session:
        stale = {"id": uuid.UUID(ids[0])}
        await session.execute(text("DELETE FROM match_keys WHERE record_id = :id"), stale)
        await session.execute(
            text("INSERT INTO match_keys (entity, key, record_id, blocking) "
                 "VALUES ('contact', 'name:old|rules', :id, true)"),
            stale,
        )  # fmt: skip

    assert await _migrate(committed_url, monkeypatch) == 0
    out = capsys.readouterr().out
    assert "matching keys of contact records changed" in out and "company" not in out
    # contacts have records: re-indexed; companies have none: their version is only recorded
    assert await _reindex_jobs(app) == [("contact", "queued")]
    versions = await _rows(app, "SELECT entity, version FROM match_key_versions ORDER BY entity")
    assert versions == sorted(KEYS_VERSION.items())
    events = await _rows(
        app,
        "SELECT entity_id, details->>'reindex' IS NOT NULL FROM audit_events "
        "WHERE action = 'dedup.keys_version' ORDER BY entity_id",
    )
    assert events == [("company", False), ("contact", True)]

    await run_jobs(committed_url)
    assert await _reindex_jobs(app) == [("contact", "succeeded")]
    assert await _rows(app, keys_sql, id=uuid.UUID(ids[0])) == fresh

    # run again, or after a release that kept the keys: nothing more
    assert await _migrate(committed_url, monkeypatch) == 0
    assert "re-index" not in capsys.readouterr().out
    assert len(await _reindex_jobs(app)) == 1

    # a release that changes the contacts' keys (their stored version now behind): once more
    async with app.state.sessionmaker.begin() as session:
        await session.execute(text("UPDATE match_key_versions SET version = version - 1 "
                                   "WHERE entity = 'contact'"))  # fmt: skip
    assert await _migrate(committed_url, monkeypatch) == 0
    assert await _reindex_jobs(app) == [("contact", "succeeded"), ("contact", "queued")]


async def test_a_new_base_records_the_versions_and_queues_nothing(
    live, committed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _, app, _ = live
    assert await _migrate(committed_url, monkeypatch) == 0
    assert await _reindex_jobs(app) == []
    versions = await _rows(app, "SELECT entity, version FROM match_key_versions ORDER BY entity")
    assert versions == sorted(KEYS_VERSION.items())
