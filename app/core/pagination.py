"""Cursor pagination shared by every list endpoint: opaque cursors over (sort key, id)."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from app.core.errors import DomainError

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class InvalidCursor(DomainError):
    status, code = 400, "pagination.invalid_cursor"
    title = {"en": "Invalid pagination cursor", "fr": "Curseur de pagination invalide"}


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; null on the last page."
    )


class PageParams(BaseModel):
    limit: int
    cursor: str | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=512, description="From `next_cursor`")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


Pagination = Annotated[PageParams, Depends(page_params)]


def encode_cursor(*values: Any) -> str:
    raw = json.dumps([str(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[str]:
    """The values encode_cursor was given, as strings; InvalidCursor if tampered with."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor() from exc
    if not isinstance(values, list) or len(values) != arity:
        raise InvalidCursor()
    if not all(isinstance(v, str) for v in values):
        raise InvalidCursor()
    return values


K = TypeVar("K")


def keyset_position(cursor: str | None, parse: Callable[[str], K]) -> tuple[K, uuid.UUID] | None:
    """The (sort key, id) position a cursor points after; `parse` reads the sort key and
    raises ValueError on anything it does not accept."""
    if cursor is None:
        return None
    key, last_id = decode_cursor(cursor, 2)
    try:
        return parse(key), uuid.UUID(last_id)
    except ValueError as exc:
        raise InvalidCursor() from exc


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("naive time")
    return moment


def keyset_after(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """The (created_at, id) position a cursor points after, for lists ordered that way."""
    return keyset_position(cursor, _aware)


def keyset_page(items: list[T], limit: int, position: Any) -> Page[T]:
    """`items` was fetched with limit + 1 rows: the extra one says whether a next page exists."""
    more = len(items) > limit
    kept = items[:limit]
    next_cursor = encode_cursor(*position(kept[-1])) if more and kept else None
    return Page[T](items=kept, next_cursor=next_cursor)
