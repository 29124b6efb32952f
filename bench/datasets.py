"""The record generators a benchmark draws from (`--data`): the engine's own and one written
apart from it (bench/independent)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench import generate, independent

DATA: dict[str, Callable[[int, int, float, int], tuple[list[dict[str, Any]], ...]]] = {
    "generated": generate.generate,
    "independent": independent.generate,
}
