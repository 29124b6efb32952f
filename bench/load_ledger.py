"""What the service acknowledged during a load run, and the check against the database
afterwards: every 201 create stored, every acknowledged update's version and value stored
(no lost update), counts equal.

A write that got no clear answer (a 503, a dropped connection) may or may not have committed
— that is what "unacknowledged" means. Such a write is allowed to be either present or absent;
only a write the service acknowledged must be present, exactly as acknowledged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import asyncpg

EMAIL_DOMAIN = "load.exemple.fr"  # every contact the load creates, and only those


@dataclass
class Record:
    version: int
    job_title: str | None
    # An update sent after the last acknowledged one that got no clear answer: (title,)
    uncertain: list[str] = field(default_factory=list)


@dataclass
class Ledger:
    records: dict[str, Record] = field(default_factory=dict)
    uncertain_creates: set[str] = field(default_factory=set)  # emails
    acknowledged_creates: int = 0
    acknowledged_updates: int = 0

    def created(self, record_id: str, version: int, job_title: str | None) -> None:
        self.records[record_id] = Record(version, job_title)
        self.acknowledged_creates += 1

    def updated(self, record_id: str, version: int, job_title: str) -> None:
        record = self.records[record_id]
        if version > record.version:
            record.version, record.job_title, record.uncertain = version, job_title, []
        self.acknowledged_updates += 1

    def update_unanswered(self, record_id: str, job_title: str) -> None:
        self.records[record_id].uncertain.append(job_title)


@dataclass(frozen=True)
class Consistency:
    acknowledged_creates: int
    creates_found: int
    unacknowledged_creates_stored: int
    acknowledged_updates: int
    records_checked: int
    lost_updates: int  # records whose stored state is older than what was acknowledged
    stored_total: int

    @property
    def lost(self) -> int:
        return (self.acknowledged_creates - self.creates_found) + self.lost_updates

    @property
    def counts_match(self) -> bool:
        expected = self.creates_found + self.unacknowledged_creates_stored
        return self.stored_total == expected


async def check(dsn: str, ledger: Ledger) -> Consistency:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT id::text, version, job_title, email FROM contacts WHERE email LIKE $1",
            f"%@{EMAIL_DOMAIN}",
        )
    finally:
        await conn.close()
    stored = {r["id"]: r for r in rows}
    found = sum(1 for rid in ledger.records if rid in stored)
    lost_updates = 0
    for rid, expected in ledger.records.items():
        row = stored.get(rid)
        if row is None:
            continue  # counted as a lost create
        if row["version"] == expected.version and row["job_title"] == expected.job_title:
            continue
        # Newer than acknowledged: only acceptable if an unanswered update explains it.
        if row["version"] > expected.version and row["job_title"] in expected.uncertain:
            continue
        lost_updates += 1
    known = {uuid.UUID(rid) for rid in ledger.records}
    extra = [r for r in rows if uuid.UUID(r["id"]) not in known]
    unexplained = [r for r in extra if r["email"] not in ledger.uncertain_creates]
    return Consistency(
        acknowledged_creates=ledger.acknowledged_creates,
        creates_found=found,
        unacknowledged_creates_stored=len(extra) - len(unexplained),
        acknowledged_updates=ledger.acknowledged_updates,
        records_checked=len(ledger.records),
        lost_updates=lost_updates,
        stored_total=len(rows),
    )
