"""Text folding shared by every normaliser: one canonical ASCII form per spelling.

"I.B.M", "I B M", "ＩＢＭ" and "ibm" all fold to "ibm"; accents, case, punctuation, look-alike
letters and odd spaces disappear. Inputs are truncated first so a pathological value costs
a bounded amount of work.
"""

from __future__ import annotations

import re

from anyascii import anyascii

MAX_INPUT = 300  # characters kept from any raw value; no real name or address is longer

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_DIGIT = re.compile(r"[^0-9]+")  # ASCII digits only: "٣" or "³" is not a digit of a number


def fold(text: object) -> str:
    """Lower-case ASCII letters and digits separated by single spaces ("" for non-text)."""
    if not isinstance(text, str):
        return ""
    return _NON_ALNUM.sub(" ", anyascii(text[:MAX_INPUT]).lower()).strip()


def tokens(text: object) -> tuple[str, ...]:
    """Folded words, with runs of single letters joined: "I B M Services" → ("ibm", "services")."""
    words = fold(text).split()
    out: list[str] = []
    run: list[str] = []
    for word in words:
        if len(word) == 1 and word.isalpha():
            run.append(word)
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(word)
    if run:
        out.append("".join(run))
    return tuple(out)


def digits(text: object) -> str:
    if not isinstance(text, str):
        return ""
    return _NOT_DIGIT.sub("", text[:MAX_INPUT])
