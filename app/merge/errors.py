"""What a merge or an undo can refuse, as problems."""

from __future__ import annotations

from app.core.errors import Conflict, DomainError, NotFound


class MergeNotFound(NotFound):
    code = "merge.not_found"
    title = {"en": "Merge not found", "fr": "Fusion introuvable"}


class MergeRecordNotFound(NotFound):
    code = "merge.record_not_found"
    title = {
        "en": "A record of this merge does not exist",
        "fr": "Une fiche de cette fusion n'existe pas",
    }


class MergeInvalid(DomainError):
    status, code = 422, "merge.invalid"
    title = {
        "en": "This merge request cannot be carried out as written",
        "fr": "Cette demande de fusion ne peut pas être exécutée telle quelle",
    }


class MergeConflict(Conflict):
    code = "merge.conflict"
    title = {
        "en": "A record in this merge was merged, erased or changed meanwhile",
        "fr": "Une fiche de cette fusion a été fusionnée, effacée ou modifiée entre-temps",
    }


class UndoImpossible(Conflict):
    code = "merge.undo_impossible"
    title = {
        "en": "This merge can no longer be undone",
        "fr": "Cette fusion ne peut plus être annulée",
    }


class AutoMergeDisabled(Conflict):
    code = "merge.auto_disabled"
    title = {
        "en": "Automatic merging is off (CRMDQ_AUTO_MERGE_ENABLED); a dry run is allowed",
        "fr": "La fusion automatique est désactivée (CRMDQ_AUTO_MERGE_ENABLED) ; "
        "une simulation reste possible",
    }
