"""Language negotiation: every message the service writes exists in French and English."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Lang = Literal["fr", "en"]
SUPPORTED: tuple[Lang, ...] = ("fr", "en")


def negotiate(accept_language: str | None, default: Lang = "fr") -> Lang:
    """Pick fr or en from an Accept-Language header, honouring q-values."""
    if not accept_language:
        return default
    best: tuple[float, int, Lang] | None = None
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in SUPPORTED:
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        if quality <= 0:
            continue
        candidate = (quality, -position, primary)
        if best is None or candidate > best:
            best = candidate  # type: ignore[assignment]
    return best[2] if best else default


def pick(messages: Mapping[str, str], lang: Lang) -> str:
    return messages.get(lang) or messages["en"]
