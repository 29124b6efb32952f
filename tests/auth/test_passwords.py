import pytest

from app.auth.passwords import hash_password, policy_violations, verify_password


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        pytest.param("correct horse battery staple", [], id="passphrase"),
        pytest.param("Zx9!kq2#Lm4$", [], id="twelve-random"),
        pytest.param("ççççç éèà ùûü", [], id="accents-are-fine"),
        pytest.param("short", ["password.too_short"], id="short"),
        pytest.param("", ["password.too_short"], id="empty"),
        pytest.param("Password1234", ["password.too_common"], id="common-with-digits"),
        pytest.param("qwertyuiop123", ["password.too_common"], id="keyboard-walk"),
        pytest.param("azertyuiop!!!", ["password.too_common"], id="french-keyboard"),
        pytest.param("motdepasse2026", ["password.too_common"], id="french-common"),
        pytest.param("aaaaaaaaaaaaaaa", ["password.too_common"], id="one-character"),
        pytest.param("x" * 300, ["password.too_long", "password.too_common"], id="too-long"),
    ],
)
def test_policy(password: str, codes: list[str]) -> None:
    assert policy_violations(password) == codes


def test_no_composition_rules() -> None:
    assert policy_violations("all lower case words here") == []


def test_context_words_are_refused() -> None:
    assert policy_violations("claire.martin rocks!", context=("claire.martin",)) == [
        "password.contains_context"
    ]


def test_hash_verifies_and_is_argon2id() -> None:
    stored = hash_password("correct horse battery staple")
    assert stored.startswith("$argon2id$")
    assert verify_password("correct horse battery staple", stored) == (True, None)
    assert verify_password("correct horse battery stapl", stored)[0] is False


def test_unicode_forms_verify_alike() -> None:
    stored = hash_password("Cafe\u0301 au lait chaud")  # decomposed é
    assert verify_password("Café au lait chaud", stored)[0] is True


def test_missing_hash_never_verifies() -> None:
    assert verify_password("anything at all", None) == (False, None)
