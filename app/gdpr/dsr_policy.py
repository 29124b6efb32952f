"""The request register's rules: legal deadlines and which status may follow which (pure).

GDPR art. 12(3): the controller answers "within one month of receipt", extendable "by two
further months where necessary", and must tell the person about the extension within the
first month. A month is a calendar month (EU regulation 1182/71, art. 3): the period ends on
the same date of the following month, or on that month's last day when it has no such date
(received on 31 January → due on 28 or 29 February).
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Literal, get_args

Kind = Literal["access", "rectification", "erasure", "objection", "portability", "restriction"]
Status = Literal["received", "in_progress", "completed", "refused"]
Channel = Literal["email", "post", "phone", "web_form", "in_person", "other"]

KINDS: tuple[str, ...] = get_args(Kind)
STATUSES: tuple[str, ...] = get_args(Status)
CHANNELS: tuple[str, ...] = get_args(Channel)
OPEN_STATUSES: frozenset[str] = frozenset({"received", "in_progress"})
CLOSED_STATUSES: frozenset[str] = frozenset({"completed", "refused"})

ANSWER_MONTHS = 1
MAX_EXTENSION_MONTHS = 2

_NEXT: dict[str, frozenset[str]] = {
    "received": frozenset({"in_progress", "completed", "refused"}),
    "in_progress": frozenset({"completed", "refused"}),
    "completed": frozenset(),
    "refused": frozenset(),
}


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` calendar months later, or that month's last day if it is shorter;
    the time of day and the time zone are kept."""
    if months < 0:
        raise ValueError("months must not be negative")
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def due_at(received_at: datetime, extended_months: int = 0) -> datetime:
    if not 0 <= extended_months <= MAX_EXTENSION_MONTHS:
        raise ValueError("an extension is 0 to 2 months")
    return add_months(received_at, ANSWER_MONTHS + extended_months)


def can_move(current: str, new: str) -> bool:
    """Whether `current` may become `new`; staying put is always allowed."""
    return new == current or new in _NEXT[current]


def extension_refusal(
    received_at: datetime, status: str, current_months: int, months: int, now: datetime
) -> str | None:
    """Why extending to `months` in total is not allowed now (a code), or None if it is."""
    if status not in OPEN_STATUSES:
        return "closed"
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        return "out_of_range"
    if months < current_months:
        return "shorter_than_current"
    if now > due_at(received_at):
        # The person must be told within the first month: a late extension is not lawful.
        return "too_late"
    return None


def is_overdue(status: str, due: datetime, now: datetime) -> bool:
    return status in OPEN_STATUSES and due < now


def days_left(due: datetime, now: datetime) -> int:
    """Calendar days (UTC) from today to the deadline's day: 0 on the day it falls due,
    -1 the day after; `is_overdue` says whether the moment itself has passed."""
    return (due.astimezone(UTC).date() - now.astimezone(UTC).date()).days
