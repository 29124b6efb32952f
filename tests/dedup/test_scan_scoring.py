"""The CPU half of a scan: the counts it loads cover every term, and batches score as pairs do."""

from __future__ import annotations

import uuid
from collections import Counter

import pytest

from app.dedup import engine
from app.dedup.scan_scoring import TERM_PREFIXES, BatchWork, score_batch
from app.dedup.service import ENGINES

RECORDS = [
    pytest.param(
        "contact",
        {
            "first_name": "Jean-Pierre",
            "last_name": "Kerbrat",
            "email": "jp.kerbrat@acme.fr",
            "phone": "06 12 34 56 78",
            "job_title": "DAF",
            "company_id": str(uuid.uuid4()),
        },
        id="contact-everything",
    ),
    pytest.param("contact", {"email": "Zoé@Gmail.com", "phone": "01 23 45 67 89"}, id="free-mail"),
    pytest.param("contact", {}, id="contact-empty"),
    pytest.param(
        "company",
        {
            "name": "Société Nationale des Chemins de fer Français SA",
            "siren": "552049447",
            "siret": "55204944776279",
            "website": "https://www.sncf.com",
            "phone": "+33 1 53 25 60 00",
            "postcode": "93200",
            "city": "Saint-Denis",
        },
        id="company-everything",
    ),
    pytest.param("company", {"name": "I.B.M"}, id="acronym"),
    pytest.param("company", {}, id="company-empty"),
]


@pytest.mark.parametrize(("entity", "fields"), RECORDS)
def test_the_loaded_prefixes_cover_every_term(entity: str, fields: dict) -> None:
    spec = ENGINES[entity]
    terms = spec.terms(spec.view(fields))
    assert all(term.startswith(TERM_PREFIXES[entity]) for term in terms), terms


def test_a_batch_scores_its_pairs_as_the_engine_does() -> None:
    spec = ENGINES["contact"]
    people = {
        uuid.uuid4(): {"first_name": "Jean", "last_name": "Kerbrat", "email": "j.kerbrat@acme.fr"},
        uuid.uuid4(): {"first_name": "jean", "last_name": "KERBRAT", "email": "J.Kerbrat@acme.fr"},
        uuid.uuid4(): {"first_name": "Alice", "last_name": "Durand"},
    }
    ids = sorted(people)
    pairs = [(ids[0], ids[1]), (ids[0], ids[2]), (ids[1], ids[2]), (ids[0], uuid.uuid4())]
    counts = {"ln:kerbrat": 2}
    work = BatchWork("contact", {i: (1, f) for i, f in people.items()}, pairs, 5_000)
    found = dict(score_batch(work, counts))
    model = engine.for_base_size(spec.model, 5_000)
    frequencies = engine.TermFrequencies(counts, 5_000)
    for left, right in pairs[:3]:
        expected = spec.score(spec.view(people[left]), spec.view(people[right]), model, frequencies)
        if expected.verdict is engine.Verdict.DISTINCT:
            assert (left, right) not in found
        else:
            assert found[(left, right)] == expected
    assert {p for p in found} <= set(pairs[:3])  # a pair with an unknown record is skipped
    assert engine.Verdict.DUPLICATE in {r.verdict for r in found.values()}


def test_a_view_table_scores_pairs_of_positions_as_the_engine_does() -> None:
    from array import array

    from app.dedup.scan_scoring import ViewTable

    spec = ENGINES["contact"]
    people = [
        {"first_name": "Jean", "last_name": "Kerbrat", "email": "j.kerbrat@acme.fr"},
        {"first_name": "jean", "last_name": "KERBRAT", "email": "J.Kerbrat@acme.fr"},
        {"first_name": "Ève", "last_name": "N'Guyen"},
        {},
    ]
    table = ViewTable("contact", 5_000, {"ln:kerbrat": 2})
    assert table.add(0, people[:2]) == 2
    assert table.add(2, people[2:]) == 4
    with pytest.raises(ValueError, match="expected at 4"):
        table.add(1, people[:1])  # chunks arrive in order, or not at all
    left, right = array("i", [0, 0, 1, 2]), array("i", [1, 2, 3, 3])
    kept, _ = table.score(left.tobytes(), right.tobytes())
    found = {(i, j): result for i, j, result in kept}
    model = engine.for_base_size(spec.model, 5_000)
    frequencies = engine.TermFrequencies({"ln:kerbrat": 2}, 5_000)
    for i, j in zip(left, right, strict=True):
        expected = spec.score(spec.view(people[i]), spec.view(people[j]), model, frequencies)
        assert found.get((i, j)) == (
            None if expected.verdict is engine.Verdict.DISTINCT else expected
        )
    assert found[(0, 1)].verdict is engine.Verdict.DUPLICATE
    assert table.score(b"", b"") == ([], {})


SETTLED_BY_OTHERS = {
    "first_name": "Yannick",
    "last_name": "Kerbrat",
    "email": "y.kerbrat@acme.fr",
    "phone": "02 98 12 34 56",
    "company_id": "3f0c1e6a-8d2b-4f55-9a77-0c7a1b2d3e4f",
}


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        pytest.param({**SETTLED_BY_OTHERS, "job_title": "DAF"},
                     {**SETTLED_BY_OTHERS, "job_title": "Directeur commercial"},
                     {("job_title", "else"): 1, ("personal_email", "exact"): 1},
                     id="settled-title-differs"),
        pytest.param({**SETTLED_BY_OTHERS, "job_title": "DAF", "phone": "06 12 34 56 78"},
                     {**SETTLED_BY_OTHERS, "job_title": "DAF", "phone": "+33612345678"},
                     {("job_title", "exact"): 1, ("mobile", "exact"): 1,
                      ("personal_email", "exact"): 1}, id="settled-all-kept"),
        pytest.param({**SETTLED_BY_OTHERS, "civility": "M."},
                     {**SETTLED_BY_OTHERS, "civility": None},
                     {("personal_email", "exact"): 1}, id="a-missing-value-is-no-level"),
        pytest.param({"first_name": "Yannick", "last_name": "Kerbrat", "job_title": "DAF"},
                     {"first_name": "Yannick", "last_name": "Kerbrat", "job_title": "Juriste"},
                     {}, id="names-alone-settle-nothing"),
        pytest.param({"first_name": "Alice", "last_name": "Durand", "job_title": "DAF"},
                     {"first_name": "Bruno", "last_name": "Martin", "job_title": "DAF"},
                     {}, id="distinct-pair-counts-nothing"),
    ],
)  # fmt: skip
def test_a_view_table_counts_the_levels_of_the_pairs_the_other_fields_settle(
    left: dict, right: dict, expected: dict
) -> None:
    from array import array

    from app.dedup.engine import estimate
    from app.dedup.scan_scoring import ViewTable

    table = ViewTable("contact", 5_000, {})
    table.add(0, [left, right])
    kept, settled = table.score(array("i", [0]).tobytes(), array("i", [1]).tobytes())
    assert settled == expected
    spec = ENGINES["contact"]
    result = spec.score(spec.view(left), spec.view(right), table.model, table.frequencies)
    fields = estimate.ESTIMATED["contact"]
    assert settled == dict(Counter(estimate.settled_levels(result.evidence, table.model, fields)))
    # counted whatever the verdict: a pair kept or not is counted the same
    assert len(kept) == (result.verdict is not engine.Verdict.DISTINCT)


def test_a_company_table_counts_nothing() -> None:
    from array import array

    from app.dedup.scan_scoring import ViewTable

    table = ViewTable("company", 5_000, {})
    table.add(0, [{"name": "Kerbrat SAS", "siren": "552049447"}] * 2)
    kept, settled = table.score(array("i", [0]).tobytes(), array("i", [1]).tobytes())
    assert kept and settled == {}


def test_a_table_weighs_with_the_level_counts_it_is_given() -> None:
    from array import array

    from app.dedup.scan_scoring import ViewTable

    pair = [{**SETTLED_BY_OTHERS, "job_title": "DAF"},
            {"first_name": "Yannick", "last_name": "Kerbrat", "email": "yannick.kerbrat@gmail.com",
             "job_title": "Directeur commercial"}]  # fmt: skip
    levels = (("job_title", "else", 5_000), ("job_title", "exact", 5_000))
    judged, counted = ViewTable("contact", 5_000, {}), ViewTable("contact", 5_000, {}, levels)
    positions = array("i", [0]).tobytes(), array("i", [1]).tobytes()
    probability = []
    for table in (judged, counted):
        table.add(0, pair)
        spec = ENGINES["contact"]
        result = spec.score(spec.view(pair[0]), spec.view(pair[1]), table.model, table.frequencies)
        probability.append(result.probability)
        kept, _ = table.score(*positions)
        assert [r.probability for _, _, r in kept] == [result.probability] * len(kept)
    # half the settled pairs hold another title: a different title weighs less against
    assert probability[1] > probability[0]
