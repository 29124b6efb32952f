"""Per-operation latency and status counts of a load run, printed as Markdown tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.load_ledger import Consistency

TRANSPORT_ERROR = "no answer"  # connection refused or dropped, timeout


@dataclass
class OpStats:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)  # "200", "503 database_busy", …

    def add(self, status: str, latency_ms: float) -> None:
        self.latencies_ms.append(latency_ms)
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies_ms)
        return data[min(len(data) - 1, round(p / 100 * (len(data) - 1)))] if data else 0.0


def statuses_text(statuses: dict[str, int]) -> str:
    return ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())) or "-"


def operations_table(stats: dict[str, OpStats], seconds: float) -> str:
    lines = [
        "| operation | requests | req/s | p50 ms | p95 ms | p99 ms | answers by status |",
        "|---|---|---|---|---|---|---|",
    ]
    total = OpStats()
    for name, op in stats.items():
        total.latencies_ms += op.latencies_ms
        for status, n in op.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + n
        lines.append(_row(name, op, seconds))
    lines.append(_row("**all**", total, seconds))
    return "\n".join(lines)


def _row(name: str, op: OpStats, seconds: float) -> str:
    n = len(op.latencies_ms)
    return (
        f"| {name} | {n:,} | {n / seconds:,.1f} | {op.percentile(50):.1f} | "
        f"{op.percentile(95):.1f} | {op.percentile(99):.1f} | {statuses_text(op.statuses)} |"
    )


def consistency_table(result: Consistency) -> str:
    explained = result.creates_found + result.unacknowledged_creates_stored
    return "\n".join(
        [
            "| check | value |",
            "|---|---|",
            f"| creates acknowledged (201) | {result.acknowledged_creates:,} |",
            f"| of which found in the database | {result.creates_found:,} |",
            f"| unanswered creates that were stored anyway | "
            f"{result.unacknowledged_creates_stored:,} |",
            f"| updates acknowledged (200) | {result.acknowledged_updates:,} |",
            f"| records at their last acknowledged version and value | "
            f"{result.records_checked - result.lost_updates:,} / {result.records_checked:,} |",
            f"| load contacts stored = found + unanswered-but-stored | "
            f"{result.stored_total:,} = {explained:,}"
            f" ({'equal' if result.counts_match else 'NOT EQUAL'}) |",
            f"| **acknowledged writes lost** | **{result.lost}** |",
        ]
    )
