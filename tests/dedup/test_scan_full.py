"""A full scan block by block, stopped half-way and resumed, finds what one run finds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from app.dedup import scan_full
from app.jobs import WorkerStopping
from app.jobs.context import JobContext
from tests.dedup.scanning import scan_once
from tests.support.jobs import run_jobs

PEOPLE = [
    {"first_name": "Jean-Pierre", "last_name": "Kerbrat", "email": "jp.kerbrat@acme.fr"},
    {"first_name": "jean pierre", "last_name": "KERBRAT", "email": "JP.Kerbrat@acme.fr"},
    {"first_name": "Alice", "last_name": "Durand", "email": "alice.durand@exemple.fr"},
    {"first_name": "Alice", "last_name": "Durant", "email": "alice.durand@exemple.fr"},
    {"first_name": "Marc", "last_name": "Leroy", "phone": "06 98 76 54 32"},
    {"first_name": "Marc", "last_name": "Leroy", "phone": "+33 6 98 76 54 32"},
    {"first_name": "Zoé", "last_name": "Kerbrat", "email": "zoe.kerbrat@acme.fr"},
    {"first_name": "Zoe", "last_name": "Kerbrat", "phone": "06 11 22 33 44"},
    {"first_name": "Ève", "last_name": "N'Guyen", "email": "eve.nguyen@exemple.fr"},
    # settled by names, email and mobile: the scan counts its two titles (`level_counts`)
    {"first_name": "Gwenaëlle", "last_name": "Le Gall", "email": "g.legall@armor.fr",
     "phone": "06 55 44 33 22", "job_title": "DAF"},
    {"first_name": "Gwenaelle", "last_name": "Le Gall", "email": "G.LeGall@armor.fr",
     "phone": "+33 6 55 44 33 22", "job_title": "Directrice financière"},
]  # fmt: skip


@pytest.mark.committed
async def test_a_stopped_scan_resumes_where_it_stored_its_last_page(
    live, committed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    client, app, headers = live
    for person in PEOPLE:
        assert (await client.post("/v1/contacts", json=person, headers=headers)).is_success
    monkeypatch.setattr(scan_full, "PAGE", 4)  # several pages, several checkpoints
    monkeypatch.setattr(scan_full, "IN_FLIGHT", 1)

    whole = await scan_once(client, headers, committed_url)
    assert whole["result"]["records"] == len(PEOPLE)
    assert len(whole["pairs"]) >= 3

    stops = []
    stop_point = JobContext.stop_point

    def stop_once_after_a_page(self: JobContext) -> None:
        if self.checkpoint is None and (self.checkpoint_saved or False) and not stops:
            stops.append(True)
            raise WorkerStopping()
        stop_point(self)

    monkeypatch.setattr(JobContext, "checkpoint_saved", False, raising=False)
    save = JobContext.save_checkpoint

    async def saving(self: JobContext, data, *, session=None) -> None:  # type: ignore[no-untyped-def]
        await save(self, data, session=session)
        self.checkpoint_saved = data.get("mode") == "blocks"  # type: ignore[attr-defined]

    monkeypatch.setattr(JobContext, "save_checkpoint", saving)
    monkeypatch.setattr(JobContext, "stop_point", stop_once_after_a_page)
    replayed = []

    class Spy(scan_full.BlockPairs):
        def add(self, key, size, members, *, emit=True):  # type: ignore[no-untyped-def]
            replayed.append(not emit)
            return super().add(key, size, members, emit=emit)

    monkeypatch.setattr(scan_full, "BlockPairs", Spy)
    # from where the whole run started: with no level counts (it stored its own)
    async with app.state.sessionmaker.begin() as session:
        await session.execute(text("DELETE FROM match_level_counts"))
    resumed = await scan_once(client, headers, committed_url)
    assert stops, "the scan was never stopped"
    assert any(replayed), "the second attempt started again from the first block"
    assert resumed["result"] == whole["result"]
    assert whole["result"]["settled_levels"], "no pair was settled: the counts went untested"
    assert resumed["pairs"] == whole["pairs"]


@pytest.mark.committed
async def test_an_incremental_scan_pairs_what_changed_with_the_whole_base(
    live, committed_url: str
) -> None:  # type: ignore[no-untyped-def]
    client, _, headers = live
    for person in PEOPLE[:4]:
        assert (await client.post("/v1/contacts", json=person, headers=headers)).is_success
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    started = await client.post(
        "/v1/duplicates/scans", json={"entity": "contact", "since": since}, headers=headers
    )
    assert started.status_code == 202, started.text
    await run_jobs(committed_url)
    job = (await client.get(f"/v1/jobs/{started.json()['job_id']}", headers=headers)).json()
    assert job["status"] == "succeeded", job
    assert job["result"]["records"] == 4
    assert job["result"]["clusters"] == 0  # only a full scan rebuilds clusters
    queue = (await client.get("/v1/duplicate-pairs", headers=headers)).json()["items"]
    assert len(queue) == 2  # Kerbrat ×2, Durand / Durant
