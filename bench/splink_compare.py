"""Our matching engine and Splink 4 (DuckDB) side by side on the same generated records.

For each N and entity, two child processes (so peak RSS is each row's own) generate the
same records with bench/generate.py: one runs `bench.dedup_accuracy.run` (our engine), the
other `bench.splink_model.run` (Splink trained without labels, see that module). Both count
pairwise precision / recall / F1 the same way, recall over every true pair:

- our engine: `duplicate` + `possible` is a match; the strict column is `duplicate` alone;
- Splink: match_probability >= 0.5 is a match; the strict column is >= 0.9.

`--data independent` generates the records with bench/independent instead, written apart from
the engine and its generator, with other habits (Zipf surnames, family firms sharing a phone,
SCI beside trading firms, whole names typed in one field...): both systems are measured on data
the engine's authors' generator does not shape.

Time is the wall time from raw records to scored pairs (generation excluded); Splink's
includes its unsupervised training, shown apart. DuckDB uses every core unless --threads,
and our engine scores on as many processes (normalising stays on one).
Needs the `bench` extra (splink, duckdb).

Run: nice python -m bench.splink_compare --sizes 10000 100000 --seed 7
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
from typing import Any

from bench.datasets import DATA

SYSTEMS = ("engine", "splink")
ENTITIES = ("companies", "contacts")
HEADER = (
    "| entity | N | system | pairs compared | P | R | F1 | P (strict) | R (strict) "
    "| F1 (strict) | time s | of which training s | peak RSS MB |\n"
    "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)
LABELS = {"engine": "crm-dq engine", "splink": "Splink 4 / DuckDB"}


def one_row(system: str, entity: str, n: int, args: argparse.Namespace) -> dict:
    if system == "engine":
        from bench import dedup_accuracy

        workers = args.threads or os.cpu_count() or 1  # as many scoring processes as threads
        return dedup_accuracy.run(
            entity, n, args.dup_rate, args.seed, examples=0, workers=workers, data=args.data
        )
    from bench import splink_model

    return splink_model.run(
        entity,
        n,
        args.dup_rate,
        args.seed,
        threads=args.threads or None,
        u_pairs=args.u_pairs,
        data=args.data,
    )


def format_row(system: str, r: dict[str, Any]) -> str:
    lp, lr, lf = r["loose"]
    sp, sr, sf = r["strict"]
    training = r.get("train_seconds")
    return (
        f"| {r['entity']} | {r['n']:,} | {LABELS[system]} | {r['compared']:,} "
        f"| {lp:.3f} | {lr:.3f} | {lf:.3f} | {sp:.3f} | {sr:.3f} | {sf:.3f} "
        f"| {r['seconds']:.1f} | {'—' if training is None else f'{training:.1f}'} "
        f"| {r['rss_mb']:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--entities", nargs="+", choices=ENTITIES, default=list(ENTITIES))
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument("--data", choices=tuple(DATA), default="generated", help="generator")
    parser.add_argument("--dup-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: default)")
    parser.add_argument("--u-pairs", type=float, default=1e7, help="Splink's u sample (max_pairs)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if "splink" in args.systems and importlib.util.find_spec("splink") is None:
        parser.error("Splink is not installed: pip install 'splink>=4,<5' (the bench extra)")
    if args.one:  # child: one row, so peak RSS is this row's own; JSON on the last line
        print(json.dumps(one_row(args.systems[0], args.entities[0], args.sizes[0], args)))
        return
    print(HEADER, flush=True)
    for n in args.sizes:
        for entity in args.entities:
            for system in args.systems:
                child = subprocess.run(
                    [sys.executable, "-m", "bench.splink_compare", "--one", "--systems", system,
                     "--entities", entity, "--sizes", str(n), "--dup-rate", str(args.dup_rate),
                     "--seed", str(args.seed), "--threads", str(args.threads),
                     "--u-pairs", str(args.u_pairs), "--data", args.data],
                    check=False, capture_output=True, text=True,
                )  # fmt: skip
                if child.returncode:
                    sys.stderr.write(child.stderr)
                    print(f"| {entity} | {n:,} | {LABELS[system]} | failed: exit "
                          f"{child.returncode} | | | | | | | | | |", flush=True)  # fmt: skip
                    continue
                result = json.loads(child.stdout.strip().splitlines()[-1])
                print(format_row(system, result), flush=True)


if __name__ == "__main__":
    main()
