"""The quality flags stored on each record (`quality_flags`): a small, stable vocabulary.

The dataset report counts records by flag, so these strings are a contract; add new ones,
never rename. Every flag describes the values stored when the record was scored:

- `{field}:invalid`: a validator gives an ERROR finding on the field (legacy or imported
  values can be invalid although the API refuses them);
- `{field}:suspicious`: a validator gives a WARNING finding on the field
  (`email:suspicious` for a typo…);
- `phone:not_e164`: a stored phone (main or additional) is not in E.164 form;
- `civility:missing`: a contact has no civility;
- `duplicate:open`: the record has at least one open duplicate pair;
- `stale:12m`, `stale:24m`, `stale:36m`: 12, 24, 36 months (365, 730, 1,095 days) or more
  since the last interaction, or since the last update (creation) when there never was
  one; cumulative (a 40-month-stale record has all three).

Findings that say a value is absent (`civility.missing`, `field.required`) are not
`:suspicious`/`:invalid`: absence is what `civility:missing` and completeness describe.
"""

from __future__ import annotations

from typing import Final

INVALID: Final = "invalid"
SUSPICIOUS: Final = "suspicious"
PHONE_NOT_E164: Final = "phone:not_e164"
CIVILITY_MISSING: Final = "civility:missing"
DUPLICATE_OPEN: Final = "duplicate:open"
# (months, flag), in the order a record reaches them; a record has every flag it reached.
STALE: Final = ((12, "stale:12m"), (24, "stale:24m"), (36, "stale:36m"))
DAYS_PER_MONTH_STEP: Final = {12: 365, 24: 730, 36: 1_095}

FIXED_FLAGS: Final = frozenset(
    {PHONE_NOT_E164, CIVILITY_MISSING, DUPLICATE_OPEN, *(flag for _, flag in STALE)}
)


def invalid(field: str) -> str:
    return f"{field}:{INVALID}"


def suspicious(field: str) -> str:
    return f"{field}:{SUSPICIOUS}"


def stale_flags(age_days: float) -> tuple[str, ...]:
    """The stale flags of a record whose reference time is `age_days` old."""
    return tuple(flag for months, flag in STALE if age_days >= DAYS_PER_MONTH_STEP[months])


def is_known(flag: str) -> bool:
    """Whether a string is a flag this vocabulary can produce (for the list filter)."""
    if flag in FIXED_FLAGS:
        return True
    field, sep, kind = flag.partition(":")
    return bool(sep) and kind in (INVALID, SUSPICIOUS) and field.replace("_", "").isalnum()
