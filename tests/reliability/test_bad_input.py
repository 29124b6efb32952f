"""Hostile bodies on every write endpoint: a clear 4xx problem each time, and nothing stored.

Table-driven over tests/fuzz/bad_input.py's WRITES; every test counts the rows of every
table before and after. The body-level attacks are here; field-level ones (NUL bytes,
injections, long strings, numbers) are in test_bad_input_fields.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.settings import Settings
from tests.fuzz.bad_input import WRITES, Snapshot, Write, assert_refused, changed

PROBLEM = "application/problem+json"
DEPTH = 10_000  # far past Python's recursion limit: the parser must not take the process down


@pytest.fixture
async def admin(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="admin")


@pytest.fixture
async def snapshot(session: AsyncSession) -> Snapshot:
    return await Snapshot.of(session)


def assert_problem(response: Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["code"]
    if code:
        assert body["code"] == code, body
    return body


async def send(
    client: AsyncClient, write: Write, headers: dict[str, str], content: bytes, **extra: str
) -> Response:
    return await client.request(
        write.method,
        write.path,
        content=content,
        headers=headers | {"Content-Type": "application/json"} | extra,
    )


def _nested_arrays(write: Write, settings: Settings) -> bytes:
    return b"[" * DEPTH + b"]" * DEPTH


def _nested_in_field(write: Write, settings: Settings) -> bytes:
    key = write.first_field
    inner = '{"a":' * DEPTH + "1" + "}" * DEPTH
    raw = json.dumps(write.with_fields(**{key: "PLACEHOLDER"}))
    return raw.replace('"PLACEHOLDER"', inner).encode()


def _moderately_nested(write: Write, settings: Settings) -> bytes:
    # Parses fine (under the recursion limit) and must still be refused by the schema.
    key = write.first_field
    raw = json.dumps(write.with_fields(**{key: "PLACEHOLDER"}))
    return raw.replace('"PLACEHOLDER"', "[" * 500 + "]" * 500).encode()


def _latin1(write: Write, settings: Settings) -> bytes:
    return json.dumps(write.full_body, ensure_ascii=False).encode() + b' "\xe9\xff"'


def _invalid_utf8_in_string(write: Write, settings: Settings) -> bytes:
    key = write.first_field
    raw = json.dumps(write.with_fields(**{key: "PLACEHOLDER"})).encode()
    return raw.replace(b"PLACEHOLDER", b"Mart\xc3\x28in\xff")


def _truncated(write: Write, settings: Settings) -> bytes:
    return json.dumps(write.full_body).encode()[:-3]


def _huge_integer(write: Write, settings: Settings) -> bytes:
    # Python refuses to parse integers of more than 4,300 digits (CVE-2020-10735).
    return b'{"n": ' + b"9" * 5000 + b"}"


BODY_ATTACKS: list[Any] = [
    pytest.param(_nested_arrays, id="10k-nested-arrays"),
    pytest.param(_nested_in_field, id="10k-nested-object-in-a-field"),
    pytest.param(_latin1, id="invalid-utf8-after-json"),
    pytest.param(_invalid_utf8_in_string, id="invalid-utf8-in-a-string"),
    pytest.param(_truncated, id="truncated-json"),
    pytest.param(_huge_integer, id="5000-digit-integer"),
    pytest.param(lambda w, s: b"", id="empty-body"),
    pytest.param(lambda w, s: b"null", id="json-null"),
    pytest.param(lambda w, s: b"[]", id="json-array"),
    pytest.param(lambda w, s: b'"contact"', id="json-string"),
    pytest.param(lambda w, s: b"1e400", id="json-infinite-number"),
    pytest.param(lambda w, s: b"NaN", id="json-nan"),
    pytest.param(lambda w, s: b"\x00\x00\x00", id="nul-bytes"),
]
ENDPOINTS = [pytest.param(w, id=w.name) for w in WRITES]


@pytest.mark.parametrize("write", ENDPOINTS)
@pytest.mark.parametrize("attack", BODY_ATTACKS)
async def test_malformed_body_is_a_422_problem_and_stores_nothing(
    client: AsyncClient,
    admin: dict[str, str],
    session: AsyncSession,
    snapshot: Snapshot,
    settings: Settings,
    write: Write,
    attack: Callable[[Write, Settings], bytes],
) -> None:
    before = await snapshot.counts(session)

    response = await send(client, write, admin, attack(write, settings))

    assert_problem(response, 422, "validation_failed")
    assert changed(before, await snapshot.counts(session)) == {}


@pytest.mark.parametrize("write", ENDPOINTS)
async def test_500_nested_arrays_in_a_field_are_refused_and_store_nothing(
    client: AsyncClient,
    admin: dict[str, str],
    session: AsyncSession,
    snapshot: Snapshot,
    settings: Settings,
    write: Write,
) -> None:
    # Parses (under the recursion limit), then meets the schema or the field's validator.
    before = await snapshot.counts(session)
    field = write.first_field

    response = await send(client, write, admin, _moderately_nested(write, settings))

    assert_refused(response, write, field)
    assert changed(before, await snapshot.counts(session)) == {}


@pytest.mark.parametrize("write", ENDPOINTS)
async def test_body_over_the_limit_is_a_413_problem_and_stores_nothing(
    client: AsyncClient,
    admin: dict[str, str],
    session: AsyncSession,
    snapshot: Snapshot,
    settings: Settings,
    write: Write,
) -> None:
    before = await snapshot.counts(session)
    key = write.first_field
    big = json.dumps(write.with_fields(**{key: "x" * settings.max_body_bytes})).encode()

    response = await send(client, write, admin, big)

    assert_problem(response, 413, "payload_too_large")
    assert changed(before, await snapshot.counts(session)) == {}


async def test_streamed_body_over_the_limit_without_content_length_is_a_413(
    client: AsyncClient, admin: dict[str, str], settings: Settings
) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        yield b'{"last_name": "'
        for _ in range(settings.max_body_bytes // 65_536 + 2):
            yield b"x" * 65_536
        yield b'"}'

    response = await client.post(
        "/v1/contacts", content=chunks(), headers=admin | {"Content-Type": "application/json"}
    )

    assert_problem(response, 413, "payload_too_large")


@pytest.mark.parametrize("write", [pytest.param(w, id=w.name) for w in WRITES if not w.open_schema])
@pytest.mark.parametrize(
    "unknown",
    [
        pytest.param({"is_admin": True}, id="privilege-field"),
        pytest.param({"id": "00000000-0000-0000-0000-000000000001"}, id="server-owned-id"),
        pytest.param({"version": 99, "status": "merged"}, id="server-owned-state"),
        pytest.param({"Last_Name": "Martin"}, id="case-variant-of-a-field"),
        pytest.param({"last_name\u200b": "Martin"}, id="zero-width-space-in-name"),
        pytest.param({"lаst_name": "Martin"}, id="cyrillic-a-look-alike"),
        pytest.param({"": 1}, id="empty-key"),
    ],
)
async def test_unknown_fields_are_refused_not_dropped(
    client: AsyncClient,
    admin: dict[str, str],
    session: AsyncSession,
    snapshot: Snapshot,
    write: Write,
    unknown: dict[str, Any],
) -> None:
    before = await snapshot.counts(session)
    body = write.full_body | unknown if write.wrap is None else write.wrap(write.body) | unknown

    response = await send(client, write, admin, json.dumps(body).encode())

    problem = assert_problem(response, 422, "validation_failed")
    assert {e["code"] for e in problem["errors"]} == {"schema.extra_forbidden"}
    assert changed(before, await snapshot.counts(session)) == {}


@pytest.mark.parametrize("plural", ["contacts", "companies"])
async def test_unknown_field_inside_a_batch_row_is_refused_and_not_stored(
    client: AsyncClient,
    admin: dict[str, str],
    session: AsyncSession,
    snapshot: Snapshot,
    plural: str,
) -> None:
    write = next(w for w in WRITES if w.name == f"{plural}-batch")
    before = await snapshot.counts(session)
    body = write.with_fields(shoe_size=43)

    response = await send(client, write, admin, json.dumps(body).encode())

    assert response.status_code in {200, 422}, response.text
    if response.status_code == 200:  # per-row mode: the row is refused, the call answered
        result = response.json()
        assert result["summary"]["created"] == 0, result
    assert changed(before, await snapshot.counts(session)) == {}


@pytest.mark.parametrize("write", ENDPOINTS)
@pytest.mark.parametrize(
    "content_type",
    [
        pytest.param("text/plain", id="text-plain"),
        pytest.param("application/x-www-form-urlencoded", id="form"),
        pytest.param("multipart/form-data; boundary=x", id="multipart"),
        pytest.param("application/xml", id="xml"),
        pytest.param(None, id="no-content-type"),
    ],
)
async def test_wrong_content_type_is_a_4xx_problem_and_stores_nothing(
    client: AsyncClient,
    admin: dict[str, str],
    session: AsyncSession,
    snapshot: Snapshot,
    write: Write,
    content_type: str | None,
) -> None:
    before = await snapshot.counts(session)
    headers = admin | ({"Content-Type": content_type} if content_type else {})
    request = client.build_request(
        write.method, write.path, content=json.dumps(write.full_body).encode(), headers=headers
    )
    if content_type is None:
        request.headers.pop("Content-Type", None)

    response = await client.send(request)

    assert response.status_code in {415, 422}, response.text
    assert_problem(response, response.status_code)
    assert changed(before, await snapshot.counts(session)) == {}


@pytest.mark.parametrize("write", ENDPOINTS)
async def test_the_valid_body_used_above_is_accepted(
    client: AsyncClient, admin: dict[str, str], write: Write
) -> None:
    # Guards the tables above: each refusal is about the attack, not a body that was bad anyway.
    response = await send(client, write, admin, json.dumps(write.full_body).encode())
    assert response.status_code in write.expected, response.text
