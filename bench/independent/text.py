"""Accent folding and slugs, for email local parts and web domains."""

from __future__ import annotations

import unicodedata


def strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def slug(s: str, sep: str = "") -> str:
    s = strip_accents(s).lower().replace("'", "").replace("&", "et")
    return sep.join(w for w in "".join(c if c.isalnum() else " " for c in s).split())
