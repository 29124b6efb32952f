"""What the report, trend and goal endpoints can refuse, as problems."""

from __future__ import annotations

from typing import Any

from app.core.errors import DomainError, NotFound

_MESSAGES = {
    "quality.metric.unknown": {
        "en": "No such metric for this entity (see the report's metric names)",
        "fr": "Indicateur inconnu pour ce type de fiche (voir les noms du rapport)",
    },
    "quality.goal.target_not_a_number": {
        "en": "The target must be a finite number",
        "fr": "La cible doit être un nombre fini",
    },
    "quality.goal.target_out_of_range": {
        "en": "Out of this metric's range (shares 0 to 1, score average 0 to 100)",
        "fr": "Hors de l'échelle de l'indicateur (parts de 0 à 1, score moyen de 0 à 100)",
    },
    "quality.report.filter_not_applicable": {
        "en": "This filter does not apply to this entity",
        "fr": "Ce filtre ne s'applique pas à ce type de fiche",
    },
}


class QualityInputInvalid(DomainError):
    """A request naming a metric, target or filter that cannot apply; `errors` says which."""

    status, code = 422, "quality.invalid_input"
    title = {"en": "Invalid quality request", "fr": "Requête qualité invalide"}

    def __init__(self, field: str, error_code: str) -> None:
        super().__init__()
        self.field = field
        self.error_code = error_code

    def field_errors(self, lang: str) -> list[dict[str, Any]]:
        message = _MESSAGES[self.error_code]["en" if lang == "en" else "fr"]
        return [{"field": self.field, "code": self.error_code, "message": message}]


class GoalNotFound(NotFound):
    code = "quality.goal.not_found"
    title = {"en": "No goal is set for this metric", "fr": "Aucun objectif pour cet indicateur"}
