"""`Idempotency-Key` on POSTs that create things (draft-ietf-httpapi-idempotency-key-header).

Same key and same request → the stored answer, replayed with `Idempotent-Replayed: true`;
same key, different request → 422; same key while the first request still runs → 409.
Keys are scoped per caller (principal type + id) and per operation (method + route template),
and expire after a retention period.

Transactions: the "in progress" claim is committed in its own short transaction, so a
concurrent duplicate sees it; the response is stored by an UPDATE in the request's own
transaction, so it commits together with what the request created, or not at all; a request
that fails releases its claim, so a retry can run. A claim older than the lock timeout belongs
to a crashed process and is taken over; should its owner still finish, it finds the claim gone
and rolls back rather than create a second record.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request, Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import idempotency_store as store
from app.core.db import DbSession
from app.core.errors import Conflict, DomainError, problem_responses
from app.core.idempotency_keys import (
    canonical_body,
    fingerprint_key,
    parse_key,
    request_fingerprint,
)
from app.core.timeutil import utcnow

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
_JSON = "application/json"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class IdempotencyPolicy:
    retention: timedelta = timedelta(hours=24)
    lock_timeout: timedelta = timedelta(seconds=60)


DEFAULT_POLICY = IdempotencyPolicy()


class IdempotencyKeyInvalid(DomainError):
    status, code = 400, "idempotency.key_invalid"
    title = {"en": "Invalid Idempotency-Key header", "fr": "En-tête Idempotency-Key invalide"}

    def __init__(self) -> None:
        super().__init__(
            detail={
                "en": "Send one Idempotency-Key of 1 to 255 visible ASCII characters, "
                "such as a UUID.",
                "fr": "Envoyez un seul Idempotency-Key de 1 à 255 caractères ASCII visibles, "
                "par exemple un UUID.",
            }
        )


class IdempotencyKeyReused(DomainError):
    status, code = 422, "idempotency.key_reused"
    title = {
        "en": "This Idempotency-Key was already used for a different request",
        "fr": "Cette clé Idempotency-Key a déjà servi pour une autre requête",
    }


class IdempotencyInProgress(Conflict):
    code = "idempotency.in_progress"
    title = {
        "en": "A request with this Idempotency-Key is still being processed",
        "fr": "Une requête avec cette clé Idempotency-Key est encore en cours de traitement",
    }
    headers = {"Retry-After": "1"}


IDEMPOTENCY_PROBLEMS = (IdempotencyKeyInvalid, IdempotencyKeyReused, IdempotencyInProgress)


def idempotent_responses(
    status_code: int, *problems: type[DomainError]
) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route taking `Idempotency`: the route's own problems, the
    idempotency problems, and the `Idempotent-Replayed` header on the success status."""
    responses = problem_responses(*problems, *IDEMPOTENCY_PROBLEMS)
    replayed = {
        "description": "`true` when this is the stored answer to an earlier request with the "
        "same Idempotency-Key; absent otherwise.",
        "schema": {"type": "string", "enum": ["true"]},
    }
    responses[status_code] = {"headers": {REPLAYED_HEADER: replayed}}
    return responses


@dataclass
class _HeldClaims:
    claims: list[store.Claim] = field(default_factory=list)


async def _release_on_failure(request: Request) -> AsyncIterator[_HeldClaims]:
    """Request-scoped, so it exits after the request's transaction committed or failed:
    an error in the route, in the final commit, or a cancellation all release the claim."""
    held = _HeldClaims()
    try:
        yield held
    except BaseException:
        for claim in held.claims:
            await store.release(request.app.state.sessionmaker, claim)
        raise


class IdempotentRequest:
    """What a route gets from `Idempotency`: `run` replays or executes the creation."""

    def __init__(
        self, request: Request, session: AsyncSession, held: _HeldClaims, policy: IdempotencyPolicy
    ) -> None:
        self._request = request
        self._session = session
        self._held = held
        self._policy = policy

    async def run(
        self,
        body: BaseModel | None,
        *,
        status_code: int,
        work: Callable[[], Awaitable[M]],
        headers: Callable[[M], Mapping[str, str]] | None = None,
    ) -> Response:
        """Execute `work` once per key and answer its result as JSON with `status_code` and
        `headers(result)` (Location, ETag); a retry with the same key gets that answer back."""
        scope = self._scope()
        if scope is None:
            result = await work()
            return _json_response(status_code, _dump(result), headers(result) if headers else {})

        request = self._request
        secret = request.app.state.settings.secret_key.get_secret_value()
        fingerprint = request_fingerprint(
            fingerprint_key(secret),
            request.url.path,
            request.query_params.multi_items(),
            canonical_body(body),
        )
        outcome = await store.claim(
            request.app.state.sessionmaker,
            scope,
            fingerprint,
            now=utcnow(),
            retention=self._policy.retention,
            lock_timeout=self._policy.lock_timeout,
        )
        if not isinstance(outcome, store.Claim):
            return _answer_for(outcome, fingerprint)

        self._held.claims.append(outcome)
        result = await work()
        content = _dump(result)
        extra = dict(headers(result)) if headers else {}
        if not await store.finish(self._session, outcome, status_code, content, extra):
            # Taken over as abandoned: the newer request owns the key; roll this one back.
            raise IdempotencyInProgress()
        return _json_response(status_code, content, extra)

    def _scope(self) -> store.KeyScope | None:
        request = self._request
        principal = getattr(request.state, "principal", None)
        if principal is None or principal.type == "anonymous":
            # Keys shared by all anonymous callers would hand one caller's answer to another.
            raise RuntimeError("Idempotency needs a route protected by requires(...)")
        try:
            key = parse_key(request.headers.getlist(KEY_HEADER))
        except ValueError as exc:
            raise IdempotencyKeyInvalid() from exc
        if key is None:
            return None
        route = getattr(request.scope.get("route"), "path", None)
        if route is None:
            raise RuntimeError("Idempotency is only available inside a route")
        return store.KeyScope(principal.type, principal.actor_id or "", request.method, route, key)


def _answer_for(holder: store.Holder | None, fingerprint: str) -> Response:
    if holder is not None and holder.fingerprint != fingerprint:
        raise IdempotencyKeyReused()
    if holder is None or not holder.completed:
        raise IdempotencyInProgress()
    replay_headers = {**(holder.response_headers or {}), REPLAYED_HEADER: "true"}
    return _json_response(holder.response_status or 200, holder.response_body or "", replay_headers)


def _json_response(status: int, body: str, headers: Mapping[str, str]) -> Response:
    return Response(body, status_code=status, media_type=_JSON, headers=dict(headers))


def _dump(result: BaseModel) -> str:
    return result.model_dump_json(by_alias=True)


async def _idempotent_request(
    request: Request,
    session: DbSession,
    held: Annotated[_HeldClaims, Depends(_release_on_failure, scope="request")],
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=KEY_HEADER,
            description="Makes a retry safe: 1 to 255 visible ASCII characters (a UUID is "
            "best), bare or as a quoted string. The same key with the same request replays the "
            "first answer (`Idempotent-Replayed: true`); with a different request it is a 422; "
            "while the first request runs, a 409. Keys are per caller and operation and are "
            "kept 24 hours by default.",
            examples=["8e03978e-40d5-43e8-bc93-6894a57f9324"],
        ),
    ] = None,
) -> IdempotentRequest:
    # `idempotency_key` documents the header; `run` reads the raw values to refuse duplicates.
    policy = getattr(request.app.state, "idempotency_policy", None) or DEFAULT_POLICY
    return IdempotentRequest(request, session, held, policy)


Idempotency = Annotated[IdempotentRequest, Depends(_idempotent_request, scope="function")]
"""Route parameter: `idem: Idempotency`, then `return await idem.run(body, ...)`."""
