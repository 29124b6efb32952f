"""What an audit event may state: identifiers, codes and counts; never free text or values."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from app.audit.facts import (
    MAX_DETAIL_INT,
    MAX_DETAIL_STR_LEN,
    MAX_DETAILS,
    MAX_FIELDS,
    InvalidAuditEvent,
    build_facts,
    normalise_ip,
)

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def build(**overrides: Any):  # type: ignore[no-untyped-def]
    values: dict[str, Any] = {
        "id": uuid.UUID(int=7),
        "occurred_at": NOW,
        "actor_type": "user",
        "actor_id": uuid.UUID(int=8),
        "action": "contact.updated",
    }
    return build_facts(**(values | overrides))


class Colour(enum.StrEnum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


ACCEPTED = [
    pytest.param({}, "action", "contact.updated", id="minimal"),
    pytest.param({"action": "auth.login.succeeded"}, "action", "auth.login.succeeded", id="deep"),
    pytest.param({"action": "user.role_changed"}, "action", "user.role_changed", id="underscore"),
    pytest.param({"actor_id": None, "actor_type": "system"}, "actor_id", None, id="system"),
    pytest.param({}, "actor_id", str(uuid.UUID(int=8)), id="actor-uuid-to-text"),
    pytest.param({"actor_id": "sa-42"}, "actor_id", "sa-42", id="actor-text"),
    pytest.param({"entity_id": uuid.UUID(int=9)}, "entity_id", str(uuid.UUID(int=9)), id="uuid"),
    pytest.param({"entity_id": "HS:123-a.b"}, "entity_id", "HS:123-a.b", id="external-id"),
    pytest.param({"entity_type": "contact"}, "entity_type", "contact", id="entity-type"),
    pytest.param({"entity_type": Colour.RED}, "entity_type", "red", id="entity-type-strenum"),
    pytest.param(
        {"fields": ["phone", "email", "phone"]}, "fields", ("email", "phone"), id="fields-sorted"
    ),
    pytest.param(
        {"fields": iter(["consent.lawful_basis"])},
        "fields",
        ("consent.lawful_basis",),
        id="fields-dotted-from-iterator",
    ),
    pytest.param({"fields": ()}, "fields", (), id="no-fields"),
    pytest.param(
        {"details": {"count": 3, "ok": True, "code": "E1", "none": None, "empty": ""}},
        "details",
        {"count": 3, "ok": True, "code": "E1", "none": None, "empty": ""},
        id="details-scalars",
    ),
    pytest.param(
        {"details": {"level": Level.HIGH, "colour": Colour.RED}},
        "details",
        {"level": 3, "colour": "red"},
        id="details-enums-become-plain",
    ),
    pytest.param(
        {"details": {"reason": "déjà fusionnée"}},
        "details",
        {"reason": "déjà fusionnée"},
        id="details-accents",
    ),
    pytest.param(
        {"details": {"n": MAX_DETAIL_INT}}, "details", {"n": MAX_DETAIL_INT}, id="int-at-max"
    ),
    pytest.param({"details": None}, "details", {}, id="details-none"),
    pytest.param(
        {"occurred_at": NOW.astimezone(timezone(timedelta(hours=1)))},
        "occurred_at",
        NOW,
        id="time-to-utc",
    ),
    pytest.param({"request_id": "abc-123"}, "request_id", "abc-123", id="request-id"),
    pytest.param({"request_id": "bad id!"}, "request_id", None, id="bad-request-id-dropped"),
    pytest.param({"client_ip": "203.0.113.9"}, "client_ip", "203.0.113.9", id="ipv4"),
    pytest.param({"client_ip": "2001:DB8:0:0::1"}, "client_ip", "2001:db8::1", id="ipv6-canon"),
    pytest.param({"client_ip": "testclient"}, "client_ip", None, id="not-an-ip-dropped"),
]


@pytest.mark.parametrize(("overrides", "attr", "expected"), ACCEPTED)
def test_accepts_and_normalises(overrides: dict[str, Any], attr: str, expected: object) -> None:
    value = getattr(build(**overrides), attr)
    assert value == expected
    if isinstance(value, str):
        assert type(value) is str  # enum members are stored as their plain text


def test_utc_conversion_keeps_the_instant_and_sets_utc() -> None:
    paris = NOW.astimezone(timezone(timedelta(hours=2)))
    facts = build(occurred_at=paris)
    assert facts.occurred_at == paris
    assert facts.occurred_at.utcoffset() == timedelta(0)


REFUSED = [
    pytest.param({"occurred_at": datetime(2026, 1, 1)}, "timezone", id="naive-time"),
    pytest.param({"actor_type": "admin"}, "actor_type", id="unknown-actor-type"),
    pytest.param({"actor_type": ""}, "actor_type", id="empty-actor-type"),
    pytest.param({"action": ""}, "action is empty", id="empty-action"),
    pytest.param({"action": "login"}, "action has an invalid", id="action-without-namespace"),
    pytest.param({"action": "Auth.Login"}, "action has", id="action-upper-case"),
    pytest.param({"action": "auth..login"}, "action has", id="action-empty-segment"),
    pytest.param({"action": "auth.login."}, "action has", id="action-trailing-dot"),
    pytest.param({"action": "auth.login\n"}, "action has", id="action-trailing-newline"),
    pytest.param({"action": "contact.updat\u0435d"}, "action has", id="action-cyrillic-e"),
    pytest.param({"action": "a." + "b" * 100}, "action is longer", id="action-too-long"),
    pytest.param({"action": 42}, "action must be a string", id="action-not-str"),
    pytest.param({"entity_type": "Contact Person"}, "entity_type", id="entity-type-free-text"),
    pytest.param({"entity_id": "jean.dupont@example.fr"}, "entity_id", id="entity-id-email"),
    pytest.param({"entity_id": "Jean Dupont"}, "entity_id", id="entity-id-name"),
    pytest.param({"entity_id": ""}, "entity_id is empty", id="entity-id-empty"),
    pytest.param({"entity_id": "x" * 129}, "entity_id is longer", id="entity-id-huge"),
    pytest.param({"actor_id": "a\x00b"}, "actor_id", id="actor-id-nul"),
    pytest.param({"fields": "email"}, "not a string", id="fields-lone-string"),
    pytest.param({"fields": ["email", ""]}, "fields is empty", id="field-empty"),
    pytest.param({"fields": ["jean@example.fr"]}, "fields has", id="field-looks-like-email"),
    pytest.param({"fields": ["first name"]}, "fields has", id="field-with-space"),
    pytest.param({"fields": ["prénom"]}, "fields has", id="field-accented"),
    pytest.param({"fields": [None]}, "fields must be a string", id="field-none"),
    pytest.param(
        {"fields": [f"f{i}" for i in range(MAX_FIELDS + 1)]}, "more than", id="too-many-fields"
    ),
    pytest.param({"details": {"email": ["a"]}}, r"details\[email\] must be", id="detail-list"),
    pytest.param({"details": {"x": {"y": 1}}}, r"details\[x\] must be", id="detail-nested"),
    pytest.param({"details": {"x": 1.5}}, r"details\[x\] must be", id="detail-float"),
    pytest.param({"details": {"x": b"raw"}}, r"details\[x\] must be", id="detail-bytes"),
    pytest.param({"details": {"x": MAX_DETAIL_INT + 1}}, "out of range", id="detail-int-huge"),
    pytest.param({"details": {"x": -MAX_DETAIL_INT - 1}}, "out of range", id="detail-int-small"),
    pytest.param(
        {"details": {"x": "é" * (MAX_DETAIL_STR_LEN + 1)}}, "longer than", id="detail-str-huge"
    ),
    pytest.param({"details": {"x": "a\x00"}}, "NUL", id="detail-nul"),
    pytest.param({"details": {"x": "\ud800"}}, "not valid Unicode", id="detail-lone-surrogate"),
    pytest.param({"details": {"": 1}}, "details key is empty", id="detail-empty-key"),
    pytest.param({"details": {"e-mail": 1}}, "details key has", id="detail-key-dash"),
    pytest.param({"details": {1: 1}}, "details key must be", id="detail-key-int"),
    pytest.param(
        {"details": {f"k{i}": i for i in range(MAX_DETAILS + 1)}}, "more than", id="many-details"
    ),
    pytest.param({"details": [("a", 1)]}, "mapping", id="details-not-mapping"),
]


@pytest.mark.parametrize(("overrides", "message"), REFUSED)
def test_refuses(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidAuditEvent, match=message) as caught:
        build(**overrides)
    # The error names the part, never echoes a value that could be personal.
    assert "jean" not in str(caught.value).lower()
    assert "dupont" not in str(caught.value).lower()


def test_invalid_event_is_a_value_error() -> None:
    assert issubclass(InvalidAuditEvent, ValueError)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(None, None, id="none"),
        pytest.param("127.0.0.1", "127.0.0.1", id="v4"),
        pytest.param("", None, id="empty"),
        pytest.param("999.1.1.1", None, id="out-of-range"),
        pytest.param("１２７.0.0.1", None, id="fullwidth-digits"),
    ],
)
def test_normalise_ip(raw: str | None, expected: str | None) -> None:
    assert normalise_ip(raw) == expected


@pytest.mark.parametrize(
    "raw", ["::ffff:192.0.2.1", "2001:0db8:0000:0000:0000:0000:0000:0001", "fe80::1%eth0"]
)
def test_normalise_ip_is_idempotent(raw: str) -> None:
    # The stored text is what gets hashed, so normalising it again must not change it.
    once = normalise_ip(raw)
    assert once is not None
    assert normalise_ip(once) == once
