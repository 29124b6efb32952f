"""The shipped word tables (`data/*.txt`), parsed once on first use and then shared read-only."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType


def _lines(name: str) -> list[str]:
    text = resources.files("app.dedup.engine.data").joinpath(name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def _word_set(name: str) -> frozenset[str]:
    return frozenset(_lines(name))


def _pairs(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in _lines(name):
        left, _, right = line.partition(":")
        rows.append((left.strip(), right.strip()))
    return rows


@cache
def noise_words() -> frozenset[str]:
    return _word_set("noise_words.txt")


@cache
def trade_words() -> frozenset[str]:
    return _word_set("trade_words.txt")


@cache
def generic_singulars() -> Mapping[str, str]:
    """Plural → singular of the trade and noise words ("laboratoires" → "laboratoire",
    "bureaux" → "bureau"), and feminine → masculine ("immobilière", "médicales"), so one
    firm written both ways keeps one name key and one trade."""
    words = trade_words() | noise_words()
    plural: dict[str, str] = {}
    for word in sorted(words):
        if word[-1] in "sx" and word[:-1] in words:
            plural[word] = word[:-1]
            continue
        if word[-1] not in "sx":
            plural.setdefault(word + "s", word)
        if word.endswith("au"):
            plural.setdefault(word + "x", word)
        if word.endswith("al"):
            plural.setdefault(word[:-2] + "aux", word)
        if word.endswith(("ier", "al")):  # "immobilière" → "immobilier", "médicale"
            feminine = word[:-2] + "ere" if word.endswith("ier") else word + "e"
            plural.setdefault(feminine, word)
            plural.setdefault(feminine + "s", word)
    return MappingProxyType(plural)


@cache
def suffix_words() -> frozenset[str]:
    return _word_set("suffix_words.txt")


@cache
def stop_words() -> frozenset[str]:
    return _word_set("stop_words.txt")


@cache
def shared_hosts() -> frozenset[str]:
    return _word_set("shared_hosts.txt")


@cache
def street_words() -> Mapping[str, str]:
    return MappingProxyType(dict(_pairs("street_words.txt")))


@cache
def nicknames() -> Mapping[str, frozenset[str]]:
    """Compact first name or short form → compact canonical names it may stand for.

    Canonical names map to themselves, so "bob" and "robert" share "robert".
    """
    table: dict[str, set[str]] = {}
    for canonical, variants in _pairs("nicknames.txt"):
        full = canonical.replace(" ", "")
        table.setdefault(full, set()).add(full)
        for variant in variants.split(","):
            table.setdefault(variant.strip().replace(" ", ""), set()).add(full)
    return MappingProxyType({k: frozenset(v) for k, v in table.items()})
