"""Inbound signature checks against deliveries signed by the reference library (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook

from app.webhooks.signatures import (
    SignatureMissing,
    SignatureRefused,
    TimestampOutOfTolerance,
    UnknownSource,
    verify,
)
from app.webhooks.whsec import is_secret, new_secret

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
OTHER = new_secret()
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
BODY = '{"type": "contact.created", "data": {"external_id": "1", "fields": {"last_name": "Léon"}}}'


def signed(body: str = BODY, *, at: datetime = NOW, secret: str = SECRET, mid: str = "msg_1"):  # type: ignore[no-untyped-def]
    return {
        "webhook-id": mid,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(mid, at, body),
    }


def check(body: str | bytes, headers: dict, secrets: list[str] = [SECRET]) -> str:  # noqa: B006
    raw = body.encode() if isinstance(body, str) else body
    return verify(raw, headers, secrets, now=NOW, tolerance_s=300)


def test_a_delivery_signed_by_the_reference_library_is_accepted() -> None:
    assert check(BODY, signed()) == "msg_1"


def test_any_live_secret_of_a_rotation_verifies() -> None:
    assert check(BODY, signed(secret=OTHER), [SECRET, OTHER]) == "msg_1"


def test_several_signatures_in_the_header_one_good() -> None:
    headers = signed()
    headers["webhook-signature"] = "v1,AAAA " + headers["webhook-signature"] + " v2,zzz"
    assert check(BODY, headers) == "msg_1"


def test_header_names_are_case_insensitive() -> None:
    assert check(BODY, {k.upper(): v for k, v in signed().items()}) == "msg_1"


@pytest.mark.parametrize(
    ("body", "headers", "secrets", "refused"),
    [
        pytest.param(BODY.replace("Léon", "Leon"), signed(), [SECRET], SignatureRefused,
                     id="tampered-body"),
        pytest.param(BODY, signed(secret=OTHER), [SECRET], SignatureRefused, id="wrong-secret"),
        pytest.param(BODY, signed(at=NOW - timedelta(minutes=6)), [SECRET],
                     TimestampOutOfTolerance, id="stale"),
        pytest.param(BODY, signed(at=NOW + timedelta(minutes=6)), [SECRET],
                     TimestampOutOfTolerance, id="future"),
        pytest.param(BODY, signed() | {"webhook-timestamp": "soon"}, [SECRET],
                     TimestampOutOfTolerance, id="timestamp-not-a-number"),
        pytest.param(BODY, signed() | {"webhook-timestamp": "9" * 40}, [SECRET],
                     TimestampOutOfTolerance, id="timestamp-overflow"),
        pytest.param(BODY, {}, [SECRET], SignatureMissing, id="no-headers"),
        pytest.param(BODY, signed() | {"webhook-signature": ""}, [SECRET], SignatureMissing,
                     id="empty-signature"),
        pytest.param(BODY, signed() | {"webhook-id": "x" * 201}, [SECRET], SignatureMissing,
                     id="id-too-long"),
        pytest.param(BODY, signed() | {"webhook-signature": "v1,%%%not-base64"}, [SECRET],
                     SignatureRefused, id="garbage-signature"),
        pytest.param(BODY, signed() | {"webhook-signature": "v1a"}, [SECRET],
                     SignatureRefused, id="no-comma"),
        pytest.param(BODY, signed(), [], UnknownSource, id="source-without-secret"),
        pytest.param(b"\xff\xfe" + BODY.encode(), signed(), [SECRET], SignatureRefused,
                     id="invalid-utf8"),
        pytest.param(BODY, signed(mid="msg_2") | {"webhook-id": "msg_1"}, [SECRET],
                     SignatureRefused, id="id-swapped"),
    ],
)  # fmt: skip
def test_refusals(body: str | bytes, headers: dict, secrets: list[str], refused: type) -> None:
    with pytest.raises(refused) as raised:
        check(body, headers, secrets)
    assert raised.value.status == 401


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        pytest.param(SECRET, True, id="reference-example"),
        pytest.param(new_secret(), True, id="generated"),
        pytest.param("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", False, id="no-prefix"),
        pytest.param("whsec_", False, id="empty"),
        pytest.param("whsec_short", False, id="too-short"),
        pytest.param("whsec_!!!!!!!!!!!!!!!!!!!!!!!!", False, id="not-base64"),
    ],
)
def test_secret_format(value: str, ok: bool) -> None:
    assert is_secret(value) is ok
