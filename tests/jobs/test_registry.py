"""Declaring handlers and schedules in code."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.jobs.context import JobContext
from app.jobs.errors import JobFailed
from app.jobs.policy import InvalidJobPayload
from app.jobs.registry import Registry


async def scan(ctx: JobContext) -> dict[str, int]:
    return {"pairs": 0}


async def other(ctx: JobContext) -> None:
    return None


def test_register_returns_the_handler_and_lists_its_kind() -> None:
    handlers = Registry()
    assert handlers.register("dedup.scan")(scan) is scan
    assert handlers.handler("dedup.scan") is scan
    assert handlers.handler("dedup.unknown") is None
    assert handlers.kinds == {"dedup.scan"}


def test_registering_the_same_handler_twice_is_harmless_but_a_second_one_is_refused() -> None:
    handlers = Registry()
    handlers.register("dedup.scan")(scan)
    handlers.register("dedup.scan")(scan)  # a module imported twice
    with pytest.raises(ValueError, match="already registered"):
        handlers.register("dedup.scan")(other)


@pytest.mark.parametrize("kind", ["", "Dedup", "dedup scan", "x" * 65])
def test_register_refuses_bad_kinds(kind: str) -> None:
    with pytest.raises(InvalidJobPayload):
        Registry().register(kind)


def test_schedule_defaults_its_name_to_the_kind_and_copies_params() -> None:
    handlers = Registry()
    params = {"scope": "all"}
    spec = handlers.schedule("quality.snapshot", timedelta(days=1), params)
    params["scope"] = "changed later"
    assert (spec.name, spec.kind, spec.every) == (
        "quality.snapshot",
        "quality.snapshot",
        timedelta(days=1),
    )
    assert spec.params == {"scope": "all"}
    assert handlers.schedules == {"quality.snapshot": spec}


def test_two_schedules_of_one_kind_need_their_own_names() -> None:
    handlers = Registry()
    handlers.schedule("quality.snapshot", timedelta(days=1), {"scope": "contacts"})
    with pytest.raises(ValueError, match="declared differently"):
        handlers.schedule("quality.snapshot", timedelta(days=1), {"scope": "companies"})
    handlers.schedule(
        "quality.snapshot", timedelta(days=1), {"scope": "companies"}, name="quality.companies"
    )
    assert set(handlers.schedules) == {"quality.snapshot", "quality.companies"}


@pytest.mark.parametrize(
    ("every", "params", "error"),
    [
        pytest.param(timedelta(0), None, ValueError, id="zero-period"),
        pytest.param(timedelta(milliseconds=500), None, ValueError, id="sub-second"),
        pytest.param(timedelta(days=1), {"email": "x"}, InvalidJobPayload, id="personal-params"),
    ],
)
def test_schedule_refuses(every: timedelta, params: dict | None, error: type[Exception]) -> None:
    with pytest.raises(error):
        Registry().schedule("quality.snapshot", every, params)


@pytest.mark.parametrize(
    ("code", "message", "expected_message"),
    [
        pytest.param("webhooks.receiver_down", "HTTP 503", "HTTP 503", id="plain"),
        pytest.param("dedup.bad_params", "line one\nline two", "line one line two", id="one-line"),
        pytest.param("dedup.bad_params", "", "", id="no-message"),
    ],
)
def test_job_failed_keeps_a_code_and_a_short_message(
    code: str, message: str, expected_message: str
) -> None:
    failure = JobFailed(code, message, retry=False)
    assert (failure.code, failure.message, failure.retry) == (code, expected_message, False)


def test_job_failed_refuses_free_text_codes() -> None:
    with pytest.raises(InvalidJobPayload):
        JobFailed("Could not reach jean.dupont@example.fr")
