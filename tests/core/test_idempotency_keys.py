"""Idempotency-Key parsing and request fingerprints (pure, no database)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import BaseModel, SecretBytes, SecretStr

from app.core.idempotency_keys import (
    canonical_body,
    fingerprint_key,
    parse_key,
    request_fingerprint,
)

KEY = fingerprint_key("a test secret of some length, not a real one")

VALID = [
    pytest.param(
        ["8e03978e-40d5-43e8-bc93-6894a57f9324"], "8e03978e-40d5-43e8-bc93-6894a57f9324", id="uuid"
    ),
    pytest.param(
        ['"8e03978e-40d5-43e8-bc93-6894a57f9324"'],
        "8e03978e-40d5-43e8-bc93-6894a57f9324",
        id="draft-sf-string-is-the-bare-key",
    ),
    pytest.param(["a"], "a", id="one-char"),
    pytest.param(["k" * 255], "k" * 255, id="255-chars"),
    pytest.param(['"k"'], "k", id="quoted-one-char"),
    pytest.param([r'"a\"b"'], 'a"b', id="sf-string-escaped-quote"),
    pytest.param([r'"a\\b"'], "a\\b", id="sf-string-escaped-backslash"),
    pytest.param(["!#$%&'*+-.^_`|~"], "!#$%&'*+-.^_`|~", id="punctuation"),
    pytest.param(['"abc'], '"abc', id="lone-quote-is-just-a-character"),
    pytest.param([" padded "], "padded", id="optional-whitespace-around"),
]

INVALID = [
    pytest.param([""], id="empty"),
    pytest.param(['""'], id="empty-sf-string"),
    pytest.param(["   "], id="only-spaces"),
    pytest.param(["k" * 256], id="256-chars"),
    pytest.param(['"' + "k" * 256 + '"'], id="quoted-256-chars"),
    pytest.param(["a b"], id="inner-space"),
    pytest.param(['"a b"'], id="quoted-inner-space"),
    pytest.param(["a\tb"], id="tab"),
    pytest.param(["a\x01b"], id="control-char"),
    pytest.param(["a\x7fb"], id="delete-char"),
    pytest.param(["a\x00"], id="nul"),
    pytest.param(["clé"], id="accented-latin1"),
    pytest.param(["cl\u00c3\u00a9"], id="utf8-bytes-read-as-latin1"),
    pytest.param(["\u0430bc"], id="cyrillic-look-alike"),
    pytest.param(["abc\u00a0"], id="nbsp"),
    pytest.param(["a", "b"], id="two-headers"),
    pytest.param(["a", "a"], id="the-same-header-twice"),
    pytest.param(["a, b"], id="comma-joined-headers"),
]


@pytest.mark.parametrize(("values", "expected"), VALID)
def test_valid_keys(values: list[str], expected: str) -> None:
    assert parse_key(values) == expected


@pytest.mark.parametrize("values", INVALID)
def test_invalid_keys_are_refused(values: list[str]) -> None:
    with pytest.raises(ValueError, match="Idempotency-Key"):
        parse_key(values)


def test_no_header_means_no_key() -> None:
    assert parse_key([]) is None


@given(
    st.text(
        alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=255
    )
)
def test_any_visible_ascii_key_is_accepted_as_is(key: str) -> None:
    assume(not key.startswith('"'))  # a quoted key is an sf-string: tested above
    assert parse_key([key]) == key


@given(st.text(min_size=1, max_size=300))
def test_parsing_never_fails_otherwise_than_with_the_problem(raw: str) -> None:
    try:
        key = parse_key([raw])
    except ValueError:
        return
    assert key is not None
    assert 1 <= len(key) <= 255
    assert all(0x21 <= ord(c) <= 0x7E for c in key)


BODY = {"name": "Société Générale", "siren": "552120222", "tags": ["b", "a"]}


def test_fingerprint_is_a_sha256_hex_digest() -> None:
    digest = request_fingerprint(KEY, "/v1/companies", [], BODY)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert request_fingerprint(KEY, "/v1/companies", [], dict(BODY)) == digest


def test_fingerprint_ignores_key_order_and_query_order() -> None:
    reordered = {"tags": ["b", "a"], "siren": "552120222", "name": "Société Générale"}
    assert request_fingerprint(KEY, "/p", [("a", "1"), ("b", "2")], BODY) == request_fingerprint(
        KEY, "/p", [("b", "2"), ("a", "1")], reordered
    )


DIFFERENT = [
    pytest.param("/p", [], {**BODY, "name": "Societe Generale"}, id="accents-matter"),
    pytest.param("/p", [], {**BODY, "tags": ["a", "b"]}, id="list-order-matters"),
    pytest.param("/p", [], {**BODY, "siren": 552120222}, id="type-matters"),
    pytest.param("/q", [], BODY, id="path"),
    pytest.param("/p", [("dry_run", "1")], BODY, id="query"),
    pytest.param("/p", [], None, id="no-body"),
    pytest.param("/p", [], {}, id="empty-body"),
    pytest.param(
        "/p",
        [],
        {**BODY, "name": "Socie\u0301te\u0301 Ge\u0301ne\u0301rale"},
        id="decomposed-accents",
    ),
]


@pytest.mark.parametrize(("path", "query", "body"), DIFFERENT)
def test_a_different_request_has_a_different_fingerprint(
    path: str, query: list[tuple[str, str]], body: object
) -> None:
    assert request_fingerprint(KEY, path, query, body) != request_fingerprint(KEY, "/p", [], BODY)


def test_fingerprint_of_a_huge_body_is_still_64_chars() -> None:
    digest = request_fingerprint(KEY, "/p", [], {"notes": "x" * 1_000_000})
    assert len(digest) == 64


def test_fingerprint_is_keyed() -> None:
    other_key = fingerprint_key("another secret, as after a rotation of the root one")
    assert request_fingerprint(other_key, "/p", [], BODY) != request_fingerprint(
        KEY, "/p", [], BODY
    )


def test_lone_surrogate_in_a_body_does_not_break_the_fingerprint() -> None:
    assert len(request_fingerprint(KEY, "/p", [], {"name": "\ud800"})) == 64


class Account(BaseModel):
    name: str
    secret: SecretStr
    scopes: frozenset[str] = frozenset()
    blob: SecretBytes | None = None


class Nested(BaseModel):
    owner: Account
    tags: set[str]
    when: datetime
    ref: uuid.UUID
    amount: Decimal


def test_canonical_body_counts_secrets_with_their_value() -> None:
    one = canonical_body(Account(name="svc", secret=SecretStr("s3cret-one")))
    two = canonical_body(Account(name="svc", secret=SecretStr("s3cret-two")))
    assert one != two
    assert request_fingerprint(KEY, "/p", [], one) != request_fingerprint(KEY, "/p", [], two)
    assert "s3cret-one" not in request_fingerprint(KEY, "/p", [], one)


def test_canonical_body_sorts_sets_and_plain_values() -> None:
    when = datetime(2026, 11, 26, 8, 30, tzinfo=UTC)
    ref = uuid.UUID("5d8f6c1e-0b1a-4a57-9a55-3f8f2a9d7c10")
    body = Nested(
        owner=Account(
            name="Équipe",
            secret=SecretStr("x"),
            scopes=frozenset({"b", "a", "c"}),
            blob=b"\x00\xff",
        ),
        tags={"zèbre", "abeille", "Éléphant"},
        when=when,
        ref=ref,
        amount=Decimal("10.50"),
    )
    assert canonical_body(body) == {
        "owner": {"name": "Équipe", "secret": "x", "scopes": ["a", "b", "c"], "blob": "00ff"},
        "tags": ["abeille", "zèbre", "Éléphant"],
        "when": "2026-11-26T08:30:00Z",
        "ref": str(ref),
        "amount": "10.50",
    }


@given(st.frozensets(st.text(max_size=5), max_size=8))
def test_a_set_becomes_a_list_of_the_same_items(items: frozenset[str]) -> None:
    scopes = canonical_body(Account(name="n", secret=SecretStr("s"), scopes=items))["scopes"]
    assert sorted(scopes) == sorted(items)


_SET_PROGRAM = """
from pydantic import BaseModel
from app.core.idempotency_keys import canonical_body
class Body(BaseModel):
    tags: frozenset[str]
print(canonical_body(Body(tags=frozenset(f"tag-{i}" for i in range(50)))))
"""


def test_a_set_has_the_same_form_in_every_process() -> None:
    """Replicas run with different hash seeds: a retry must fingerprint alike on any of them."""
    outputs = {
        subprocess.run(  # noqa: S603 (this interpreter, a constant program)
            [sys.executable, "-c", _SET_PROGRAM],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=Path(__file__).resolve().parents[2],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1 and "tag-0" in outputs.pop()


def test_no_body_is_none() -> None:
    assert canonical_body(None) is None
