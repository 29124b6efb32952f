"""What cleaning runs can refuse, as problems."""

from __future__ import annotations

from app.core.errors import Conflict, NotFound


class CleaningNotFound(NotFound):
    code = "quality.cleaning.not_found"
    title = {"en": "No such cleaning run", "fr": "Nettoyage introuvable"}


class DryRunNotFinished(Conflict):
    """`reason`: planning (still running) | failed (the dry run's job failed)."""

    code = "quality.cleaning.dry_run_not_finished"
    title = {
        "en": "The dry run of this cleaning has not finished successfully",
        "fr": "La simulation de ce nettoyage ne s'est pas terminée avec succès",
    }


class DryRunStale(Conflict):
    code = "quality.cleaning.dry_run_stale"
    title = {
        "en": "The dry run is too old to apply: start a new one",
        "fr": "La simulation est trop ancienne pour être appliquée : relancez-en une",
    }


class AlreadyApplied(Conflict):
    code = "quality.cleaning.already_applied"
    title = {
        "en": "This cleaning is already being applied or was applied",
        "fr": "Ce nettoyage est déjà en cours d'application ou a été appliqué",
    }
