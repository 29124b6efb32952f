import pytest

from app.core.i18n import negotiate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        pytest.param(None, "fr", id="absent-uses-default"),
        pytest.param("", "fr", id="empty-uses-default"),
        pytest.param("en", "en", id="plain-en"),
        pytest.param("en-GB,en;q=0.9", "en", id="regional-en"),
        pytest.param("fr-FR,fr;q=0.9,en;q=0.8", "fr", id="french-browser"),
        pytest.param("de-DE,en;q=0.5,fr;q=0.7", "fr", id="q-values-decide"),
        pytest.param("de, es", "fr", id="unsupported-only"),
        pytest.param("en;q=0, fr;q=0.1", "fr", id="q-zero-excluded"),
        pytest.param("en;q=abc", "fr", id="malformed-q"),
        pytest.param("EN-us", "en", id="case-insensitive"),
        pytest.param("x" * 10_000, "fr", id="huge-garbage"),
        pytest.param("*", "fr", id="wildcard"),
    ],
)
def test_negotiate(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_default_can_be_english() -> None:
    assert negotiate(None, default="en") == "en"
