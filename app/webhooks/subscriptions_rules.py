"""What a subscription may say: its URL and its event types (pure).

A URL is refused rather than repaired: the CRM's administrator must see exactly where
events will go. Credentials in the URL are refused because the URL is stored and listed in
clear; the `whsec_…` secret is how a receiver authenticates us.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

import idna

from app.webhooks.outbound_messages import ALL_EVENTS
from app.webhooks.outbox import EVENT_TYPES

MAX_URL_LENGTH = 2048
SUBSCRIBABLE = frozenset(EVENT_TYPES | {ALL_EVENTS})


class InvalidUrl(ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_url(raw: str) -> str:
    """The URL as given, if it is an absolute http(s) URL a delivery can be POSTed to."""
    if not raw or len(raw) > MAX_URL_LENGTH:
        raise InvalidUrl("the URL must have 1 to 2048 characters")
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in raw):
        raise InvalidUrl("the URL must not contain spaces or control characters")
    try:
        parts = urlsplit(raw)
        port = parts.port  # raises on a port that is not a number in range
    except ValueError as exc:
        raise InvalidUrl("the URL cannot be parsed") from exc
    if parts.scheme not in {"http", "https"}:
        raise InvalidUrl("only http and https URLs are accepted")
    if not parts.hostname:
        raise InvalidUrl("the URL needs a host")
    if parts.username is not None or parts.password is not None:
        raise InvalidUrl("credentials in the URL are refused: the secret authenticates us")
    if parts.fragment or raw.endswith("#"):
        raise InvalidUrl("a fragment is never sent to the server: remove it")
    if port == 0:
        raise InvalidUrl("port 0 is not a port a server listens on")
    _check_host(parts.hostname)
    return raw


def _check_host(host: str) -> None:
    if ":" in host:  # an IPv6 literal: urlsplit has checked its brackets
        return
    if host.isascii():
        # Lenient on purpose: internal names such as "crm_hooks" (Docker services) work.
        if not _ASCII_HOST.fullmatch(host) or ".." in host:
            raise InvalidUrl("the host name has characters a host name cannot have")
        if "xn--" not in host:
            return
        # Punycode is Unicode in disguise: "xn--exmple-4nf.com" hides a Cyrillic "а".
        try:
            host = idna.decode(host)
        except (idna.IDNAError, UnicodeError) as exc:
            raise InvalidUrl("the host name is not a valid (internationalised) domain") from exc
    try:
        idna.encode(host, uts46=True)
    except (idna.IDNAError, UnicodeError) as exc:
        raise InvalidUrl("the host name is not a valid (internationalised) domain") from exc
    for label in host.split("."):
        if len(_LOOKALIKE_SCRIPTS & _scripts(label)) > 1:
            # "exаmple.com" with a Cyrillic "а": IDNA accepts it, a person cannot see it.
            raise InvalidUrl("a host label mixes Latin, Cyrillic or Greek letters")


_ASCII_HOST = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,252}")
_LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})


def _scripts(label: str) -> set[str]:
    return {unicodedata.name(ch, "?").split(" ")[0] for ch in label if ch.isalpha()}


def check_events(events: Iterable[str]) -> list[str]:
    """Known event types (or "*"), without repeats, sorted; at least one."""
    chosen = list(events)
    unknown = sorted({e for e in chosen if e not in SUBSCRIBABLE})
    if unknown:
        raise ValueError(f"unknown event types; choose from {sorted(SUBSCRIBABLE)}")
    if not chosen:
        raise ValueError("subscribe to at least one event type (or '*')")
    return sorted(set(chosen))
