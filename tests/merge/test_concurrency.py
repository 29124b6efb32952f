"""Concurrent merges over the same records: one wins, the other gets 409, never half a merge."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from tests.merge.helpers import create, merge


@pytest.mark.committed
async def test_conflicting_merges_never_half_merge(live) -> None:  # type: ignore[no-untyped-def]
    client, app, headers = live
    for round_ in range(4):
        a, b, c = [
            await create(client, headers, "contacts",
                         {"last_name": "Quéré", "email": f"q{round_}{n}@quere.bzh"})
            for n in "abc"
        ]  # fmt: skip
        # Opposite orders and overlapping sets: the classic deadlock shape.
        outcomes = await asyncio.gather(
            merge(client, headers, entity="contact", record_ids=[a["id"], b["id"]],
                  survivor_id=a["id"]),
            merge(client, headers, entity="contact", record_ids=[c["id"], b["id"]],
                  survivor_id=c["id"]),
            merge(client, headers, entity="contact", record_ids=[b["id"], a["id"]],
                  survivor_id=b["id"]),
        )  # fmt: skip
        statuses = sorted(r.status_code for r in outcomes)
        assert 201 in statuses and set(statuses) <= {201, 409}, [r.text for r in outcomes]
        won = [r.json() for r in outcomes if r.status_code == 201]
        async with app.state.sessionmaker() as session:
            rows = (
                await session.execute(
                    text(
                        "SELECT id::text, status, merged_into_id::text FROM contacts "
                        "WHERE id = ANY(CAST(:ids AS uuid[]))"
                    ),
                    {"ids": [a["id"], b["id"], c["id"]]},
                )
            ).all()
            merges = await session.scalar(
                text("SELECT count(*) FROM merges WHERE survivor_id = ANY(CAST(:ids AS uuid[]))"),
                {"ids": [a["id"], b["id"], c["id"]]},
            )
        state = {rid: (status, into) for rid, status, into in rows}
        assert merges == len(won)
        # Every record is either active or merged into a winner's survivor, exactly as the
        # winning merges say; nothing else moved
        expected = {rid: ("active", None) for rid in state}
        for done in won:
            for merged in done["merged_ids"]:
                expected[merged] = ("merged", done["survivor_id"])
        # (two winners are two merges in sequence: B into C after A into B is a chain, and
        # reads follow it)
        assert state == expected
