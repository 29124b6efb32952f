import pytest

from app.core.pagination import InvalidCursor, decode_cursor, encode_cursor


def test_round_trip() -> None:
    cursor = encode_cursor("2026-11-25T10:00:00+00:00", "0b7c…")
    assert decode_cursor(cursor, 2) == ["2026-11-25T10:00:00+00:00", "0b7c…"]


@pytest.mark.parametrize(
    ("cursor", "arity"),
    [
        pytest.param("not base64 !!", 2, id="garbage"),
        pytest.param(encode_cursor("a"), 2, id="wrong-arity"),
        pytest.param("e30", 1, id="json-object"),
        pytest.param("WzFd", 1, id="non-string-values"),
        pytest.param("", 1, id="empty"),
        pytest.param("%%%", 1, id="percent"),
    ],
)
def test_tampered_cursor_is_rejected(cursor: str, arity: int) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, arity)
