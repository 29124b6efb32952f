"""HTTP details shared by the record routers: ETags, If-Match, policy, read models."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request
from pydantic import Field, create_model
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.core.errors import DomainError
from app.dedup.schemas import MatchRead
from app.records import service
from app.records.errors import IfMatchRequired
from app.records.service import Entry
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


ChannelQuery = Annotated[
    Literal["form", "crm", "script", "manual"] | None,
    Query(
        description="Where the record comes from, for the duplicate rules: `form` (web form), "
        "`crm`, `script`, `manual`. Default: `script` for service accounts, else `manual`."
    ),
]
AllowDuplicates = Annotated[
    bool,
    Query(description="Create even if the duplicate rule would block (the caller confirmed)"),
]


def entry_for(request: Request, principal: Principal, channel: str | None, allow: bool) -> Entry:
    chosen = channel or ("script" if principal.type == "service_account" else "manual")
    return Entry(request.app.state.duplicate_rules, chosen, confirmed=allow)  # type: ignore[arg-type]


def with_duplicates(read_schema: Any) -> Any:
    """The create answer: the record, plus the stored records it may duplicate."""
    return create_model(
        f"{read_schema.__name__.removesuffix('Read')}Created",
        __base__=read_schema,
        possible_duplicates=(
            list[MatchRead],
            Field(default_factory=list, description="Matches found at entry (warn/queue rules)"),
        ),
    )
