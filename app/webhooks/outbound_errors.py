"""Problems of the outbound webhook endpoints."""

from __future__ import annotations

from app.core.errors import Conflict, NotFound


class SubscriptionNotFound(NotFound):
    code = "webhooks.subscription_not_found"
    title = {"en": "Webhook subscription not found", "fr": "Abonnement webhook introuvable"}


class DeliveryNotFound(NotFound):
    code = "webhooks.delivery_not_found"
    title = {"en": "Webhook delivery not found", "fr": "Envoi de webhook introuvable"}


class DeliveryNotReplayable(Conflict):
    code = "webhooks.delivery_not_replayable"
    title = {
        "en": "Only a delivered or dead-lettered delivery can be replayed",
        "fr": "Seul un envoi réussi ou abandonné peut être rejoué",
    }
