"""French phone numbers: validity and the national form of a number typed any way."""

from __future__ import annotations

import phonenumbers


def valid_fr(p: str) -> bool:
    return phonenumbers.is_valid_number_for_region(phonenumbers.parse(p, "FR"), "FR")


def national(p: str) -> str:
    """The 10-digit national number, or "" when `p` is not a French number."""
    d = "".join(c for c in p if c.isdigit())
    if d.startswith("0033"):
        d = d[4:]
    elif d.startswith("33"):
        d = d[2:]
    if d.startswith("0"):
        d = d[1:]
    return "0" + d if len(d) == 9 else ""
