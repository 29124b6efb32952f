"""Prometheus request metrics, one registry per app so tests can build many apps."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class RequestMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "crmdq_http_requests",
            "HTTP requests handled, by route template and status",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "crmdq_http_request_duration_seconds",
            "HTTP request latency, by route template",
            ("method", "route"),
            buckets=_BUCKETS,
            registry=self.registry,
        )

    def reset(self) -> None:
        """Forget every count: one app serving test after test starts each from zero."""
        self.requests.clear()
        self.latency.clear()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
