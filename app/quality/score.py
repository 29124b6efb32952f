"""The quality score of one record (pure: no I/O, no clock, no settings).

Five dimensions, each 0–100, and the reasons that cost each one points:

- completeness: 100 × (weight of the key fields filled) / (weight of all key fields);
- validity: 100 minus `error_points` per validator ERROR finding and `warning_points` per
  WARNING finding (one per field and code), minus `not_e164_points` for a phone not stored
  in E.164 form;
- uniqueness: 100 × 0.5^n for n open duplicate pairs (one pair: 50, two: 25…);
- timeliness: the mean of two exponential decays, one since the last update (or creation)
  and one since the last interaction (or, without one, the last update):
  100 × ½ × (k^(d_update / 365.25) + k^(d_interaction / 365.25)), k = 1 − decay per year;
  with the default 40 % a record untouched for a year keeps 60, two years 36, three 22;
  a date in the future counts as now;
- consistency: 100 minus fixed points per contradiction between fields: phone numbering
  country vs the address country (a contact without one: its company's), SIRET not
  starting with the SIREN, a French VAT number not built on the SIREN, a contact's email
  domain not the employer's website domain (free-mail domains are not a contradiction),
  and the validators' postcode/city and legal-form cross-checks.

The score is the weighted mean of the rounded dimensions. A reason's `points` are what it
cost its dimension (on that dimension's 0–100 scale), rounded to one decimal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

import phonenumbers

from app.quality import flags
from app.quality.score_config import DEFAULT_CONFIG, DIMENSIONS, Entity, QualityConfig
from app.validation.email import is_free_mail_domain
from app.validation.findings import Finding, Severity
from app.validation.phone import same_numbering_country

_E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_DAYS_PER_YEAR = 365.25
# Findings saying a value is absent: completeness (and civility:missing) tell that story.
ABSENCE_CODES = frozenset({"civility.missing", "field.required", "field.one_of_required"})
# Contradictions the scorer checks itself, from the stored values (and the employer).
OWN_CONSISTENCY_CODES = frozenset(
    {"phone.country_mismatch", "siret.siren_mismatch", "vat.siren_mismatch"}
)
# Second-level labels under which the organisation's name is one label further left.
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gouv", "ac", "gov", "edu", "asso"})


@dataclass(frozen=True, slots=True)
class Employer:
    """What a contact's company tells about the contact: its website domain and country."""

    domain: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class ScoreInput:
    entity: Entity
    values: Mapping[str, object]
    findings: Sequence[Finding] = ()
    open_pairs: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_interaction_at: datetime | None = None
    employer: Employer | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    dimension: str
    code: str
    points: float
    field: str | None = None

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {"dimension": self.dimension, "code": self.code}
        if self.field is not None:
            out["field"] = self.field
        out["points"] = self.points
        return out


@dataclass(frozen=True, slots=True)
class QualityScore:
    score: int
    dimensions: Mapping[str, int]
    reasons: tuple[Reason, ...]
    flags: tuple[str, ...]


def score_record(
    data: ScoreInput, now: datetime, config: QualityConfig = DEFAULT_CONFIG
) -> QualityScore:
    """Score one record as stored; deterministic for the same input, `now` and config."""
    values = data.values if isinstance(data.values, Mapping) else {}
    found: set[str] = set()
    losses: dict[str, list[tuple[str, str | None, float]]] = {d: [] for d in DIMENSIONS}
    _completeness(data.entity, values, config, losses)
    _findings(data.findings, config, losses, found)
    _phones(data.entity, values, config, losses, found)
    _uniqueness(data.open_pairs, losses, found)
    _timeliness(data, _aware(now) or now, config, losses, found)
    _consistency(data, values, config, losses)
    if data.entity == "contact" and not _filled(values.get("civility")):
        found.add(flags.CIVILITY_MISSING)

    dimensions = {d: _clamp(100.0 - sum(p for *_, p in losses[d])) for d in DIMENSIONS}
    reasons = [
        Reason(dimension, code, round(points, 1), field)
        for dimension in DIMENSIONS
        for code, field, points in sorted(losses[dimension], key=lambda x: (-x[2], x[0]))
        if points >= 0.05
    ]
    return QualityScore(
        _overall(dimensions, config), dimensions, tuple(reasons), tuple(sorted(found))
    )


Losses = dict[str, list[tuple[str, str | None, float]]]


def _completeness(entity: Entity, values: Mapping[str, object], config: QualityConfig,
                  losses: Losses) -> None:  # fmt: skip
    weights = config.completeness.get(entity, {})
    total = sum(weights.values())
    for name, weight in weights.items():
        if not _filled(values.get(name)):
            losses["completeness"].append(("field.missing", name, 100.0 * weight / total))


def _findings(
    findings: Sequence[Finding], config: QualityConfig, losses: Losses, found: set[str]
) -> None:
    seen: set[tuple[str, str]] = set()
    for finding in findings:
        if not isinstance(finding, Finding) or finding.severity is Severity.INFO:
            continue
        if finding.code in ABSENCE_CODES or finding.field.startswith("_"):
            continue
        error = finding.severity is Severity.ERROR
        found.add(flags.invalid(finding.field) if error else flags.suspicious(finding.field))
        if (finding.field, finding.code) in seen or finding.code in OWN_CONSISTENCY_CODES:
            continue
        seen.add((finding.field, finding.code))
        if finding.code in config.consistency_points:
            points = config.consistency_points[finding.code]
            losses["consistency"].append((finding.code, finding.field, points))
        else:
            points = config.error_points if error else config.warning_points
            losses["validity"].append((finding.code, finding.field, points))


def _phones(entity: Entity, values: Mapping[str, object], config: QualityConfig,
            losses: Losses, found: set[str]) -> None:  # fmt: skip
    extra = values.get("additional_phones") if entity == "contact" else None
    for name, phones in (("phone", [values.get("phone")]), ("additional_phones", extra)):
        if not isinstance(phones, list | tuple):
            continue
        stored = [p for p in phones if _filled(p)]
        if any(not (isinstance(p, str) and _E164.fullmatch(p)) for p in stored):
            found.add(flags.PHONE_NOT_E164)
            losses["validity"].append(("phone.not_e164", name, config.not_e164_points))


def _uniqueness(open_pairs: object, losses: Losses, found: set[str]) -> None:
    pairs = open_pairs if isinstance(open_pairs, int) and not isinstance(open_pairs, bool) else 0
    if pairs > 0:
        found.add(flags.DUPLICATE_OPEN)
        losses["uniqueness"].append(("duplicate.open", None, 100.0 * (1.0 - 0.5 ** min(pairs, 64))))


def open_pairs_of(uniqueness: object) -> int | None:
    """The open-pair count a stored uniqueness dimension was computed from (None when there
    is none). Exact up to 7 pairs; from 8 on the dimension is 0 whatever the count, so 8
    scores the same. Lets a write reuse what the last pair change stored."""
    if isinstance(uniqueness, bool) or not isinstance(uniqueness, int):
        return None
    for pairs in range(8):
        if _clamp(100.0 * 0.5**pairs) <= uniqueness:
            return pairs
    return 8


def with_open_pairs(
    dimensions: object,
    reasons: object,
    found_flags: object,
    open_pairs: int,
    config: QualityConfig = DEFAULT_CONFIG,
) -> QualityScore | None:
    """A stored score with only its uniqueness recomputed for `open_pairs`: what a scan's
    new pairs change, without validating the record again. None when the stored columns
    are not a whole score (never scored, cleared, or not in this shape): score it in full.

    The other dimensions keep the values they had when the record was last scored in
    full (timeliness included: the daily rescore moves it)."""
    if not isinstance(dimensions, Mapping) or set(dimensions) != set(DIMENSIONS):
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in dimensions.values()):
        return None
    if not isinstance(reasons, list | tuple) or not isinstance(found_flags, list | tuple):
        return None
    kept: list[Reason] = []
    for item in reasons:
        if not isinstance(item, Mapping) or item.get("dimension") not in DIMENSIONS:
            return None
        points, field = item.get("points"), item.get("field")
        if not isinstance(points, int | float) or isinstance(points, bool):
            return None
        if item["dimension"] != "uniqueness":
            kept.append(Reason(item["dimension"], str(item.get("code")), points,
                               field if isinstance(field, str) else None))  # fmt: skip
    losses: Losses = {"uniqueness": []}
    found = {f for f in found_flags if isinstance(f, str) and f != flags.DUPLICATE_OPEN}
    _uniqueness(open_pairs, losses, found)
    new = {**dimensions, "uniqueness": _clamp(100.0 - sum(p for *_, p in losses["uniqueness"]))}
    new = {d: new[d] for d in DIMENSIONS}
    added = [Reason("uniqueness", code, round(points, 1), field)
             for code, field, points in losses["uniqueness"] if points >= 0.05]  # fmt: skip
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    ordered = sorted([*kept, *added], key=lambda r: order[r.dimension])  # stable within one
    return QualityScore(_overall(new, config), new, tuple(ordered), tuple(sorted(found)))


def _overall(dimensions: Mapping[str, int], config: QualityConfig) -> int:
    weights = config.dimension_weights
    total = sum(weights.get(d, 0.0) for d in DIMENSIONS)
    return _half_up(sum(weights.get(d, 0.0) * dimensions[d] for d in DIMENSIONS) / total)


def _timeliness(data: ScoreInput, now: datetime, config: QualityConfig, losses: Losses,
                found: set[str]) -> None:  # fmt: skip
    updated = _aware(data.updated_at) or _aware(data.created_at) or now
    interaction = _aware(data.last_interaction_at) or updated
    update_days = max((now - updated).total_seconds() / 86_400, 0.0)
    interaction_days = max((now - interaction).total_seconds() / 86_400, 0.0)
    keep = config.yearly_keep
    for code, days in (("stale.update", update_days), ("stale.interaction", interaction_days)):
        kept = keep ** (days / _DAYS_PER_YEAR) if keep > 0 else (1.0 if days == 0 else 0.0)
        losses["timeliness"].append((code, None, 50.0 * (1.0 - kept)))
    found.update(flags.stale_flags(interaction_days))


def _consistency(data: ScoreInput, values: Mapping[str, object], config: QualityConfig,
                 losses: Losses) -> None:  # fmt: skip
    points = config.consistency_points
    out = losses["consistency"]
    country = _text(values.get("country"))
    if data.entity == "contact" and country is None and data.employer is not None:
        country = _text(data.employer.country)
    region = _phone_region(values.get("phone"))
    if country and region and not same_numbering_country(region, country.upper()):
        out.append(("phone.country_mismatch", "phone", points["phone.country_mismatch"]))
    if data.entity == "company":
        siren, siret = _text(values.get("siren")), _text(values.get("siret"))
        if siren and siret and not siret.startswith(siren):
            out.append(("siret.siren_mismatch", "siret", points["siret.siren_mismatch"]))
        vat = _text(values.get("vat_number"))
        if siren and vat and vat.upper().startswith("FR") and vat[4:] != siren:
            out.append(("vat.siren_mismatch", "vat_number", points["vat.siren_mismatch"]))
    elif data.employer is not None and (employer_domain := _text(data.employer.domain)):
        email = _text(values.get("email"))
        domain = email.rpartition("@")[2].lower().rstrip(".") if email and "@" in email else None
        if domain and not is_free_mail_domain(domain) and not _same_site(domain, employer_domain):
            out.append(("email.domain_mismatch", "email", points["email.domain_mismatch"]))


def _same_site(email_domain: str, site_domain: str) -> bool:
    """dupont.fr ~ dupont.fr, mail.dupont.fr, dupont.com, dupont.co.uk; not dupond.fr."""
    a, b = email_domain.lower().rstrip("."), site_domain.lower().rstrip(".")
    if a == b or a.endswith("." + b) or b.endswith("." + a):
        return True
    name_a, name_b = _organisation_label(a), _organisation_label(b)
    return name_a is not None and name_a == name_b


def _organisation_label(domain: str) -> str | None:
    labels = [label for label in domain.removeprefix("www.").split(".") if label]
    if len(labels) < 2:
        return None
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
        return labels[-3]
    return labels[-2]


def _phone_region(phone: object) -> str | None:
    if not (isinstance(phone, str) and _E164.fullmatch(phone)):
        return None  # not E.164: validity already says so; guessing the region would mislead
    return _region_of(phone)


@lru_cache(maxsize=4096)  # parsing is most of a score's cost; switchboards recur in a rescore
def _region_of(phone: str) -> str | None:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(phone, None))
    except phonenumbers.NumberParseException:
        return None


def _filled(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_filled(v) for v in value)
    return True


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _aware(moment: object) -> datetime | None:
    """Times as stored are aware; a naive one is read as UTC rather than refused."""
    if not isinstance(moment, datetime):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _clamp(value: float) -> int:
    return min(100, max(0, _half_up(value)))


def _half_up(value: float) -> int:
    return math.floor(value + 0.5)
