"""What an audit event states, checked before it is chained (pure).

An audit row must never carry personal values: only who acted (an id), what was done (a
dotted action code), on what (type + id), which field *names* changed, and a few small
codes or counts. The shapes are narrow on purpose so a caller cannot slip an email or a
name in by mistake: field names and keys are identifiers, detail values are short scalars.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, get_args

ActorType = Literal["user", "service_account", "system", "anonymous"]
ACTOR_TYPES: frozenset[str] = frozenset(get_args(ActorType))

DetailValue = str | int | bool | None

# e.g. "auth.login.succeeded": lower-case segments, at least one dot (the namespace).
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
_ENTITY_TYPE = re.compile(r"^[a-z][a-z0-9_]*$")
# Field names may be dotted paths ("consent.lawful_basis") but never free text.
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_TOKEN = re.compile(r"^[A-Za-z0-9._:-]+$")

MAX_ACTION_LEN = 100
MAX_ENTITY_TYPE_LEN = 50
MAX_ID_LEN = 128
MAX_NAME_LEN = 64
MAX_FIELDS = 100
MAX_DETAILS = 32
MAX_DETAIL_STR_LEN = 200
# JSON consumers (and JavaScript) lose precision past 2**53.
MAX_DETAIL_INT = 2**53 - 1


class InvalidAuditEvent(ValueError):
    """A programming error in the caller: the event is refused, so the change is too."""


@dataclass(frozen=True, slots=True)
class EventFacts:
    """Everything the hash of an event covers (its chain position aside)."""

    id: uuid.UUID
    occurred_at: datetime
    actor_type: str
    actor_id: str | None
    action: str
    entity_type: str | None = None
    entity_id: str | None = None
    fields: tuple[str, ...] = ()
    details: Mapping[str, DetailValue] = field(default_factory=dict)
    request_id: str | None = None
    client_ip: str | None = None


def build_facts(
    *,
    id: uuid.UUID,
    occurred_at: datetime,
    actor_type: str,
    actor_id: str | uuid.UUID | None,
    action: str,
    entity_type: str | None = None,
    entity_id: uuid.UUID | str | None = None,
    fields: Iterable[str] = (),
    details: Mapping[str, object] | None = None,
    request_id: str | None = None,
    client_ip: str | None = None,
) -> EventFacts:
    """Validated, normalised facts; InvalidAuditEvent names the offending part, never its value."""
    if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
        raise InvalidAuditEvent("occurred_at must be timezone-aware")
    if actor_type not in ACTOR_TYPES:
        raise InvalidAuditEvent("actor_type is not a known actor type")
    return EventFacts(
        id=id,
        occurred_at=occurred_at.astimezone(UTC),
        actor_type=actor_type,
        actor_id=_identifier("actor_id", actor_id),
        action=_matching("action", action, _ACTION, MAX_ACTION_LEN),
        entity_type=(
            None
            if entity_type is None
            else _matching("entity_type", entity_type, _ENTITY_TYPE, MAX_ENTITY_TYPE_LEN)
        ),
        entity_id=_identifier("entity_id", entity_id),
        fields=normalise_fields(fields),
        details=validate_details(details or {}),
        request_id=_soft_token(request_id),
        client_ip=normalise_ip(client_ip),
    )


def normalise_fields(names: Iterable[str]) -> tuple[str, ...]:
    """Sorted, de-duplicated field names: their order carries no meaning."""
    if isinstance(names, str | bytes):
        # A lone string would otherwise be split into characters.
        raise InvalidAuditEvent("fields must be an iterable of names, not a string")
    unique = set()
    for name in names:
        unique.add(_matching("fields", name, _NAME, MAX_NAME_LEN))
    if len(unique) > MAX_FIELDS:
        raise InvalidAuditEvent(f"fields holds more than {MAX_FIELDS} names")
    return tuple(sorted(unique))


def validate_details(details: Mapping[str, object]) -> dict[str, DetailValue]:
    if not isinstance(details, Mapping):
        raise InvalidAuditEvent("details must be a mapping")
    if len(details) > MAX_DETAILS:
        raise InvalidAuditEvent(f"details holds more than {MAX_DETAILS} entries")
    clean: dict[str, DetailValue] = {}
    for key, value in details.items():
        clean[_matching("details key", key, _NAME, MAX_NAME_LEN)] = _detail_value(key, value)
    return clean


def normalise_ip(raw: str | None) -> str | None:
    """The canonical text of an IP address; anything else (a test host name) is dropped."""
    if raw is None:
        return None
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def _detail_value(key: str, value: object) -> DetailValue:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_DETAIL_INT:
            raise InvalidAuditEvent(f"details[{key}] is out of range")
        return int(value)  # an IntEnum becomes its plain value
    if isinstance(value, str):
        if value:  # an empty code is harmless; only identifiers must be non-empty
            _text(f"details[{key}]", value, MAX_DETAIL_STR_LEN)
        return str.__str__(value)
    raise InvalidAuditEvent(f"details[{key}] must be a str, int, bool or None")


def _identifier(part: str, value: str | uuid.UUID | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    return _matching(part, value, _TOKEN, MAX_ID_LEN)


def _soft_token(value: str | None) -> str | None:
    # Context data, already checked by the middleware: a bad one must not refuse the change.
    if value is None:
        return None
    try:
        return _matching("request_id", value, _TOKEN, MAX_ID_LEN)
    except InvalidAuditEvent:
        return None


def _matching(part: str, value: object, pattern: re.Pattern[str], max_len: int) -> str:
    if not isinstance(value, str):
        raise InvalidAuditEvent(f"{part} must be a string")
    value = str.__str__(value)  # a str subclass (an enum member) hashes as its plain text
    _text(part, value, max_len)
    # fullmatch: `$` alone would accept a trailing newline.
    if not pattern.fullmatch(value):
        raise InvalidAuditEvent(f"{part} has an invalid format")
    return value


def _text(part: str, value: str, max_len: int) -> None:
    if not value:
        raise InvalidAuditEvent(f"{part} is empty")
    if len(value) > max_len:
        raise InvalidAuditEvent(f"{part} is longer than {max_len} characters")
    # PostgreSQL text and jsonb refuse NUL; lone surrogates cannot be encoded at all.
    if "\x00" in value:
        raise InvalidAuditEvent(f"{part} contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidAuditEvent(f"{part} is not valid Unicode") from exc
