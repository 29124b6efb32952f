"""Level counts kept as rows, and the model they give (pure: no database)."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from app.dedup import level_counts, service
from app.dedup.engine import score
from app.dedup.scan_scoring import BatchWork, score_batch


@pytest.mark.parametrize(
    ("counts", "levels"),
    [
        pytest.param({}, (), id="none"),
        pytest.param({("job_title", "else"): 3, ("civility", "exact"): 9},
                     (("civility", "exact", 9), ("job_title", "else", 3)), id="sorted"),
        pytest.param({("mobile", "else"): 0, ("mobile", "exact"): -2, ("mobile", "x"): 1},
                     (("mobile", "x", 1),), id="zero-and-negative-dropped"),
        pytest.param({("job_title", "é"): 10**12}, (("job_title", "é", 10**12),), id="huge"),
    ],
)  # fmt: skip
def test_counts_become_levels_and_rows_and_back(counts: dict, levels: tuple) -> None:
    assert level_counts.levels_of(counts) == levels
    rows = level_counts.as_rows(levels)
    assert all(set(row) == {"field", "level", "pairs"} for row in rows)
    assert level_counts.levels_of(level_counts.from_rows(rows)) == levels


def test_rows_from_an_older_checkpoint_are_none() -> None:
    assert level_counts.from_rows(()) == Counter()


def test_one_model_per_set_of_counts_whatever_the_base_size() -> None:
    levels = (("job_title", "else", 500), ("job_title", "exact", 500))
    small, big = (
        service.model_for("contact", 10, levels),
        service.model_for("contact", 10**6, levels),
    )
    assert small.fields is big.fields  # laid out once for scoring
    assert small.base_size == service.MIN_BASE_SIZE and big.base_size == 10**6
    assert service.model_for("contact", 10**6, ()).fields is service.ENGINES["contact"].model.fields
    assert service.model_for("contact", 10**6, levels) is not service.ENGINES["contact"].model


def test_scoring_keeps_a_bounded_number_of_model_layouts() -> None:
    for n in range(score._PLANS_KEPT + 10):
        model = service.estimated_model("contact", (("job_title", "else", n + 1),))
        score._plan(model)
    assert len(score._plans) <= score._PLANS_KEPT


def test_an_incremental_batch_weighs_with_the_counts_it_carries() -> None:
    left, right = uuid.uuid4(), uuid.uuid4()
    people = {left: {"first_name": "Maëlys", "last_name": "Guivarc'h", "job_title": "DAF",
                     "phone": "02 98 44 55 66"},
              right: {"first_name": "Maëlys", "last_name": "Guivarc'h", "job_title": "Juriste",
                      "phone": "02 98 44 55 66"}}  # fmt: skip
    records = {i: (1, f) for i, f in people.items()}
    levels = (("job_title", "else", 5_000), ("job_title", "exact", 5_000))
    judged = score_batch(BatchWork("contact", records, [(left, right)], 5_000), {})
    counted = score_batch(BatchWork("contact", records, [(left, right)], 5_000, levels), {})
    assert [p for p, _ in judged] == [p for p, _ in counted] == [(left, right)]
    assert counted[0][1].probability > judged[0][1].probability
