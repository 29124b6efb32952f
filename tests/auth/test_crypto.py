import pytest

from app.core.crypto import DecryptionFailed, Sealed, seal, unseal
from app.core.keyring import Keyring, encryption_keyring, jwt_keyring
from app.core.settings import Settings

K1, K2 = b"1" * 32, b"2" * 32


def test_seal_round_trip_with_context() -> None:
    ring = Keyring("k1", {"k1": K1})
    sealed = seal(ring, b"JBSWY3DPEHPK3PXP", context=b"user-1")
    assert sealed.kid == "k1" and b"JBSWY3DPEHPK3PXP" not in sealed.blob.encode()
    assert unseal(ring, sealed, context=b"user-1") == b"JBSWY3DPEHPK3PXP"


@pytest.mark.parametrize(
    ("ring", "context"),
    [
        pytest.param(Keyring("k1", {"k1": K1}), b"user-2", id="other-row"),
        pytest.param(Keyring("k1", {"k1": K2}), b"user-1", id="wrong-key"),
        pytest.param(Keyring("k2", {"k2": K1}), b"user-1", id="unknown-kid"),
    ],
)
def test_unseal_refuses(ring: Keyring, context: bytes) -> None:
    sealed = seal(Keyring("k1", {"k1": K1}), b"secret", context=b"user-1")
    with pytest.raises(DecryptionFailed):
        unseal(ring, sealed, context=context)


def test_rotation_reads_old_writes_new() -> None:
    old = seal(Keyring("k1", {"k1": K1}), b"seed", context=b"u")
    ring = Keyring("k2", {"k1": K1, "k2": K2})
    assert unseal(ring, old, context=b"u") == b"seed"
    assert seal(ring, b"seed", context=b"u").kid == "k2"


def test_tampered_blob_is_refused() -> None:
    ring = Keyring("k1", {"k1": K1})
    sealed = seal(ring, b"seed", context=b"u")
    flipped = sealed.blob[:-4] + ("AAAA" if sealed.blob[-4:] != "AAAA" else "BBBB")
    with pytest.raises(DecryptionFailed):
        unseal(ring, Sealed("k1", flipped), context=b"u")


def test_keyrings_from_settings() -> None:
    derived = Settings(secret_key="x" * 40)
    assert jwt_keyring(derived).active_kid == "k0"
    assert jwt_keyring(derived).active != encryption_keyring(derived).active
    configured = Settings(
        jwt_keys={"2026-01": "a" * 32, "2026-06": "b" * 32},
        encryption_keys={"e1": "MTExMTExMTExMTExMTExMTExMTExMTExMTExMTExMTE="},
    )
    assert jwt_keyring(configured).active_kid == "2026-06"
    assert encryption_keyring(configured).active == K1


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"jwt_keys": {"a": "short"}}, id="short-jwt-key"),
        pytest.param({"jwt_keys": {"a": "x" * 32}, "jwt_active_kid": "b"}, id="missing-active"),
        pytest.param({"encryption_keys": {"e": "not base64!"}}, id="not-base64"),
        pytest.param({"encryption_keys": {"e": "c2hvcnQ="}}, id="not-32-bytes"),
    ],
)
def test_bad_key_configuration_is_refused(overrides: dict) -> None:
    settings = Settings(**overrides)
    build = jwt_keyring if "jwt_keys" in overrides else encryption_keyring
    with pytest.raises(ValueError, match=r"(?i)key"):
        build(settings)
