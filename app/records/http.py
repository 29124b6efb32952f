"""HTTP details shared by the record routers: ETags, If-Match, policy, read models."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import DomainError
from app.records import service
from app.records.errors import IfMatchRequired
from app.validation.policy import ValidationPolicy

_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


class InvalidIfMatch(DomainError):
    status, code = 400, "record.if_match_invalid"
    title = {
        "en": "If-Match must be an ETag of this API",
        "fr": "If-Match doit être un ETag de cette API",
    }


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(request: Request, *, required: bool) -> int | None:
    header = request.headers.get("if-match")
    if header is None:
        if required:
            raise IfMatchRequired()
        return None
    match = _IF_MATCH.match(header)
    if match is None:
        raise InvalidIfMatch()
    return int(match.group(1))


async def _policy(request: Request) -> ValidationPolicy:
    return request.app.state.validation_policy


Policy = Annotated[ValidationPolicy, Depends(_policy)]


async def read_models(session: AsyncSession, schema: Any, records: list[Any]) -> list[Any]:
    """Read schemas with their external references, in one query for the whole page."""
    refs = await service.refs_of(session, [r.id for r in records])
    return [to_read(schema, r, refs.get(r.id, [])) for r in records]


def to_read(schema: Any, record: Any, refs: list[Any]) -> Any:
    data = {name: getattr(record, name) for name in schema.model_fields if name != "external_refs"}
    data["external_refs"] = [{"system": r.system, "id": r.external_id} for r in refs]
    return schema.model_validate(data)
