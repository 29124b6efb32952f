"""What retention sweeps can refuse, as problems."""

from __future__ import annotations

from app.core.errors import Conflict


class DryRunRequired(Conflict):
    """`reason`: missing | not_found | not_a_dry_run | not_succeeded | too_old |
    policy_changed."""

    code = "gdpr.retention.dry_run_required"
    title = {
        "en": "A real sweep needs a successful dry run of the same policy from the last 24 hours",
        "fr": "Une purge réelle exige une simulation réussie de la même politique "
        "dans les dernières 24 heures",
    }


class SweepAlreadyRunning(Conflict):
    code = "gdpr.retention.sweep_running"
    title = {
        "en": "A retention sweep is already queued or running",
        "fr": "Une purge de conservation est déjà en attente ou en cours",
    }
