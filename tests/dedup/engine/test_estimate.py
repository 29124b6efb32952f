"""A field's m read from the pairs the other fields settle, drawn towards the judgement."""

from __future__ import annotations

import math

import pytest

from app.dedup.engine import estimate
from app.dedup.engine.model import CONTACT_MODEL, for_base_size
from app.dedup.engine.normalise import contact_view
from app.dedup.engine.result import Evidence
from app.dedup.engine.score import score_contacts, weigh

MODEL = for_base_size(CONTACT_MODEL, 100_000)
FIELDS = estimate.ESTIMATED["contact"]


def m_of(model, field: str) -> dict[str, float]:
    (found,) = (f for f in model.fields if f.comparison.field == field)
    return {label: weight.m for label, weight in found.levels.items()}


def settled(*evidence: Evidence) -> list[tuple[str, str]]:
    return list(estimate.settled_levels(evidence, MODEL, FIELDS))


NEEDED = math.log2(estimate.SETTLED / (1 - estimate.SETTLED)) - MODEL.prior_weight


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        pytest.param(
            (Evidence("last_name", "exact", NEEDED), Evidence("job_title", "else", -1.6)),
            [("job_title", "else")],
            id="others-settle-it",
        ),
        pytest.param(
            (Evidence("last_name", "exact", NEEDED - 0.1), Evidence("job_title", "exact", 3.0)),
            [],
            id="settled-only-with-the-field-itself",
        ),
        pytest.param(
            (Evidence("last_name", "exact", NEEDED + 20), Evidence("job_title", None, 0.0)),
            [],
            id="field-missing-on-one-side",
        ),
        pytest.param(
            (Evidence("last_name", "exact", NEEDED + 20), Evidence("first_name", "else", -5.6)),
            [],
            id="a-field-not-estimated",
        ),
        pytest.param(
            (
                Evidence("last_name", "exact", NEEDED - 5),
                Evidence("personal_email", "exact", 10.0),
                Evidence("mobile", "exact", 0.5),
            ),
            [("mobile", "exact")],  # the email settles the mobile, not the other way round
            id="each-field-judged-without-itself",
        ),
        pytest.param((), [], id="no-evidence"),
    ],
)
def test_settled_levels(evidence: tuple[Evidence, ...], expected: list[tuple[str, str]]) -> None:
    assert settled(*evidence) == expected


def test_a_pair_scored_by_the_engine_counts_its_title_when_email_and_mobile_settle_it() -> None:
    one = {"first_name": "Gwenaëlle", "last_name": "Kerbrat", "email": "g.kerbrat@exemple.fr",
           "phone": "+33 6 12 34 56 78", "job_title": "Directrice achats"}  # fmt: skip
    other = one | {"job_title": "Responsable logistique"}
    a, b = contact_view(one), contact_view(other)
    assert ("job_title", "else") in estimate.settled_levels(weigh(a, b, MODEL, None), MODEL, FIELDS)


def drawn(seen: dict[str, int]) -> dict[str, float]:
    """The job title's m (judged 0.5 / 0.15 / 0.3, summing to 0.95) after `seen` settled
    pairs, with the judgement worth 50 pairs: by hand, as the module docstring says."""
    judged = {"exact": 0.5, "similar": 0.15, "else": 0.3}
    pairs = sum(seen.values()) + 50
    return {k: 0.95 * (seen.get(k, 0) + 50 * m / 0.95) / pairs for k, m in judged.items()}


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        pytest.param({}, None, id="no-settled-pair-keeps-the-judgement"),
        pytest.param({("job_title", "exact"): 0}, None, id="zero-counts"),
        pytest.param({("job_title", "exact"): -5}, None, id="negative-count-ignored"),
        pytest.param({("job_title", "exact"): True}, None, id="a-boolean-is-no-count"),
        pytest.param({("job_title", "promoted"): 40}, None, id="unknown-level-ignored"),
        pytest.param({("first_name", "else"): 900}, None, id="a-field-not-estimated-ignored"),
        pytest.param(
            {("job_title", "exact"): 10_000},
            drawn({"exact": 10_000}),
            id="titles-never-change-here",
        ),
        pytest.param(
            {("job_title", "exact"): 25, ("job_title", "else"): 25},
            drawn({"exact": 25, "else": 25}),
            id="few-pairs-stay-near-the-judgement",
        ),
    ],
)
def test_with_estimates(counts: dict, expected: dict[str, float] | None) -> None:
    model = estimate.with_estimates(MODEL, counts)
    got = m_of(model, "job_title")
    assert got == pytest.approx(expected if expected is not None else m_of(MODEL, "job_title"))
    assert sum(got.values()) == pytest.approx(sum(m_of(MODEL, "job_title").values()))
    assert all(m > 0 for m in got.values())
    assert m_of(model, "first_name") == m_of(MODEL, "first_name")
    assert model.prior_weight == MODEL.prior_weight and model.base_size == MODEL.base_size


def test_a_base_where_titles_never_change_makes_a_different_title_strong_evidence() -> None:
    colleagues = {"first_name": "Jean", "last_name": "Martin", "company_id": "c1",
                  "phone": "+33 1 42 68 53 00"}  # fmt: skip
    a = contact_view(colleagues | {"job_title": "Comptable"})
    b = contact_view(colleagues | {"job_title": "Directeur commercial"})
    learnt = estimate.with_estimates(MODEL, {("job_title", "exact"): 5_000})
    before, after = score_contacts(a, b, MODEL), score_contacts(a, b, learnt)
    assert after.probability < before.probability
    assert dict((e.field, e.weight) for e in after.evidence)["job_title"] < -8
