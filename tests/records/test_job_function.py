import pytest

from app.records.job_function import job_function


@pytest.mark.parametrize(
    ("title", "function"),
    [
        pytest.param("Directrice Achats", "purchasing", id="fr-purchasing"),
        pytest.param("Head of Procurement", "purchasing", id="en-purchasing"),
        pytest.param("Acheteuse", "purchasing", id="stem-inside-a-word"),
        pytest.param("Ingénieur d'affaires", "sales", id="accent-and-apostrophe"),
        pytest.param("Directeur commercial", "sales", id="director-of-sales-is-sales"),
        pytest.param("Key Account Manager", "sales", id="kam"),
        pytest.param("Responsable marketing digital", "marketing", id="marketing"),
        pytest.param("Comptable", "finance", id="accountant"),
        pytest.param("DAF", "finance", id="daf-acronym"),
        pytest.param("DSI", "it", id="dsi"),
        pytest.param("Chief Technology Officer", "it", id="cto-spelled"),
        pytest.param("Responsable RH", "hr", id="rh-whole-word"),
        pytest.param("Juriste droit social", "legal", id="legal"),
        pytest.param("Responsable logistique", "operations", id="operations"),
        pytest.param("Chargée de relation client", "customer_service", id="customer"),
        pytest.param("Gérant", "management", id="gerant-accent"),
        pytest.param("PDG", "management", id="pdg"),
        pytest.param("Stagiaire", "other", id="unknown"),
        pytest.param("With it", "other", id="it-is-not-a-word-here"),
        pytest.param("", None, id="empty"),
        pytest.param("   ", None, id="blank"),
        pytest.param(None, None, id="none"),
        pytest.param("x" * 10_000, "other", id="huge"),
    ],
)
def test_job_function(title: str | None, function: str | None) -> None:
    assert job_function(title) == function
