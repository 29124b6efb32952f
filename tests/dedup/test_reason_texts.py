"""Reasons of a match in French: every phrase and rule of the engine has its text."""

from __future__ import annotations

import ast
import inspect

import pytest

from app.dedup.engine import phrases, verdicts
from app.dedup.reason_texts import FRENCH, localised


def _rule_texts() -> set[str]:
    """The constant reasons `verdicts` appends to a result's rules."""
    tree = ast.parse(inspect.getsource(verdicts))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "append"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "rules"
        and isinstance(node.args[0], ast.Constant)
    }


def test_every_phrase_and_rule_has_a_french_text() -> None:
    said = set(phrases.COMPANY.values()) | set(phrases.CONTACT.values()) | _rule_texts()
    assert len(_rule_texts()) >= 9
    assert sorted(said - set(FRENCH)) == []
    assert all(FRENCH[text] and FRENCH[text] != text for text in said)


@pytest.mark.parametrize(
    ("english", "french"),
    [
        pytest.param("same SIREN", "même SIREN", id="phrase"),
        pytest.param("first and last names swapped", "prénom et nom inversés", id="rule"),
        pytest.param(
            "names 0.96 similar after removing the legal form",
            "noms semblables à 0,96, forme juridique mise à part",
            id="similarity-note",
        ),
        pytest.param(
            "same name, different branch (- / france)",
            "même nom, autre filiale (- / france)",
            id="branch-rule",
        ),
        pytest.param("a wording from an older release", "a wording from an older release",
                     id="unknown-stays"),
        pytest.param("", "", id="empty"),
    ],
)  # fmt: skip
def test_french(english: str, french: str) -> None:
    assert localised([english], "fr") == [french]


def test_english_is_left_as_said() -> None:
    reasons = ("same SIREN", "names 0.96 similar after removing the legal form")
    assert localised(reasons, "en") == list(reasons)
