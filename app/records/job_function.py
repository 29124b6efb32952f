"""A job title's function, for segmentation ("all purchasing managers") (pure)."""

from __future__ import annotations

import re
import unicodedata

# Checked in order: "directeur commercial" is sales before it is management.
_FUNCTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("purchasing", ("achat", "acheteu", "purchas", "procurement", "buyer", "approvisionn")),
    (
        "sales",
        (
            "commercial",
            "vente",
            "sales",
            "account manager",
            "business develop",
            "key account",
            "ingenieur d affaires",
            "chargé d affaires",
            "charge d affaires",
        ),
    ),
    ("marketing", ("marketing", "communication", "brand", "growth", "seo", "contenu", "content")),
    (
        "finance",
        (
            "financ",
            "comptab",
            "account",
            "cfo",
            "daf",
            "tresor",
            "treasur",
            "controll",
            "contrôl",
            "audit",
        ),
    ),
    (
        "it",
        (
            "informatique",
            "dsi",
            "cto",
            "cio",
            "developer",
            "developpeu",
            "ingenieur logiciel",
            "software",
            "devops",
            "data",
            "head of it",
            "it manager",
            "responsable it",
            "directeur it",
            "technolog",
            "technique",
            "systeme",
            "system",
            "reseau",
            "network",
            "security",
        ),
    ),
    (
        "hr",
        (
            "rh",
            "ressources humaines",
            "human resources",
            "hr",
            "recrut",
            "talent",
            "people",
            "paie",
            "payroll",
        ),
    ),
    (
        "legal",
        (
            "juridique",
            "juriste",
            "legal",
            "avocat",
            "lawyer",
            "counsel",
            "compliance",
            "conformite",
            "dpo",
        ),
    ),
    (
        "operations",
        (
            "logisti",
            "supply",
            "production",
            "operations",
            "usine",
            "plant",
            "qualite",
            "quality",
            "maintenance",
            "exploitation",
        ),
    ),
    (
        "customer_service",
        ("service client", "customer", "support", "relation client", "sav", "success"),
    ),
    (
        "management",
        (
            "pdg",
            "ceo",
            "president",
            "directeur general",
            "directrice generale",
            "gerant",
            "gérant",
            "founder",
            "fondateu",
            "owner",
            "managing director",
            "dg",
            "coo",
            "associe",
            "partner",
        ),
    ),
)
_WORD = re.compile(r"[^a-z0-9]+")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return f" {_WORD.sub(' ', plain).strip()} "


def _needle(word: str) -> str:
    """What to look for in a folded title: short words whole ("rh", "dg", "it" with their
    spaces), longer ones anywhere ("acheteu" in "acheteuse")."""
    folded = _fold(word)
    return folded if len(folded.strip()) <= 3 else folded.strip()


_NEEDLES = tuple((function, tuple(map(_needle, words))) for function, words in _FUNCTIONS)


def job_function(title: str | None) -> str | None:
    """One of a small fixed set of functions, "other" when unknown, None without a title."""
    if not title or not title.strip():
        return None
    folded = _fold(title)
    for function, needles in _NEEDLES:
        if any(needle in folded for needle in needles):
            return function
    return "other"
