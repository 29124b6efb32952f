"""A full scan's block read, whole or only some kinds of key (a first scan's counting pass)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.dedup.pairs_repository import ScanRepository

KEYS = {
    "email:jp.kerbrat@acme.fr": 2,
    "name:jean|kerbrat": 3,
    "phone:+33612345678": 2,
    "phone:+33298123456": 4,
    "np:kerb|jean": 2,
    "emails:not-an-email-key": 2,  # another kind whose name begins like one asked for
}


async def _rows(session: AsyncSession, kinds: tuple[str, ...]) -> list[tuple[str, uuid.UUID, int]]:
    found = []
    async for page in ScanRepository(session).block_rows("contact", 3, kinds):
        found.extend((key, record_id, size) for key, record_id, size in page)
    return found


@pytest.mark.parametrize(
    "kinds",
    [("email:", "phone:"), ("phone:",), ("name:",), ("wi:",)],
)
async def test_a_read_of_some_kinds_is_the_whole_read_less_the_others(
    session: AsyncSession, kinds: tuple[str, ...]
) -> None:
    for key, size in KEYS.items():
        for _ in range(size):
            await session.execute(
                text("INSERT INTO match_keys (entity, key, record_id, blocking) "
                     "VALUES ('contact', :key, :id, true)"),
                {"key": key, "id": uuid.uuid4()},
            )  # fmt: skip
        await session.execute(
            text("INSERT INTO term_counts (entity, term, count) VALUES ('contact', :key, :n)"),
            {"key": key, "n": size},
        )
    whole = await _rows(session, ())
    assert len(whole) == sum(KEYS.values())
    some = await _rows(session, kinds)
    assert some == [row for row in whole if row[0].startswith(kinds)]
    total = await ScanRepository(session).block_rows_total("contact", kinds)
    assert total == len(some) == sum(n for key, n in KEYS.items() if key.startswith(kinds))
