"""Accuracy and cost of the pure matching engine on generated French B2B data.

Data: bench/generate.py (N companies and N contacts, --dup-rate, --seed), ground truth from
`true_entity_id`. `--data independent` takes them from bench/independent instead, written apart
from the engine and its generator, with other habits (Zipf surnames, family firms sharing a
phone, SCI beside trading firms, whole names typed in one field...): the engine is measured
on data its authors' generator does not shape.

Pipeline, all in memory: normalise every record once → blocking keys,
blocks above their kind's cap dropped (`BLOCK_CAPS`, as the lookup and the scan do; `--small-cap`
tries another cap for the contact kinds it lists) → each candidate pair scored once with the model's
default thresholds for a base of N (`for_base_size`) and term frequencies counted over the
set → clusters from `duplicate` links. As a base's first full scan does, contact pairs are
weighed with the m of the fields a base may set (`engine.estimate`) read from a pass that
first scores the pairs of the email and phone blocks under the shipped judgement and counts
what the settled pairs keep (the time includes that pass; `--judgement` skips it). The
work runs on `--workers` processes (default: one per core, see `bench.dedup_stages`, with
the cyclic garbage collector off): they build the views and keys a chunk of records at a
time, then each enumerates and scores the pairs of a share of the blocking keys; `--examples` and
`--census` score in this process, as they need every pair's evidence.
As a scan does, company pairs the screen proves `distinct` (`engine.screen`) are not
weighed in full; with `--examples` or `--census` every pair is.

Reports, per entity and N: pairs compared; pairwise precision / recall / F1 counting
`duplicate` + `possible` as a match, then `duplicate` alone; pairwise F1 of the clusters;
wall time of the engine (generation excluded); peak RSS of the run (one process per row,
generated records included). Recall counts every true pair, including those blocking missed.
`--census K` prints (to stderr) how many true pairs blocking never compared, then the K
commonest shapes of the scoring errors: the fields that agreed, by level.

Run: nice python -m bench.dedup_accuracy --sizes 10000 100000 --seed 7
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from app.dedup.engine import estimate, screen
from app.dedup.engine import keys as blocking
from app.dedup.engine.cluster import clusters
from app.dedup.engine.model import COMPANY_MODEL, CONTACT_MODEL, MatchModel, for_base_size
from app.dedup.engine.normalise import company_view, contact_view
from app.dedup.engine.result import Verdict
from app.dedup.engine.score import score_companies, score_contacts
from app.dedup.engine.terms import company_terms, contact_terms
from bench import dedup_stages as stages
from bench.datasets import DATA

ENGINES: dict[str, tuple[Callable[..., Any], ...]] = {
    "companies": (
        company_view,
        company_terms,
        blocking.company_keys,
        score_companies,
        COMPANY_MODEL,
        screen.plainly_distinct,
    ),
    "contacts": (
        contact_view,
        contact_terms,
        blocking.contact_keys,
        score_contacts,
        CONTACT_MODEL,
        screen.never_plain,
    ),
}
HEADER = (
    "| entity | N | pairs compared | P (dup+poss) | R (dup+poss) | F1 (dup+poss) "
    "| P (dup) | R (dup) | F1 (dup) | cluster F1 | time s | peak RSS MB |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
)


def caps_of(entity: str, small_cap: int | None) -> Mapping[str, int]:
    caps = blocking.BLOCK_CAPS[entity.removesuffix("s").replace("companie", "company")]
    return caps if small_cap is None else dict.fromkeys(caps, small_cap)


def run(
    entity: str,
    n: int,
    dup_rate: float,
    seed: int,
    examples: int,
    small_cap: int | None = None,
    workers: int = 1,
    census: int = 0,
    data: str = "generated",
    model: MatchModel | None = None,
    judgement: bool = False,
) -> dict[str, Any]:
    """One row; `model` in place of the entity's (its prior is set to the base's size).
    Without it, the model a base's first full scan weighs with: the m of the fields the base
    may set read from a counting pass over every pair first (`judgement`: not read)."""
    companies, contacts = DATA[data](n, n, dup_rate, seed)
    records = companies if entity == "companies" else contacts
    started = time.perf_counter()
    with stages.uncollected():
        tally, shapes = _match(
            records, entity, small_cap, workers, examples, census, model, judgement
        )
        found = clusters(tally.links)
    elapsed = time.perf_counter() - started
    truth_ids = [r["true_entity_id"] for r in records]
    sizes = Counter(truth_ids)
    truth_pairs = sum(k * (k - 1) // 2 for k in sizes.values())
    if census:
        _print_census(entity, truth_pairs, tally.true_compared, shapes, census)
    cluster_counts = stages.Counts()
    for members in found:
        by_truth = Counter(truth_ids[m] for m in members)
        cluster_counts.predicted += len(members) * (len(members) - 1) // 2
        cluster_counts.correct += sum(k * (k - 1) // 2 for k in by_truth.values())
    return {
        "entity": entity,
        "n": len(records),
        "compared": tally.compared,
        "loose": tally.loose.row(truth_pairs),
        "strict": tally.strict.row(truth_pairs),
        "cluster_f1": cluster_counts.row(truth_pairs)[2],
        "seconds": elapsed,
        # the scoring processes' pages are mostly shared with this one: summing overcounts
        "rss_mb": sum(resource.getrusage(who).ru_maxrss for who in _RUSAGE) / 1024,
    }


def _match(
    records: Sequence[Mapping[str, Any]],
    entity: str,
    small_cap: int | None,
    workers: int,
    examples: int,
    census: int,
    base_model: MatchModel | None = None,
    judgement_only: bool = False,
) -> tuple[stages.Tally, dict[str, Counter[tuple[str, ...]]]]:
    """Every pair blocking gives scored and counted against the truth; with `census`, the
    shapes of the errors too."""
    view_of, terms_of, keys_of, score, judgement, plain = ENGINES[entity]
    views, record_keys, frequencies = stages.prepare(records, view_of, terms_of, keys_of, workers)
    model = for_base_size(base_model or judgement, len(views))
    truth_ids = [r["true_entity_id"] for r in records]
    caps = caps_of(entity, small_cap)
    blocks = stages.Blocks.of(record_keys, caps)
    shapes: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    readable = estimate.ESTIMATED[judgement.entity]
    if base_model is None and not judgement_only and readable:
        # as the scan's counting pass reads them: the blocks that hold the settled pairs
        kinds = estimate.SETTLED_AMONG[judgement.entity]
        holding = stages.Blocks.of([{k for k in ks if k.startswith(kinds)} for ks in record_keys],
                                   caps)  # fmt: skip
        counting = (views, score, plain, model, frequencies, readable)
        settled = stages.score_shares(holding, workers, counting, truth_ids).settled
        model = for_base_size(estimate.with_estimates(judgement, settled), len(views))
    del record_keys
    if not (examples or census):
        scoring = (views, score, plain, model, frequencies, ())
        return stages.score_shares(blocks, workers, scoring, truth_ids), shapes
    # their error shapes need every pair's evidence, here
    tally = stages.Tally()
    shown: Counter[str] = Counter()
    for i, j in blocks.pairs():
        result = score(views[i], views[j], model, frequencies)
        same = truth_ids[i] == truth_ids[j]
        tally.add(i, j, result.verdict, result.probability, same)
        kind = _error_kind(result.verdict, same)
        if kind and examples and shown[kind] < examples:
            shown[kind] += 1
            _show(kind, records[i], records[j], result)
        if kind and census:
            shapes["missed" if same else "false match"][_shape(result)] += 1
    return tally, shapes


_RUSAGE = (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)


def _error_kind(verdict: Verdict, same: bool) -> str | None:
    if verdict is Verdict.DUPLICATE and not same:
        return "false duplicate"
    if verdict is Verdict.POSSIBLE and not same:
        return "false possible"
    if verdict not in (Verdict.DUPLICATE, Verdict.POSSIBLE) and same:
        return "missed"
    return None


def _show(kind: str, a: dict[str, Any], b: dict[str, Any], result: Any) -> None:
    fields = [f for f in a if f not in ("id", "true_entity_id", "job_title")]
    print(f"--- {kind} p={result.probability:.3f} {result.verdict}", file=sys.stderr)
    for f in fields:
        print(f"    {f:12} {a[f]!s:45.45} | {b[f]!s:45.45}", file=sys.stderr)
    found = (f"{e.field}={e.level}:{e.weight:.1f}" for e in result.evidence if e.level)
    print("    " + "; ".join(found), file=sys.stderr)


def _shape(result: Any) -> tuple[str, ...]:
    """The fields that agreed, by level; civility and job title left out (they rarely decide)."""
    return tuple(
        sorted(
            f"{e.field}={e.level}"
            for e in result.evidence
            if e.level and e.level != "else" and e.field not in ("civility", "job_title")
        )
    )


def _print_census(
    entity: str,
    truth_pairs: int,
    true_compared: int,
    shapes: Mapping[str, Counter[tuple[str, ...]]],
    top: int,
) -> None:
    out = sys.stderr
    print(f"== {entity}: {truth_pairs:,} true pairs, {truth_pairs - true_compared:,} "
          "never compared (blocking)", file=out)  # fmt: skip
    for kind in ("missed", "false match"):
        found = shapes.get(kind, Counter())
        print(f"-- {kind}: {sum(found.values()):,} scored pairs; commonest shapes:", file=out)
        for shape, count in found.most_common(top):
            print(f"   {count:7,}  {', '.join(shape) or '(nothing agreed)'}", file=out)


def format_row(r: dict[str, Any]) -> str:
    lp, lr, lf = r["loose"]
    sp, sr, sf = r["strict"]
    return (
        f"| {r['entity']} | {r['n']:,} | {r['compared']:,} | {lp:.3f} | {lr:.3f} | {lf:.3f} "
        f"| {sp:.3f} | {sr:.3f} | {sf:.3f} | {r['cluster_f1']:.3f} | {r['seconds']:.1f} "
        f"| {r['rss_mb']:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--entities", nargs="+", choices=tuple(ENGINES), default=list(ENGINES))
    parser.add_argument(
        "--data", choices=tuple(DATA), default="generated", help="records' generator"
    )
    parser.add_argument("--dup-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--examples", type=int, default=0, help="print N errors of each kind")
    parser.add_argument(
        "--census", type=int, default=0, help="print the K commonest shapes of errors"
    )
    parser.add_argument(
        "--small-cap",
        type=int,
        default=None,
        help="cap of the contact kinds BLOCK_CAPS lists (study)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="scoring processes, as a scan uses one per core (1: score in this process)",
    )
    parser.add_argument(
        "--judgement",
        action="store_true",
        help="weigh with the shipped m only, without the counting pass a base's first full "
        "scan makes (engine.estimate)",
    )
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # child: one row, so peak RSS is this row's own
        print(
            json.dumps(
                run(
                    args.entities[0],
                    args.sizes[0],
                    args.dup_rate,
                    args.seed,
                    args.examples,
                    args.small_cap,
                    args.workers,
                    args.census,
                    args.data,
                    judgement=args.judgement,
                )
            )
        )
        return
    print(HEADER, flush=True)
    for n in args.sizes:
        for entity in args.entities:
            child = subprocess.run(
                [sys.executable, "-m", "bench.dedup_accuracy", "--one", "--entities", entity,
                 "--sizes", str(n), "--dup-rate", str(args.dup_rate), "--seed", str(args.seed),
                 "--examples", str(args.examples), "--workers", str(args.workers),
                 "--census", str(args.census), "--data", args.data,
                 *(["--judgement"] if args.judgement else []),
                 *(["--small-cap", str(args.small_cap)] if args.small_cap is not None else [])],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            sys.stderr.write(child.stderr)
            print(format_row(json.loads(child.stdout)), flush=True)


if __name__ == "__main__":
    main()
