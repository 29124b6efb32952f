"""Which code runs each kind of job, and which jobs recur: declared in code, at import time.

A domain package declares its handlers where it defines them:

    @register("dedup.scan")
    async def scan(ctx: JobContext) -> dict[str, object]: ...

    schedule("quality.snapshot", every=timedelta(days=1))

The worker process imports those modules (see `app.jobs.runner.HANDLER_MODULES`) and runs
the default registry; tests build their own `Registry` so they never share state.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from app.jobs.policy import MAX_PARAMS_BYTES, check_document, check_kind

if TYPE_CHECKING:
    from app.jobs.context import JobContext

Handler = Callable[["JobContext"], Awaitable[Mapping[str, Any] | None]]


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    name: str
    kind: str
    every: timedelta
    params: Mapping[str, Any] = field(default_factory=dict)
    # Skip a period while the previous run is still queued or running, rather than pile up.
    skip_if_active: bool = True


class Registry:
    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}
        self._schedules: dict[str, ScheduleSpec] = {}

    def register(self, kind: str) -> Callable[[Handler], Handler]:
        check_kind(kind)

        def add(handler: Handler) -> Handler:
            if kind in self._handlers and self._handlers[kind] is not handler:
                raise ValueError(f"a handler is already registered for {kind}")
            self._handlers[kind] = handler
            return handler

        return add

    def schedule(
        self,
        kind: str,
        every: timedelta,
        params: Mapping[str, Any] | None = None,
        *,
        name: str | None = None,
        skip_if_active: bool = True,
    ) -> ScheduleSpec:
        """Enqueue `kind` once per `every`, whichever worker gets there first."""
        check_kind(kind)
        if every < timedelta(seconds=1):
            raise ValueError("a schedule period must be at least one second")
        name = check_kind(name or kind)
        spec = ScheduleSpec(
            name=name,
            kind=kind,
            every=every,
            params=check_document(params or {}, "params", MAX_PARAMS_BYTES),
            skip_if_active=skip_if_active,
        )
        if name in self._schedules and self._schedules[name] != spec:
            raise ValueError(f"schedule {name} is already declared differently")
        self._schedules[name] = spec
        return spec

    def handler(self, kind: str) -> Handler | None:
        return self._handlers.get(kind)

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self._handlers)

    @property
    def schedules(self) -> Mapping[str, ScheduleSpec]:
        return dict(self._schedules)


registry = Registry()
register = registry.register
schedule = registry.schedule
