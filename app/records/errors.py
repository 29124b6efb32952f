"""Problems of the records domain."""

from __future__ import annotations

from app.core.errors import Conflict, DomainError, NotFound, PreconditionFailed


class ContactNotFound(NotFound):
    code = "contacts.not_found"
    title = {"en": "Contact not found", "fr": "Contact introuvable"}


class CompanyNotFound(NotFound):
    code = "companies.not_found"
    title = {"en": "Company not found", "fr": "Société introuvable"}


class VersionMismatch(PreconditionFailed):
    code = "record.version_mismatch"


class IfMatchRequired(DomainError):
    status, code = 428, "record.if_match_required"
    title = {
        "en": "Send If-Match with the ETag you read, so no change is overwritten",
        "fr": "Envoyez If-Match avec l'ETag lu, pour n'écraser aucune modification",
    }


class ExternalRefTaken(Conflict):
    code = "external_ref.taken"
    title = {
        "en": "This external reference already points to another record",
        "fr": "Cette référence externe désigne déjà une autre fiche",
    }


class RecordNotActive(Conflict):
    code = "record.not_active"
    title = {
        "en": "The record was merged or anonymised and cannot change",
        "fr": "La fiche a été fusionnée ou anonymisée et ne peut plus changer",
    }
