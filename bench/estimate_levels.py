"""What a base says its duplicates keep, and what weighing its pairs by that would give.

For N generated contacts (`--data`, `--dup-rate`, `--seed` as in bench.dedup_accuracy):
every candidate pair is scored once under the model's judgement, and the levels of the
fields a base may set (`engine.estimate.ESTIMATED`, or `--fields`) are counted in the pairs
the other fields settle (`estimate.settled_levels`). The truth is read only to print, beside
each share, the share of that level among the true pairs. Then bench.dedup_accuracy's row
for the same records, with the m read from the base (`estimate.with_estimates`); its row
with the judgement is bench.dedup_accuracy's own (`--judgement` prints it here too). A row's
time is the accuracy run's (the counting pass is timed apart); peak RSS is the process's.
`--rounds 2` counts a second time under the m the first pass read, as the service's second
full scan of a base does (each count is read against the judgement, never compounded).

Run: python -m bench.estimate_levels --sizes 10000 100000 --seed 7 [--judgement]
     python -m bench.estimate_levels --data independent --dup-rate 0.07 --seed 11
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence

from app.dedup.engine import estimate
from app.dedup.engine.model import CONTACT_MODEL, MatchModel, for_base_size
from app.dedup.engine.score import weigh
from app.dedup.engine.verdicts import orient
from bench import dedup_accuracy as accuracy
from bench import dedup_stages as stages
from bench.datasets import DATA


def counted(
    n: int,
    dup_rate: float,
    seed: int,
    data: str,
    fields: Sequence[str],
    weighed_by: MatchModel = CONTACT_MODEL,
) -> tuple[Counter[tuple[str, str]], Counter[tuple[str, str]], float]:
    """Levels in the pairs the other fields settle under `weighed_by`, the same among the
    true pairs, and the seconds the counting took."""
    _, contacts = DATA[data](n, n, dup_rate, seed)
    view_of, terms_of, keys_of, *_ = accuracy.ENGINES["contacts"]
    truth = [r["true_entity_id"] for r in contacts]
    settled: Counter[tuple[str, str]] = Counter()
    true: Counter[tuple[str, str]] = Counter()
    started = time.perf_counter()
    with stages.uncollected():
        views, keys, frequencies = stages.prepare(contacts, view_of, terms_of, keys_of, 2)
        model = for_base_size(weighed_by, len(views))
        for i, j in stages.Blocks.of(keys, accuracy.caps_of("contacts", None)).pairs():
            left, right, _ = orient(views[i], views[j], frequencies.frequency)
            evidence = weigh(left, right, model, frequencies)
            settled.update(estimate.settled_levels(evidence, model, fields))
            if truth[i] == truth[j]:
                true.update((e.field, e.level) for e in evidence if e.field in fields and e.level)
    return settled, true, time.perf_counter() - started


def _shares(counts: Counter[tuple[str, str]], field: str) -> dict[str, float]:
    (levels,) = (f.levels for f in CONTACT_MODEL.fields if f.comparison.field == field)
    total = sum(counts[field, label] for label in levels)
    return {label: counts[field, label] / total if total else 0.0 for label in levels}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--data", choices=tuple(DATA), default="generated")
    parser.add_argument("--dup-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    fields = estimate.ESTIMATED["contact"]
    parser.add_argument("--fields", nargs="+", choices=fields, default=list(fields))
    parser.add_argument("--judgement", action="store_true", help="the judgement's row too")
    parser.add_argument(
        "--rounds", type=int, default=1,
        help="counting passes: from the second, pairs are weighed with the m the one before "
             "read, as a base's second full scan weighs them",
    )  # fmt: skip
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        learnt = CONTACT_MODEL
        for _ in range(args.rounds):
            settled, true, seconds = counted(
                n, args.dup_rate, args.seed, args.data, args.fields, learnt
            )
            learnt = estimate.with_estimates(CONTACT_MODEL, settled)
        print(f"\n{args.data} data, {n:,} contacts, seed {args.seed}: levels counted in "
              f"{seconds:.1f} s", file=sys.stderr)  # fmt: skip
        print("| field | level | m (judgement) | share in settled pairs | share in true pairs "
              "| m read from the base |\n|---|---|---:|---:|---:|---:|")  # fmt: skip
        for field in args.fields:
            read, truth = _shares(settled, field), _shares(true, field)
            (judgement,) = (f.levels for f in CONTACT_MODEL.fields if f.comparison.field == field)
            (used,) = (f.levels for f in learnt.fields if f.comparison.field == field)
            for label in judgement:
                print(f"| {field} | {label} | {judgement[label].m:.3f} | {read[label]:.3f} "
                      f"| {truth[label]:.3f} | {used[label].m:.3f} |")  # fmt: skip
        run = {"workers": 2, "data": args.data}
        if args.judgement:
            judged = accuracy.run("contacts", n, args.dup_rate, args.seed, 0, **run,
                                  judgement=True)  # fmt: skip
            rows.append(("judgement", judged))
        from_base = accuracy.run("contacts", n, args.dup_rate, args.seed, 0, **run, model=learnt)
        label = "read from the base" + (f" ({args.rounds} passes)" if args.rounds > 1 else "")
        rows.append((label, from_base))
    print("\n| m | " + accuracy.HEADER.split("\n")[0].removeprefix("| "))
    print("| --- " + accuracy.HEADER.split("\n")[1])
    for label, row in rows:
        print(f"| {label} " + accuracy.format_row(row))


if __name__ == "__main__":
    main()
