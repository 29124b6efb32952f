"""What the request register can refuse, as problems."""

from __future__ import annotations

from app.core.errors import Conflict, DomainError, NotFound, PreconditionFailed


class DsrNotFound(NotFound):
    code = "gdpr.request.not_found"
    title = {"en": "GDPR request not found", "fr": "Demande RGPD introuvable"}


class DsrInvalid(DomainError):
    """`reason` says what: received_in_future | handler_unknown | contact_unknown."""

    status, code = 422, "gdpr.request.invalid"
    title = {
        "en": "This GDPR request cannot be recorded as written",
        "fr": "Cette demande RGPD ne peut pas être enregistrée telle quelle",
    }


class DsrTransitionRefused(Conflict):
    code = "gdpr.request.transition_refused"
    title = {
        "en": "The request cannot move to this status",
        "fr": "La demande ne peut pas passer à ce statut",
    }


class DsrExtensionRefused(Conflict):
    """`reason`: closed | out_of_range | shorter_than_current | too_late."""

    code = "gdpr.request.extension_refused"
    title = {
        "en": "The deadline cannot be extended this way",
        "fr": "Le délai ne peut pas être prolongé ainsi",
    }


class DsrVersionMismatch(PreconditionFailed):
    code = "gdpr.request.version_mismatch"


class DsrIfMatchInvalid(DomainError):
    status, code = 400, "gdpr.request.if_match_invalid"
    title = {
        "en": "If-Match must be an ETag of this API",
        "fr": "If-Match doit être un ETag de cette API",
    }
