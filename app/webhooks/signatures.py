"""Standard Webhooks signatures of inbound deliveries (pure).

The HMAC itself is the reference `standardwebhooks` library's; this module adds what a
receiver must decide before and around it, each with its own problem: headers missing, a
timestamp outside the tolerance (replays), no secret for the source, no matching signature
under any of the source's secrets (several live during a rotation).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from standardwebhooks import Webhook

from app.core.errors import DomainError

HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class SignatureRefused(DomainError):
    status, code = 401, "webhook.signature_invalid"
    title = {
        "en": "The delivery's signature does not match any secret of this source",
        "fr": "La signature de l'envoi ne correspond à aucun secret de cette source",
    }


class SignatureMissing(SignatureRefused):
    code = "webhook.signature_missing"
    title = {
        "en": "webhook-id, webhook-timestamp and webhook-signature headers are required",
        "fr": "Les en-têtes webhook-id, webhook-timestamp et webhook-signature sont requis",
    }


class TimestampOutOfTolerance(SignatureRefused):
    code = "webhook.timestamp_stale"
    title = {
        "en": "The delivery's timestamp is too old or in the future",
        "fr": "L'horodatage de l'envoi est trop ancien ou dans le futur",
    }


class UnknownSource(SignatureRefused):
    code = "webhook.unknown_source"
    title = {
        "en": "No secret is configured for this source",
        "fr": "Aucun secret n'est configuré pour cette source",
    }


def verify(
    body: bytes,
    headers: Mapping[str, str],
    source_secrets: Sequence[str],
    *,
    now: datetime,
    tolerance_s: int,
) -> str:
    """The delivery's `webhook-id` when its signature holds; raises a `SignatureRefused`."""
    lowered = {k.lower(): v for k, v in headers.items()}
    webhook_id, stamp, signature = (lowered.get(h, "").strip() for h in HEADERS)
    if not (webhook_id and stamp and signature) or len(webhook_id) > 200:
        raise SignatureMissing()
    try:
        sent = datetime.fromtimestamp(int(stamp), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise TimestampOutOfTolerance() from None
    if abs((now - sent).total_seconds()) > tolerance_s:
        raise TimestampOutOfTolerance()
    if not source_secrets:
        raise UnknownSource()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise SignatureRefused() from None
    offered = [p.partition(",") for p in signature.split()]
    for secret in source_secrets:
        # `sign` is the reference library's HMAC-SHA256 over "id.timestamp.body"
        expected = Webhook(secret).sign(webhook_id, sent, text).partition(",")[2]
        for version, _, value in offered:
            if version == "v1" and hmac.compare_digest(value.encode(), expected.encode()):
                return webhook_id
    raise SignatureRefused()
