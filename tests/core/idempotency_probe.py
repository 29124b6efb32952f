"""A probe router that creates rows the way a real creation endpoint would, with
`Idempotency`; its table lives only in the test's database."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, FastAPI, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.deps import requires
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.idempotency import Idempotency, idempotent_responses

# The parent is checked only at COMMIT (deferred): lets a test make the final commit fail.
PROBE_DDL = """
CREATE TABLE probe_things (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    grp text,
    parent_id uuid REFERENCES probe_things (id) DEFERRABLE INITIALLY DEFERRED
)
"""


class ThingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    note: str | None = Field(default=None, max_length=2_000_000)  # never echoed back


class ThingRead(BaseModel):
    id: uuid.UUID
    name: str
    group: str | None = None


@dataclass
class ProbeControl:
    """What the tests steer: hold the first creation, or make the next one fail."""

    gate: asyncio.Event | None = None
    entered: asyncio.Event = field(default_factory=asyncio.Event)
    fail_next: Exception | None = None
    break_commit: bool = False  # point at a missing parent: the COMMIT fails
    calls: int = 0


CanWrite = Annotated[Principal, requires(Scope.RECORDS_WRITE)]
router = APIRouter(prefix="/_probe")


async def _create(
    session: AsyncSession, control: ProbeControl, body: ThingCreate, group: str | None
) -> ThingRead:
    control.calls += 1
    thing = ThingRead(id=uuid.uuid4(), name=body.name, group=group)
    await session.execute(
        text("INSERT INTO probe_things (id, name, grp, parent_id) VALUES (:id, :name, :grp, :p)"),
        {
            "id": thing.id,
            "name": thing.name,
            "grp": group,
            "p": uuid.uuid4() if control.break_commit else None,
        },
    )
    control.entered.set()
    if control.gate is not None and control.calls == 1:
        await control.gate.wait()
    if control.fail_next is not None:
        error, control.fail_next = control.fail_next, None
        raise error
    return thing


def _headers(thing: ThingRead) -> dict[str, str]:
    return {"Location": f"/_probe/things/{thing.id}", "ETag": '"1"'}


@router.post(
    "/things", status_code=201, response_model=ThingRead, responses=idempotent_responses(201)
)
async def create_thing(
    body: ThingCreate,
    principal: CanWrite,
    session: DbSession,
    idem: Idempotency,
    request: Request,
) -> Response:
    control = request.app.state.probe
    return await idem.run(
        body, status_code=201, work=lambda: _create(session, control, body, None), headers=_headers
    )


@router.post("/groups/{group}/things", status_code=201, response_model=ThingRead)
async def create_grouped_thing(
    group: str,
    body: ThingCreate,
    principal: CanWrite,
    session: DbSession,
    idem: Idempotency,
    request: Request,
) -> Response:
    control = request.app.state.probe
    return await idem.run(
        body, status_code=201, work=lambda: _create(session, control, body, group)
    )


@router.post("/open-things", status_code=201, response_model=ThingRead)
async def create_open_thing(
    body: ThingCreate, session: DbSession, idem: Idempotency, request: Request
) -> Response:
    """Wired wrongly on purpose: no principal, so no key scope."""
    control = request.app.state.probe
    return await idem.run(body, status_code=201, work=lambda: _create(session, control, body, None))


def install_probe(app: FastAPI) -> ProbeControl:
    app.include_router(router)
    app.state.probe = ProbeControl()
    return app.state.probe
