"""What every error answer of the API must look like (pure: used by the fuzz check and tests)."""

from __future__ import annotations

import json
from collections.abc import Mapping

PROBLEM_MEDIA_TYPE = "application/problem+json"
REQUIRED = {"type": str, "title": str, "status": int, "code": str}


def problem_violation(status: int, content_type: str | None, body: bytes) -> str | None:
    """Why an error response is not a valid RFC 9457 problem of ours, or None if it is.

    Success responses are out of scope (their schemas are checked by Schemathesis itself)."""
    if status < 400:
        return None
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != PROBLEM_MEDIA_TYPE:
        return f"{status} answered as {media_type or 'no content type'!r}, not {PROBLEM_MEDIA_TYPE}"
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return f"{status} problem body is not JSON"
    if not isinstance(document, Mapping):
        return f"{status} problem body is a JSON {type(document).__name__}, not an object"
    for field, kind in REQUIRED.items():
        value = document.get(field)
        # bool is an int subclass: `"status": true` must not pass as a status
        if not isinstance(value, kind) or isinstance(value, bool) or value == "":
            return f"{status} problem has no valid {field!r}"
    if document["status"] != status:
        return f"problem says status {document['status']} but the response is {status}"
    return None
