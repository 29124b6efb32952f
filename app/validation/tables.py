"""Loading the small tables shipped in `data/` (read once, on first use; no other I/O)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a shipped text table, in file order."""
    text = resources.files("app.validation").joinpath("data").joinpath(name).read_text("utf-8")
    rows = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(row for row in rows if row)


@cache
def json_table(name: str) -> Any:
    text = resources.files("app.validation").joinpath("data").joinpath(name).read_text("utf-8")
    return json.loads(text)
