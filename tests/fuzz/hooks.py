"""Schemathesis extensions for the fuzz run (loaded through `hooks` in schemathesis.toml)."""

from __future__ import annotations

import os
import uuid
from typing import Any

import schemathesis

from tests.fuzz.problems import problem_violation

# Ids of the fuzzing people themselves (set by the runner): Schemathesis reuses ids it saw in
# responses, and an admin resetting or demoting *itself* would end its own run with 401s.
PROTECTED_IDS = frozenset(filter(None, os.environ.get("FUZZ_PROTECTED_IDS", "").split(",")))


@schemathesis.check
def problem_json_on_errors(ctx: schemathesis.CheckContext, response: Any, case: Any) -> None:
    """Every 4xx/5xx is application/problem+json with a stable `code`."""
    content_type = (response.headers.get("content-type") or [None])[0]
    reason = problem_violation(response.status_code, content_type, response.content)
    if reason:
        raise AssertionError(reason)


@schemathesis.hook
def before_call(context: schemathesis.HookContext, case: Any, kwargs: dict[str, Any]) -> None:
    for name, value in (case.path_parameters or {}).items():
        if str(value) in PROTECTED_IDS:
            case.path_parameters[name] = str(uuid.uuid4())
