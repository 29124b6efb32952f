"""What the subject export can refuse, as problems."""

from __future__ import annotations

from app.core.errors import Conflict, DomainError, NotFound


class ExportNotFound(NotFound):
    code = "gdpr.export.not_found"
    title = {"en": "Export not found", "fr": "Export introuvable"}


class ExportContactNotFound(NotFound):
    code = "gdpr.export.contact_not_found"
    title = {"en": "No contact has this id", "fr": "Aucun contact n'a cet identifiant"}


class ExportNotReady(Conflict):
    code = "gdpr.export.not_ready"
    title = {
        "en": "The export is still being prepared",
        "fr": "L'export est encore en préparation",
    }
    headers = {"Retry-After": "5"}


class ExportExpired(DomainError):
    status, code = 410, "gdpr.export.expired"
    title = {
        "en": "The export expired and its content was deleted: request a new one",
        "fr": "L'export a expiré et son contenu a été supprimé : demandez-en un nouveau",
    }
