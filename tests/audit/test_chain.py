"""The pure hash chain: deterministic links, and verify finds the first broken one."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.audit import chain
from app.audit.chain import GENESIS_HASH, ChainRow, link, verify
from app.audit.facts import EventFacts, build_facts

T0 = datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)


def facts(n: int = 0, **overrides: object) -> EventFacts:
    values: dict[str, object] = {
        "id": uuid.UUID(int=n + 1),
        "occurred_at": T0 + timedelta(seconds=n),
        "actor_type": "user",
        "actor_id": str(uuid.UUID(int=1000)),
        "action": "contact.updated",
        "entity_type": "contact",
        "entity_id": str(uuid.UUID(int=2000 + n)),
        "fields": ("email", "phone"),
        "details": {"count": n, "source": "api"},
        "request_id": f"req-{n}",
        "client_ip": "192.0.2.1",
    }
    return EventFacts(**(values | overrides))  # type: ignore[arg-type]


def build_chain(length: int, first_seq: int = 1) -> list[ChainRow]:
    rows, prev = [], GENESIS_HASH
    for i in range(length):
        f = facts(i)
        h = link(prev, f)
        rows.append(ChainRow(seq=first_seq + i * 3, facts=f, prev_hash=prev, hash=h))  # gaps
        prev = h
    return rows


class TestCanonical:
    def test_is_sorted_compact_ascii_json_with_a_version(self) -> None:
        raw = chain.canonical(facts(0, details={"b": 1, "a": "é"}))
        doc = json.loads(raw)
        assert raw.isascii()
        assert b" " not in raw
        assert list(doc) == sorted(doc)
        assert doc["v"] == chain.CANONICAL_VERSION
        assert doc["details"] == {"a": "é", "b": 1}
        assert raw.index(b'"a"') < raw.index(b'"b"')

    @pytest.mark.parametrize(
        "moment",
        [
            pytest.param(T0, id="utc"),
            pytest.param(T0.astimezone(timezone(timedelta(hours=2))), id="paris-summer"),
            pytest.param(T0.astimezone(timezone(timedelta(hours=-9, minutes=-30))), id="odd"),
        ],
    )
    def test_same_instant_in_any_zone_serialises_alike(self, moment: datetime) -> None:
        doc = json.loads(chain.canonical(facts(0, occurred_at=moment)))
        assert doc["occurred_at"] == "2026-03-01T09:30:00.123456+00:00"

    def test_whole_seconds_keep_their_microseconds_field(self) -> None:
        moment = datetime(2026, 1, 1, tzinfo=UTC)
        doc = json.loads(chain.canonical(facts(0, occurred_at=moment)))
        assert doc["occurred_at"] == "2026-01-01T00:00:00.000000+00:00"

    def test_detail_insertion_order_does_not_matter(self) -> None:
        one = facts(0, details={"x": 1, "y": True, "z": None})
        other = facts(0, details={"z": None, "y": True, "x": 1})
        assert chain.canonical(one) == chain.canonical(other)


class TestLink:
    def test_is_sha256_over_prev_hash_and_canonical_bytes(self) -> None:
        f = facts(0)
        expected = hashlib.sha256(GENESIS_HASH.encode() + chain.canonical(f)).hexdigest()
        assert link(GENESIS_HASH, f) == expected

    def test_is_deterministic(self) -> None:
        assert link(GENESIS_HASH, facts(3)) == link(GENESIS_HASH, facts(3))

    def test_genesis_is_64_zeros(self) -> None:
        assert GENESIS_HASH == "0" * 64

    def test_depends_on_prev_hash(self) -> None:
        assert link(GENESIS_HASH, facts(0)) != link("f" * 64, facts(0))

    @pytest.mark.parametrize(
        "change",
        [
            pytest.param({"id": uuid.UUID(int=999)}, id="id"),
            pytest.param({"occurred_at": T0 + timedelta(microseconds=1)}, id="time-1µs"),
            pytest.param({"actor_type": "system"}, id="actor_type"),
            pytest.param({"actor_id": None}, id="actor_id-null"),
            pytest.param({"action": "contact.created"}, id="action"),
            pytest.param({"entity_type": "company"}, id="entity_type"),
            pytest.param({"entity_id": None}, id="entity_id-null"),
            pytest.param({"fields": ("email",)}, id="fields-fewer"),
            pytest.param({"fields": ("phone", "email")}, id="fields-reordered"),
            pytest.param({"details": {"count": 0, "source": "API"}}, id="details-case"),
            pytest.param({"details": {"count": False, "source": "api"}}, id="details-0-vs-false"),
            pytest.param({"details": {"count": "0", "source": "api"}}, id="details-0-vs-str"),
            pytest.param({"request_id": "req-x"}, id="request_id"),
            pytest.param({"client_ip": "192.0.2.2"}, id="client_ip"),
            pytest.param({"action": "contact.updat\u0435d"}, id="cyrillic-lookalike"),
        ],
    )
    def test_every_fact_is_covered(self, change: dict[str, object]) -> None:
        original = facts(0)
        assert link(GENESIS_HASH, original) != link(
            GENESIS_HASH, dataclasses.replace(original, **change)
        )

    @pytest.mark.parametrize(
        "bad",
        [
            pytest.param("", id="empty"),
            pytest.param("0" * 63, id="short"),
            pytest.param("A" * 64, id="upper-case"),
            pytest.param("g" * 64, id="not-hex"),
            pytest.param("0" * 64 + "\n", id="trailing-newline"),
            pytest.param(None, id="none"),
        ],
    )
    def test_refuses_a_malformed_prev_hash(self, bad: object) -> None:
        with pytest.raises(ValueError, match="prev_hash"):
            link(bad, facts(0))  # type: ignore[arg-type]


def swap(rows: list[ChainRow], i: int, j: int) -> list[ChainRow]:
    out = list(rows)
    out[i], out[j] = out[j], out[i]
    return out


def with_seq_swapped(rows: list[ChainRow], i: int, j: int) -> list[ChainRow]:
    """Rows whose seq values were exchanged, then read back in seq order."""
    out = list(rows)
    out[i] = dataclasses.replace(rows[j], seq=rows[i].seq)
    out[j] = dataclasses.replace(rows[i], seq=rows[j].seq)
    return out


def replaced(rows: list[ChainRow], i: int, **changes: object) -> list[ChainRow]:
    out = list(rows)
    out[i] = dataclasses.replace(rows[i], **changes)
    return out


def with_fact(rows: list[ChainRow], i: int, **changes: object) -> list[ChainRow]:
    return replaced(rows, i, facts=dataclasses.replace(rows[i].facts, **changes))


def rehashed(rows: list[ChainRow], i: int, **changes: object) -> list[ChainRow]:
    """An attacker who also recomputes the altered row's own hash."""
    f = dataclasses.replace(rows[i].facts, **changes)
    return replaced(rows, i, facts=f, hash=link(rows[i].prev_hash, f))


CHAIN = build_chain(6)

TAMPERING = [
    pytest.param(CHAIN, None, None, id="intact"),
    pytest.param([], None, None, id="empty-chain"),
    pytest.param(CHAIN[:1], None, None, id="genesis-only"),
    pytest.param(with_fact(CHAIN, 2, action="contact.erased"), 2, "hash_mismatch", id="action"),
    pytest.param(with_fact(CHAIN, 0, fields=("email",)), 0, "hash_mismatch", id="first-row"),
    pytest.param(with_fact(CHAIN, 5, details={}), 5, "hash_mismatch", id="last-row"),
    pytest.param(
        with_fact(CHAIN, 3, occurred_at=CHAIN[3].facts.occurred_at + timedelta(microseconds=1)),
        3,
        "hash_mismatch",
        id="time-shifted-1µs",
    ),
    pytest.param(replaced(CHAIN, 4, hash="f" * 64), 4, "hash_mismatch", id="stored-hash"),
    pytest.param(
        rehashed(CHAIN, 1, action="contact.erased"), 2, "prev_hash_mismatch", id="rehashed-row"
    ),
    pytest.param(replaced(CHAIN, 3, prev_hash="e" * 64), 3, "prev_hash_mismatch", id="prev-hash"),
    pytest.param(CHAIN[:2] + CHAIN[3:], 2, "prev_hash_mismatch", id="deleted-middle"),
    pytest.param(CHAIN[1:], 0, "prev_hash_mismatch", id="deleted-genesis"),
    pytest.param(with_seq_swapped(CHAIN, 2, 3), 2, "prev_hash_mismatch", id="seq-swapped"),
    pytest.param(swap(CHAIN, 4, 5), 4, "prev_hash_mismatch", id="rows-out-of-order"),
    pytest.param(replaced(CHAIN, 1, seq=CHAIN[0].seq), 1, "seq_not_increasing", id="duplicate-seq"),
    pytest.param([*CHAIN, CHAIN[-1]], 6, "seq_not_increasing", id="row-repeated"),
]


@pytest.mark.parametrize(("rows", "position", "reason"), TAMPERING)
def test_verify_reports_the_first_broken_link(
    rows: list[ChainRow], position: int | None, reason: str | None
) -> None:
    broken = verify(rows)
    if position is None:
        assert broken is None
        return
    assert broken is not None
    assert (broken.position, broken.reason) == (position, reason)
    assert (broken.seq, broken.id) == (rows[position].seq, rows[position].id)


def test_a_row_cut_off_the_end_goes_unnoticed_by_design() -> None:
    # Documented limit: anchoring the head hash elsewhere is what catches this.
    assert verify(CHAIN[:-1]) is None


def test_verify_continues_a_chain_from_a_known_head() -> None:
    assert verify(CHAIN[3:], expected_prev=CHAIN[2].hash) is None
    assert verify(CHAIN[3:]) is not None


def test_verifier_counts_and_stays_on_the_first_break() -> None:
    rows = with_fact(with_fact(CHAIN, 1, action="x.y"), 4, action="x.z")
    verifier = chain.ChainVerifier()
    results = [verifier.feed(r) for r in rows]
    assert results[0] is None
    assert all(r is not None and r.position == 1 for r in results[1:])
    assert verifier.checked == 2


def test_verify_stops_consuming_at_the_first_break() -> None:
    consumed = []

    def rows():  # type: ignore[no-untyped-def]
        for r in with_fact(CHAIN, 1, action="x.y"):
            consumed.append(r.seq)
            yield r

    assert verify(rows()) is not None
    assert consumed == [CHAIN[0].seq, CHAIN[1].seq]


# Any encodable text but NUL, which PostgreSQL refuses (the facts tests cover the refusal).
storable_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=50
)
detail_values = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**53) + 1, 2**53 - 1), storable_text
)


@given(
    details=st.dictionaries(
        st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True), detail_values, max_size=8
    ),
    fields=st.lists(st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True), max_size=8),
)
def test_serialisation_survives_a_json_round_trip(
    details: dict[str, object], fields: list[str]
) -> None:
    # What jsonb hands back must hash exactly like what was written.
    f = build_facts(
        id=uuid.uuid4(),
        occurred_at=T0,
        actor_type="system",
        actor_id=None,
        action="test.round_trip",
        fields=fields,
        details=details,
    )
    back = dataclasses.replace(f, details=json.loads(json.dumps(dict(f.details))))
    assert link(GENESIS_HASH, back) == link(GENESIS_HASH, f)
