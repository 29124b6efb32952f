"""Delivery bodies and Standard Webhooks headers, checked with the reference library."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from app.webhooks.outbound_messages import (
    EventMessage,
    body,
    headers,
    iso_utc,
    recipients,
    subscribed,
)
from app.webhooks.whsec import new_secret

EVENT_ID = uuid.UUID("5f0c8a4e-1d2b-4c3a-9e8f-7a6b5c4d3e2f")
RECORD_ID = uuid.UUID("0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0")
CREATED = datetime(2026, 11, 26, 6, 30, 15, 123456, tzinfo=UTC)


def event(data: dict | None = None, **kw: object) -> EventMessage:
    values: dict = {
        "id": EVENT_ID,
        "type": "record.merged",
        "created_at": CREATED,
        "data": {"merge_id": "m1"} if data is None else data,
    }
    return EventMessage(**(values | kw))


def test_body_has_id_type_timestamp_data() -> None:
    parsed = json.loads(body(event(entity="contact", record_id=RECORD_ID)))
    assert parsed == {
        "id": str(EVENT_ID),
        "type": "record.merged",
        "timestamp": "2026-11-26T06:30:15.123Z",
        "data": {"entity": "contact", "record_id": str(RECORD_ID), "merge_id": "m1"},
    }


@pytest.mark.parametrize(
    ("data", "expected_data"),
    [
        pytest.param({}, {}, id="empty-data"),
        pytest.param(
            {"fields": ["prénom", "société"]}, {"fields": ["prénom", "société"]}, id="accents"
        ),
        pytest.param({"entity": "company"}, {"entity": "company"}, id="data-wins-over-column"),
        pytest.param({"k": "\u0430\u0435"}, {"k": "\u0430\u0435"}, id="cyrillic-lookalikes-kept"),
        pytest.param({"n": None, "b": False}, {"n": None, "b": False}, id="nulls-and-bools"),
    ],
)
def test_body_data(data: dict, expected_data: dict) -> None:
    parsed = json.loads(body(event(data, entity=None)))
    assert parsed["data"] == expected_data


def test_body_is_utf8_not_escaped_and_compact() -> None:
    text = body(event({"ville": "Besançon"}))
    assert "Besançon" in text and "\\u" not in text and ": " not in text


def test_huge_event_round_trips() -> None:
    big = {"ids": [str(uuid.UUID(int=i)) for i in range(20_000)]}
    assert json.loads(body(event(big)))["data"]["ids"][-1] == str(uuid.UUID(int=19_999))


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        pytest.param(CREATED, "2026-11-26T06:30:15.123Z", id="utc"),
        pytest.param(
            datetime(2026, 11, 26, 7, 30, tzinfo=timezone(timedelta(hours=1))),
            "2026-11-26T06:30:00.000Z",
            id="paris-winter-converted",
        ),
    ],
)
def test_iso_utc(moment: datetime, text: str) -> None:
    assert iso_utc(moment) == text


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        iso_utc(datetime(2026, 1, 1))


def test_headers_verify_with_the_reference_library() -> None:
    secret = new_secret()
    payload = body(event())
    now = datetime.now(UTC)
    sent = headers(EVENT_ID, now, payload, [secret])
    assert sent["webhook-id"] == str(EVENT_ID)
    assert sent["webhook-timestamp"] == str(int(now.timestamp()))
    assert sent["content-type"] == "application/json"
    assert Webhook(secret).verify(payload.encode(), sent) == json.loads(payload)


def test_two_secrets_during_rotation_each_verify() -> None:
    new, old = new_secret(), new_secret()
    payload = body(event())
    sent = headers(EVENT_ID, datetime.now(UTC), payload, [new, old])
    assert len(sent["webhook-signature"].split(" ")) == 2
    for secret in (new, old):
        assert Webhook(secret).verify(payload, sent)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(payload, sent)


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda p, h: (p.replace("m1", "m2"), h), id="body"),
        pytest.param(lambda p, h: (p, h | {"webhook-id": str(uuid.uuid4())}), id="id"),
        pytest.param(
            lambda p, h: (p, h | {"webhook-timestamp": str(int(h["webhook-timestamp"]) + 1)}),
            id="timestamp",
        ),
    ],
)
def test_tampering_breaks_the_signature(tamper) -> None:  # type: ignore[no-untyped-def]
    secret = new_secret()
    payload = body(event())
    sent = headers(EVENT_ID, datetime.now(UTC), payload, [secret])
    changed_payload, changed_headers = tamper(payload, sent)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(changed_payload, changed_headers)


def test_signing_needs_a_secret() -> None:
    with pytest.raises(ValueError, match="secret"):
        headers(EVENT_ID, datetime.now(UTC), "{}", [])


def test_new_secrets_are_whsec_32_random_bytes() -> None:
    made = {new_secret() for _ in range(100)}
    assert len(made) == 100
    for secret in made:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32


A, B, C = (uuid.UUID(int=n) for n in (1, 2, 3))


@pytest.mark.parametrize(
    ("event_type", "expected"),
    [
        pytest.param("record.merged", [A, C], id="named-and-wildcard"),
        pytest.param("scan.completed", [C], id="wildcard-only"),
        pytest.param("duplicate.detected", [B, C], id="other-named"),
        pytest.param("record.merged ", [C], id="trailing-space-is-not-a-match"),
        pytest.param("RECORD.MERGED", [C], id="case-sensitive"),
    ],
)
def test_recipients(event_type: str, expected: list[uuid.UUID]) -> None:
    subs = [(A, ["record.merged"]), (B, ["duplicate.detected", "record.unmerged"]), (C, ["*"])]
    assert recipients(subs, event_type) == expected


def test_no_event_types_matches_nothing() -> None:
    assert not subscribed([], "record.merged")
