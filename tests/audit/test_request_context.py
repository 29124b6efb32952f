"""An event recorded while serving a request carries that request's id and client address."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from httpx import AsyncClient

from app.audit import service
from app.auth.principal import SYSTEM
from app.core.db import DbSession

probe = APIRouter(prefix="/_probe")


@probe.post("/audit")
async def record_probe(session: DbSession) -> dict[str, int]:
    event = await service.record(session, SYSTEM, "probe.called")
    return {"seq": event.seq}


async def test_request_id_and_client_ip_are_recorded(
    app: FastAPI,
    client: AsyncClient,
    auth_headers,  # type: ignore[no-untyped-def]
) -> None:
    app.include_router(probe)
    sent = await client.post("/_probe/audit", headers={"X-Request-ID": "trace-0042"})
    assert sent.status_code == 200
    minted = await client.post("/_probe/audit", headers={"X-Request-ID": "bad id <script>"})

    listed = await client.get(
        "/v1/audit", params={"action": "probe.called"}, headers=await auth_headers(role="auditor")
    )
    newest, oldest = listed.json()["items"]
    assert oldest["seq"] == sent.json()["seq"]
    assert oldest["request_id"] == "trace-0042"
    # A refused caller id is replaced by the minted one the response echoes.
    assert newest["request_id"] == minted.headers["x-request-id"] != "bad id <script>"
    assert oldest["client_ip"] == newest["client_ip"] == "127.0.0.1"
