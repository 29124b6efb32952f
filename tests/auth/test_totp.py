import pyotp
import pytest

from app.auth import totp

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = 1_800_000_000.0
STEP = int(NOW // 30)


@pytest.mark.parametrize(
    ("offset_steps", "accepted"),
    [
        pytest.param(0, True, id="current"),
        pytest.param(-1, True, id="previous-step"),
        pytest.param(1, True, id="next-step"),
        pytest.param(-2, False, id="two-steps-old"),
        pytest.param(2, False, id="two-steps-ahead"),
    ],
)
def test_window_is_plus_minus_one_step(offset_steps: int, accepted: bool) -> None:
    code = pyotp.TOTP(SECRET).at(NOW + offset_steps * 30)
    step = totp.matching_step(SECRET, code, now=NOW)
    assert (step == STEP + offset_steps) if accepted else step is None


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5", "١٢٣٤٥٦"])
def test_malformed_codes(code: str) -> None:
    assert totp.matching_step(SECRET, code, now=NOW) is None


def test_spaces_inside_code_are_tolerated() -> None:
    code = pyotp.TOTP(SECRET).at(NOW)
    assert totp.matching_step(SECRET, f"{code[:3]} {code[3:]}", now=NOW) == STEP


def test_recovery_codes() -> None:
    codes = totp.new_recovery_codes()
    assert len(codes) == 10 == len(set(codes))
    assert all(totp.looks_like_recovery_code(c) for c in codes)
    assert totp.normalise_recovery_code(codes[0].upper()) == codes[0].replace("-", "")
    assert not totp.looks_like_recovery_code("123456")


def test_provisioning_uri_and_qr() -> None:
    uri = totp.provisioning_uri(SECRET, "claire@example.fr", "crm-dq")
    assert uri.startswith(
        "otpauth://totp/crm-dq:claire%40example.fr?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    )
    assert totp.qr_svg_data_uri(uri).startswith("data:image/svg+xml;base64,")
