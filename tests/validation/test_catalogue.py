"""Every code has both languages; every code the validators can emit is catalogued."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import app.validation
from app.validation.catalogue import HINT, LABELS, MESSAGES, render
from app.validation.findings import Finding, Severity

PACKAGE = Path(app.validation.__file__).parent
SOURCES = sorted(p for p in PACKAGE.glob("*.py") if p.name != "catalogue.py")
FINDING_MAKERS = {"error", "warning", "info", "Finding"}
PREFIXES = sorted({code.split(".", 1)[0] for code in MESSAGES})
CODE_LIKE = re.compile(rf"^({'|'.join(PREFIXES)})\.[a-z_]+$")


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def _literal_codes_passed_to_finding_makers(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    codes: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in FINDING_MAKERS:
            continue
        candidates = [kw.value for kw in node.keywords if kw.arg == "code"]
        if len(node.args) >= 2:
            candidates.append(node.args[1])
        for arg in candidates:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                codes.add(arg.value)
    return codes


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_code_has_french_and_english(code: str) -> None:
    templates = MESSAGES[code]
    assert set(templates) == {"fr", "en"}
    assert all(text.strip() for text in templates.values())
    assert templates["fr"] != templates["en"] or code == "phone.type"


@pytest.mark.parametrize("code", sorted(MESSAGES))
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_code_renders_without_placeholders_left(code: str, lang: str) -> None:
    fields = {
        name for _, name, _, _ in string.Formatter().parse(MESSAGES[code][lang]) if name is not None
    }
    values = dict.fromkeys(fields, "X")
    finding = Finding("email", code, Severity.WARNING, params=tuple(values.items()))
    text = finding.message(lang)  # type: ignore[arg-type]
    assert "{" not in text and "}" not in text
    assert text.endswith((".", "?", "\u00a0?", "”?"))


def test_suggestion_is_rendered_as_a_hint_in_both_languages() -> None:
    finding = Finding("email", "email.typo", Severity.WARNING, "a@gmial.com", "a@gmail.com")
    assert finding.message("fr").endswith("« a@gmail.com »\u00a0?")
    assert finding.message("en").endswith("“a@gmail.com”?")
    assert set(HINT) == {"fr", "en"}


def test_labels_exist_in_both_languages() -> None:
    for labels in LABELS.values():
        for translations in labels.values():
            assert set(translations) == {"fr", "en"}


def test_phone_type_label_is_translated() -> None:
    assert render("phone.type", "fr", {"type": "fixed_line"}) == "Type de ligne : fixe."
    assert render("phone.type", "en", {"type": "fixed_line"}) == "Line type: fixed line."


def test_unknown_code_renders_as_itself_instead_of_failing() -> None:
    assert render("nope.nothing", "fr", {}) == "nope.nothing"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_every_literal_code_in_the_sources_is_catalogued(path: Path) -> None:
    literal = _literal_codes_passed_to_finding_makers(path)
    code_like = {s for s in _string_constants(path) if CODE_LIKE.match(s)}
    missing = (literal | code_like) - set(MESSAGES)
    assert not missing, f"{path.name} emits uncatalogued codes: {sorted(missing)}"


def test_no_catalogued_code_is_dead() -> None:
    used: set[str] = set()
    for path in SOURCES:
        used |= _string_constants(path)
    dead = set(MESSAGES) - used
    assert not dead, f"catalogued but never emitted: {sorted(dead)}"
