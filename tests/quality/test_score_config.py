"""Score configuration: defaults, overrides, refusals at start-up; flags and messages."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from app.core.settings import Settings
from app.quality import flags
from app.quality.score import ScoreInput, score_record
from app.quality.score_config import DEFAULT_CONFIG, build_config
from app.quality.score_messages import REASON_MESSAGES, reason_message
from app.validation.findings import error, warning

REFUSED = [
    pytest.param({"completeness": {"contact": {"emial": 1}}}, "emial", id="unknown-field"),
    pytest.param({"completeness": {"person": {"email": 1}}}, "person", id="unknown-entity"),
    pytest.param({"completeness": {"contact": {"email": -1}}}, "between", id="negative"),
    pytest.param({"completeness": {"contact": {"email": math.nan}}}, "between", id="nan"),
    pytest.param({"completeness": {"contact": {"email": math.inf}}}, "between", id="infinite"),
    pytest.param({"completeness": {"contact": {"email": True}}}, "not a number", id="bool"),
    pytest.param({"completeness": {"contact": {"email": "3"}}}, "not a number", id="string"),
    pytest.param({"completeness": {"company": {"name": 1e9}}}, "between", id="huge"),
    pytest.param(
        {"completeness": {"company": dict.fromkeys(DEFAULT_CONFIG.completeness["company"], 0)}},
        "weighs no field",
        id="all-zero",
    ),
    pytest.param({"dimension_weights": {"freshness": 1}}, "freshness", id="unknown-dimension"),
    pytest.param(
        {"dimension_weights": dict.fromkeys(DEFAULT_CONFIG.dimension_weights, 0)},
        "at least one",
        id="all-dimensions-zero",
    ),
    pytest.param({"decay_per_year": 1.0}, "DECAY", id="decay-100-percent"),
    pytest.param({"decay_per_year": -0.1}, "DECAY", id="negative-decay"),
    pytest.param({"decay_per_year": math.nan}, "DECAY", id="nan-decay"),
]


@pytest.mark.parametrize(("parts", "said"), REFUSED)
def test_bad_configuration_is_refused(parts: dict[str, Any], said: str) -> None:
    with pytest.raises(ValueError, match=said):
        build_config(**parts)


def test_overrides_apply_over_defaults_and_zero_removes_a_field() -> None:
    config = build_config(
        completeness={"contact": {"job_title": 0, "additional_emails": 2}},
        dimension_weights={"timeliness": 0.5},
        decay_per_year=0.3,
    )
    weights = config.completeness["contact"]
    assert "job_title" not in weights and weights["additional_emails"] == 2
    assert weights["email"] == DEFAULT_CONFIG.completeness["contact"]["email"]
    assert config.dimension_weights["timeliness"] == 0.5
    assert config.yearly_keep == pytest.approx(0.7)


def test_a_removed_field_no_longer_costs_points() -> None:
    config = build_config(completeness={"contact": {"job_title": 0}})
    now = datetime(2026, 1, 1, tzinfo=UTC)
    data = ScoreInput("contact", {"last_name": "Durand"}, updated_at=now)
    fields = {r.field for r in score_record(data, now, config).reasons}
    assert "job_title" not in fields and "email" in fields


def test_default_decay_keeps_about_60_percent_after_a_year() -> None:
    assert 0.3 <= DEFAULT_CONFIG.decay_per_year <= 0.7
    now = datetime(2026, 1, 1, tzinfo=UTC)
    year_old = ScoreInput("company", {}, updated_at=now - timedelta(days=365.25))
    assert score_record(year_old, now).dimensions["timeliness"] == 60


SETTINGS_REFUSED = [
    pytest.param({"quality_completeness_weights": {"contact": {"emial": 1}}}, id="typo-field"),
    pytest.param({"quality_dimension_weights": {"freshness": 1}}, id="unknown-dimension"),
    pytest.param({"quality_decay_per_year": 1.5}, id="decay-above-one"),
    pytest.param({"quality_rescore_every_h": -1}, id="negative-hours"),
]


@pytest.mark.parametrize("overrides", SETTINGS_REFUSED)
def test_settings_refuse_bad_quality_weights_at_start_up(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Settings(**overrides)


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRMDQ_QUALITY_COMPLETENESS_WEIGHTS", '{"company": {"sector": 0}}')
    monkeypatch.setenv("CRMDQ_QUALITY_DECAY_PER_YEAR", "0.5")
    monkeypatch.setenv("CRMDQ_QUALITY_RESCORE_EVERY_H", "6")
    settings = Settings()
    assert settings.quality_completeness_weights == {"company": {"sector": 0}}
    assert settings.quality_decay_per_year == 0.5
    assert settings.quality_rescore_every_h == 6


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        pytest.param(0, (), id="now"),
        pytest.param(364.99, (), id="just-under-a-year"),
        pytest.param(365, ("stale:12m",), id="a-year"),
        pytest.param(730, ("stale:12m", "stale:24m"), id="two-years"),
        pytest.param(40 * 30.5, ("stale:12m", "stale:24m", "stale:36m"), id="forty-months"),
        pytest.param(-10, (), id="future"),
    ],
)
def test_stale_flags_are_cumulative(days: float, expected: tuple[str, ...]) -> None:
    assert flags.stale_flags(days) == expected


@pytest.mark.parametrize(
    ("flag", "known"),
    [
        pytest.param("email:invalid", True, id="invalid"),
        pytest.param("additional_phones:suspicious", True, id="suspicious-underscored"),
        pytest.param("stale:24m", True, id="stale"),
        pytest.param("duplicate:open", True, id="duplicate"),
        pytest.param("email:bogus", False, id="unknown-kind"),
        pytest.param("stale:6m", False, id="unknown-stale"),
        pytest.param("", False, id="empty"),
        pytest.param("é-mail:invalid", False, id="accented-field"),
    ],
)
def test_flag_vocabulary(flag: str, known: bool) -> None:
    assert flags.is_known(flag) is known


def test_every_reason_the_scorer_writes_has_fr_and_en_messages() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    data = ScoreInput(
        "company",
        {"siren": "732829320", "siret": "55210055400013", "vat_number": "FR83404833048",
         "phone": "01 23 45 67 89", "country": "DE"},
        findings=[error("email", "email.invalid"), warning("postcode", "postcode.city_mismatch")],
        open_pairs=1,
        updated_at=now - timedelta(days=900),
    )  # fmt: skip
    reasons = score_record(data, now).reasons
    assert len({r.code for r in reasons}) >= 8
    for reason in reasons:
        fr = reason_message(reason.code, reason.field, "fr")
        en = reason_message(reason.code, reason.field, "en")
        assert fr != en and reason.code not in (fr, en), reason


def test_own_codes_are_all_translated() -> None:
    for code, messages in REASON_MESSAGES.items():
        assert set(messages) == {"fr", "en"} and messages["fr"] != messages["en"], code


def test_unknown_code_falls_back_to_the_code() -> None:
    assert reason_message("from.a.newer.release", None, "fr") == "from.a.newer.release"
    assert reason_message("field.missing", "weird_field", "en").startswith("weird_field: ")
