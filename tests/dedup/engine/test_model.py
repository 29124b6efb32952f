"""Models are data: base size sets the prior, thresholds are adjustable, every level weighed."""

import math
from dataclasses import FrozenInstanceError

import pytest

from app.dedup.engine.model import COMPANY_MODEL, CONTACT_MODEL, for_base_size
from app.dedup.engine.terms import TermFrequencies


@pytest.mark.parametrize("model", [COMPANY_MODEL, CONTACT_MODEL], ids=["companies", "contacts"])
def test_every_level_has_a_weight_with_m_and_u_in_range(model) -> None:
    for field in model.fields:
        labels = {level.label for level in field.comparison.levels} | {"else"}
        assert set(field.levels) == labels
        for weight in field.levels.values():
            assert 0.0 < weight.m <= 1.0
            assert 0.0 <= weight.u <= 1.0
            assert weight.tf_scale >= 0.0
            assert weight.u > 0.0 or weight.tf_scale > 0.0  # u is never zero


def test_prior_shrinks_with_base_size() -> None:
    priors = [for_base_size(CONTACT_MODEL, n).prior_weight for n in (10_000, 100_000, 1_000_000)]
    assert priors[0] > priors[1] > priors[2]
    assert priors[0] - priors[2] == pytest.approx(math.log2(100), abs=0.01)


def test_thresholds_and_match_rate_are_adjustable_and_the_model_frozen() -> None:
    model = for_base_size(
        COMPANY_MODEL, 50_000, match_rate=0.02, duplicate_at=0.999, possible_at=0.6
    )
    assert (model.base_size, model.match_rate, model.duplicate_at, model.possible_at) == (
        50_000,
        0.02,
        0.999,
        0.6,
    )
    assert COMPANY_MODEL.base_size != 50_000 or COMPANY_MODEL.match_rate != 0.02
    with pytest.raises(FrozenInstanceError):
        model.base_size = 3  # type: ignore[misc]


@pytest.mark.parametrize("n", [0, 1, -5])
def test_tiny_bases_give_a_finite_prior(n: int) -> None:
    assert math.isfinite(for_base_size(CONTACT_MODEL, n).prior_weight)


def test_term_frequencies() -> None:
    frequencies = TermFrequencies.of([frozenset({"ln:martin"}), frozenset({"ln:martin", "x:1"})])
    assert frequencies.total == 2
    assert frequencies.frequency("ln:martin") == 1.0
    assert frequencies.frequency("ln:unseen") == 0.5  # a compared value exists at least once
    assert TermFrequencies().frequency("anything") == 1.0


def test_default_frequencies_without_counts() -> None:
    model = for_base_size(CONTACT_MODEL, 1_000_000)
    assert model.default_frequency("fn:jean") == pytest.approx(0.01)
    assert model.default_frequency("email:x@y.fr") == pytest.approx(1e-6)
