"""The fuzz run's own check: what counts as a valid problem answer (pure, no server)."""

from __future__ import annotations

import json

import pytest

from tests.fuzz.problems import problem_violation

GOOD = {"type": "/problems/not_found", "title": "Introuvable", "status": 404, "code": "not_found"}


def body(**changes: object) -> bytes:
    return json.dumps({**GOOD, **changes}).encode()


CASES = [
    pytest.param(404, "application/problem+json", body(), None, id="valid-problem"),
    pytest.param(
        404, "application/problem+json; charset=utf-8", body(), None, id="media-type-params"
    ),
    pytest.param(404, "Application/Problem+JSON", body(), None, id="media-type-case"),
    pytest.param(200, "text/plain", b"ok", None, id="success-out-of-scope"),
    pytest.param(304, None, b"", None, id="redirect-out-of-scope"),
    pytest.param(404, "application/json", body(), "not application/problem+json", id="plain-json"),
    pytest.param(500, "text/plain", b"Internal Server Error", "'text/plain'", id="text-500"),
    pytest.param(422, None, body(status=422), "no content type", id="no-content-type"),
    pytest.param(404, "application/problem+json", b"{", "not JSON", id="truncated-json"),
    pytest.param(404, "application/problem+json", b"\xff\xfe", "not JSON", id="not-utf8"),
    pytest.param(404, "application/problem+json", b"[]", "JSON list", id="array-body"),
    pytest.param(404, "application/problem+json", body(code=None), "'code'", id="null-code"),
    pytest.param(404, "application/problem+json", body(code=""), "'code'", id="empty-code"),
    pytest.param(404, "application/problem+json", body(code=7), "'code'", id="numeric-code"),
    pytest.param(
        404, "application/problem+json", json.dumps({"title": "x"}).encode(), "'type'", id="bare"
    ),
    pytest.param(404, "application/problem+json", body(status="404"), "'status'", id="str-status"),
    pytest.param(404, "application/problem+json", body(status=True), "'status'", id="bool-status"),
    pytest.param(
        404, "application/problem+json", body(status=400), "says status 400", id="wrong-status"
    ),
    pytest.param(
        404, "application/problem+json", body(code="ｎｏｔ＿ｆｏｕｎｄ"), None, id="fullwidth-code"
    ),
]


@pytest.mark.parametrize(("status", "content_type", "raw", "reason"), CASES)
def test_problem_violation(
    status: int, content_type: str | None, raw: bytes, reason: str | None
) -> None:
    found = problem_violation(status, content_type, raw)
    if reason is None:
        assert found is None
    else:
        assert found is not None and reason in found


def test_huge_problem_body_is_judged_without_error() -> None:
    raw = body(status=413, detail="x" * 5_000_000)
    assert problem_violation(413, "application/problem+json", raw) is None
