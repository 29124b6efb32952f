"""Creating records and reading them back for the merge tests."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

# Bookkeeping a merge and its undo legitimately move on.
MOVING = {"version", "updated_at"}


async def create(
    client: AsyncClient, headers: dict, plural: str, body: dict, channel: str = "manual"
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/{plural}",
        json=body,
        headers=headers,
        params={"allow_duplicates": "true", "channel": channel},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def tombstone(client: AsyncClient, headers: dict, plural: str, rid: str) -> dict[str, Any]:
    response = await client.get(
        f"/v1/{plural}/{rid}", headers=headers, params={"follow_merges": "false"}
    )
    assert response.status_code == 200, response.text
    return response.json()


def stable(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in MOVING}


async def merge(client: AsyncClient, headers: dict, **body: Any) -> Any:
    return await client.post("/v1/merges", json=body, headers=headers)
