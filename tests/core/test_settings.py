import pytest
from pydantic import ValidationError

from app.core.settings import DEV_SECRET_KEY, Settings

STRONG = "k3J9-vQ2x_Lm8pZr4TnY7wBc1DsFh6Ga0Ue5XoMi"
DB = "postgresql://crm:pw@db:5432/crm"


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param(None, id="unset"),
        pytest.param(DEV_SECRET_KEY, id="development-default"),
        pytest.param("changethis", id="known-weak"),
        pytest.param("short-but-random-9", id="too-short"),
        pytest.param("a" * 64, id="long-but-one-character"),
    ],
)
def test_production_refuses_weak_secret(secret: str | None) -> None:
    values = {"env": "production", "database_url": DB}
    values |= {"secret_key": secret} if secret is not None else {}
    with pytest.raises(ValidationError, match="CRMDQ_SECRET_KEY"):
        Settings(**values)


def test_production_accepts_strong_secret() -> None:
    assert Settings(env="production", secret_key=STRONG, database_url=DB).env == "production"


def test_production_refuses_embedded_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(ValidationError, match="DATABASE_URL"):
        Settings(env="production", secret_key=STRONG)


def test_development_tolerates_default_secret() -> None:
    assert Settings(env="development").secret_key.get_secret_value() == DEV_SECRET_KEY


def test_reads_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRMDQ_PORT", "8123")
    monkeypatch.setenv("CRMDQ_CORS_ORIGINS", '["https://a.example"]')
    settings = Settings()
    assert settings.port == 8123
    assert settings.cors_origins == ["https://a.example"]


@pytest.mark.parametrize("variable", ["DATABASE_URL", "CRMDQ_DATABASE_URL"])
def test_database_url_from_either_name(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("CRMDQ_DATABASE_URL", raising=False)
    monkeypatch.setenv(variable, "postgresql://u:p@db:5432/crm")
    settings = Settings()
    assert settings.database_url == "postgresql://u:p@db:5432/crm"
    assert not settings.uses_embedded_db


def test_secret_is_not_in_repr() -> None:
    assert STRONG not in repr(Settings(secret_key=STRONG))
