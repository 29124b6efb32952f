"""The README documents every setting with its default."""

from pathlib import Path

import pytest

from app.core.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"`CRMDQ_{name.upper()}`" in README
