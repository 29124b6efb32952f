"""Idempotency keys and request fingerprints (pure: no I/O, no HTTP)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from app.core.crypto import keyed_hash
from app.core.keyring import derive

_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII: no spaces, controls or Unicode
_SF_STRING = re.compile(r'"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"')  # RFC 8941 §3.3.3


def parse_key(values: Sequence[str]) -> str | None:
    """The key from the header's values, None when there is none; ValueError when malformed.

    The draft sends an sf-string (`"abc"`); many clients send the bare value (`abc`): both
    are accepted and are the same key."""
    if not values:
        return None
    if len(values) > 1:
        raise ValueError("more than one Idempotency-Key header")
    raw = values[0].strip(" \t")
    quoted = _SF_STRING.fullmatch(raw)
    key = re.sub(r"\\(.)", r"\1", quoted.group(1)) if quoted else raw
    if not _KEY.fullmatch(key):
        raise ValueError("an Idempotency-Key is 1 to 255 visible ASCII characters")
    return key


def canonical_body(body: BaseModel | None) -> Any:
    """The parsed body as plain JSON values. Secrets count with their real value (two
    different secrets are two different requests) and sets are sorted, so the form is the
    same in every process whatever its hash seed."""
    if body is None:
        return None
    return to_jsonable_python(_plain(body.model_dump(mode="python")))


def _plain(value: Any) -> Any:
    if hasattr(value, "get_secret_value"):
        return _plain(value.get_secret_value())
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        items = [to_jsonable_python(_plain(v)) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def request_fingerprint(key: bytes, path: str, query: Sequence[tuple[str, str]], body: Any) -> str:
    """HMAC-SHA256 of the canonical request (path, sorted query, canonical body).

    Keyed, because bodies hold personal data and passwords: a plain hash of a guessable body
    could be confirmed offline by whoever reads the table."""
    canonical = json.dumps(
        {"path": path, "query": sorted(query), "body": body},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,  # lone surrogates, which JSON can carry, then encode too
    )
    return keyed_hash(key, canonical)


@lru_cache(maxsize=4)
def fingerprint_key(secret: str) -> bytes:
    return derive(secret, "idempotency-fingerprint")
