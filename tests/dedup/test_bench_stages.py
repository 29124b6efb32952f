"""The accuracy benchmark's stages give the same answer on several processes as on one.

The stages fork; the test suite's process may hold threads (a live server, a driver's), and a
fork copies no thread but every lock, so the comparison runs in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from app.dedup.engine import estimate
from app.dedup.engine.model import for_base_size
from bench import dedup_stages as stages
from bench.dedup_accuracy import ENGINES, caps_of
from bench.generate import generate


def test_each_pair_once_in_all_shares_together() -> None:
    keys = [frozenset({"a", "b"}), frozenset({"a", "b"}), frozenset({"b", "c"}),
            frozenset({"c"}), frozenset({"z"})]  # fmt: skip
    blocks = stages.Blocks.of(keys, {})
    every = list(blocks.pairs())
    shared = [pair for share in range(3) for pair in blocks.pairs(share, 3)]
    assert sorted(every) == sorted(shared) == [(0, 1), (0, 2), (1, 2), (2, 3)]
    assert len(set(every)) == len(every)


def test_a_block_over_its_cap_gives_no_pair() -> None:
    keys = [frozenset({"ln:martin"}) for _ in range(4)]
    assert list(stages.Blocks.of(keys, {"ln:": 3}).pairs()) == []


@pytest.mark.parametrize("entity", ["companies", "contacts"])
def test_processes_count_what_one_process_counts(entity: str) -> None:
    script = f"from tests.dedup.test_bench_stages import compare; compare({entity!r})"
    done = subprocess.run(  # noqa: S603 (this interpreter, a constant program)
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("compared "), done.stdout


def compare(entity: str) -> None:
    """One process against two, on the same records (run in its own interpreter)."""
    companies, contacts = generate(600, 600, 0.1, 3)
    records = companies if entity == "companies" else contacts
    view_of, terms_of, keys_of, score, base_model, plain = ENGINES[entity]

    one_views, one_keys, one_terms = stages.prepare(records, view_of, terms_of, keys_of, 1)
    # chunks of 70, taken in turn by the two processes and sent back one by one
    views, keys, terms = stages.prepare(records, view_of, terms_of, keys_of, 2, chunk=70)
    assert views == one_views and keys == one_keys
    assert dict(terms.counts) == dict(one_terms.counts) and terms.total == len(records)
    assert terms.counts == Counter(t for r in records for t in terms_of(view_of(r)))

    model = for_base_size(base_model, len(records))
    truth = [r["true_entity_id"] for r in records]
    blocks = stages.Blocks.of(keys, caps_of(entity, None))
    scoring = (views, score, plain, model, terms, ())
    one = stages.score_shares(blocks, 1, scoring, truth)
    two = stages.score_shares(blocks, 2, scoring, truth)
    assert one.compared > 0 and one.strict.correct > 0
    assert (two.compared, two.true_compared) == (one.compared, one.true_compared)
    assert (two.loose, two.strict) == (one.loose, one.strict)
    assert sorted(two.links) == sorted(one.links)
    by_hand = sum(
        1
        for i, j in blocks.pairs()
        if score(views[i], views[j], model, terms).verdict.value == "duplicate"
    )
    assert by_hand == one.strict.predicted
    # the levels a scan counts, as one process counts them
    readable = estimate.ESTIMATED[base_model.entity]
    counting = (views, score, plain, model, terms, readable)
    one_counted = stages.score_shares(blocks, 1, counting, truth).settled
    assert stages.score_shares(blocks, 2, counting, truth).settled == one_counted
    assert bool(one_counted) == bool(readable)
    assert one_counted == Counter(
        level
        for i, j in blocks.pairs()
        if not plain(views[i], views[j], model, terms)
        for level in estimate.settled_levels(
            score(views[i], views[j], model, terms).evidence, model, readable
        )
    )
    print(f"compared {one.compared} pairs")
