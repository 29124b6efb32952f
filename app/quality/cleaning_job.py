"""The cleaning job (`quality.clean`): a dry run that plans, then an apply step.

Both steps walk in id order, in batches, each batch one transaction that also saves the
checkpoint, so a killed worker resumes after the last committed batch. The dry run reads
active records and stores, per record to change, its version and the field names. Apply
walks the stored rows still pending; each record goes through the records' update use case
(the PATCH path: matching keys, audit, outbox and score follow) in its own savepoint, after
checking it is still at the planned version and still plans the same fields — otherwise it
is `skipped_changed`. Its audit events carry the person who asked to apply, and the request
id `cleaning:<run id>` says they came from this run.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from app import jobs
from app.audit import service as audit
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.errors import DomainError
from app.core.request_context import request_id_var
from app.core.settings import get_settings
from app.core.timeutil import utcnow
from app.jobs import JobContext
from app.quality.cleaning_models import CleaningChange
from app.quality.cleaning_plan import held_fields, held_values, plan_record
from app.quality.cleaning_repository import CleaningRepository
from app.quality.cleaning_service import KIND, KINDS
from app.records import service as records
from app.records.kinds import Kind
from app.validation.policy import ValidationPolicy

PLAN_BATCH = 1_000
# Each record's audit event takes the chain's lock until the batch commits, so every other
# audited write waits for the batch: small batches keep that wait short.
APPLY_BATCH = 25


def _policy() -> ValidationPolicy:
    from app.main import validation_policy  # the API's policy, built from the same settings

    return validation_policy(get_settings())


@jobs.register(KIND)
async def clean(ctx: JobContext) -> dict[str, Any]:
    run_id = uuid.UUID(ctx.params["run_id"])
    if ctx.params["step"] == "plan":
        return await _plan(ctx, run_id, _policy())
    token = request_id_var.set(f"cleaning:{run_id}")
    try:
        return await _apply(ctx, run_id, _policy())
    finally:
        request_id_var.reset(token)


@dataclass(frozen=True, slots=True)
class _Run:
    """What the steps need of the run, read once: ORM objects do not outlive their unit."""

    id: uuid.UUID
    entity: str
    fields: tuple[str, ...]
    source_system: str | None
    to_change: int


async def _load(ctx: JobContext, run_id: uuid.UUID) -> _Run:
    async with ctx.unit() as session:
        run = await CleaningRepository(session).get_run(run_id)
        if run is None:
            raise jobs.JobFailed("quality.cleaning.run_missing", retry=False)
        return _Run(run.id, run.entity, tuple(run.fields), run.source_system, run.to_change)


async def _plan(ctx: JobContext, run_id: uuid.UUID, policy: ValidationPolicy) -> dict[str, Any]:
    run = await _load(ctx, run_id)
    kind = KINDS[run.entity]
    state: dict[str, Any] = {"after": None, "scanned": 0, "to_change": 0}
    counts = {name: Counter[str]() for name in ("fields", "unresolved", "blocked")}
    if ctx.checkpoint:
        state |= {k: ctx.checkpoint[k] for k in state}
        for name, counter in counts.items():
            counter.update(dict(ctx.checkpoint[name]))
    async with ctx.unit() as session:
        total = state["scanned"] + await CleaningRepository(session).count_active(
            kind.model, run.source_system
        )
    await ctx.report(state["scanned"], total, message="quality.cleaning.planning")
    while True:
        async with ctx.unit() as session:
            repo = CleaningRepository(session)
            after = uuid.UUID(state["after"]) if state["after"] else None
            batch = await repo.active_after(
                kind.model, held_fields(kind.entity), run.source_system, after, PLAN_BATCH
            )
            if not batch:
                break
            rows = []
            for record in batch:
                plan = plan_record(
                    kind.entity, held_values(kind.entity, record), policy, run.fields
                )
                counts["unresolved"].update(plan.unresolved.keys())
                counts["blocked"].update(plan.blocked)
                if plan.changes:
                    counts["fields"].update(plan.fields)
                    rows.append(
                        {
                            "record_id": record.id,
                            "version": record.version,
                            "fields": list(plan.fields),
                            "unresolved": sorted(plan.unresolved),
                        }
                    )
            await repo.add_changes(run.id, rows)
            state["after"] = str(batch[-1].id)
            state["scanned"] += len(batch)
            state["to_change"] += len(rows)
            # counts as pairs: checkpoints refuse keys that name personal fields
            checkpoint = state | {name: sorted(c.items()) for name, c in counts.items()}
            await ctx.save_checkpoint(checkpoint, session=session)
        await ctx.report(
            state["scanned"], max(total, state["scanned"]), "quality.cleaning.planning"
        )
        ctx.stop_point()
    async with ctx.unit() as session:
        stored = await CleaningRepository(session).get_run(run_id, for_update=True)
        assert stored is not None
        stored.status, stored.planned_at = "planned", utcnow()
        stored.scanned, stored.to_change = state["scanned"], state["to_change"]
        stored.field_counts = dict(counts["fields"])
        stored.unresolved_counts = dict(counts["unresolved"])
        stored.blocked_counts = dict(counts["blocked"])
    return {
        "run_id": str(run_id),
        "step": "plan",
        "scanned": state["scanned"],
        "to_change": state["to_change"],
    }


async def _apply(ctx: JobContext, run_id: uuid.UUID, policy: ValidationPolicy) -> dict[str, Any]:
    run = await _load(ctx, run_id)
    kind = KINDS[run.entity]
    actor = _actor(ctx.params)
    outcomes, refused = Counter[str](), Counter[str]()
    after: str | None = None
    if ctx.checkpoint:
        after = ctx.checkpoint["after"]
        outcomes.update(dict(ctx.checkpoint["outcomes"]))
        refused.update(dict(ctx.checkpoint["refused"]))
    total = run.to_change
    await ctx.report(outcomes.total(), total, message="quality.cleaning.applying")
    while True:
        async with ctx.unit() as session:
            start = uuid.UUID(after) if after else None
            repo = CleaningRepository(session)
            rows = await repo.pending_after(run.id, start, APPLY_BATCH)
            if not rows:
                break
            locked = await repo.lock_records(kind.model, [r.record_id for r in rows])
            async with audit.appended_at_end(session):  # the chain's lock only at the end
                for row in rows:
                    record = locked.get(row.record_id)
                    try:
                        async with session.begin_nested():
                            outcome, code = await _apply_one(
                                session, kind, actor, run, row, record, policy
                            )
                    except DomainError as exc:  # the write path refused it (suppressed email…)
                        outcome, code = "refused", exc.code
                    row.outcome, row.outcome_code = outcome, code
                    outcomes[outcome] += 1
                    if code and outcome == "refused":
                        refused[code] += 1
            after = str(rows[-1].record_id)
            checkpoint = {
                "after": after,
                "outcomes": sorted(outcomes.items()),
                "refused": sorted(refused.items()),
            }
            await ctx.save_checkpoint(checkpoint, session=session)
        await ctx.report(
            outcomes.total(), max(total, outcomes.total()), "quality.cleaning.applying"
        )
        ctx.stop_point()
    async with ctx.unit() as session:
        stored = await CleaningRepository(session).get_run(run_id, for_update=True)
        assert stored is not None
        stored.status, stored.applied_at = "applied", utcnow()
        stored.outcome_counts, stored.refused_counts = dict(outcomes), dict(refused)
        await audit.record(
            session,
            actor,
            "quality.cleaning.applied",
            entity_type="cleaning_run",
            entity_id=run_id,
            details={"entity": run.entity, **{k: outcomes[k] for k in sorted(outcomes)}},
        )
    return {
        "run_id": str(run_id),
        "step": "apply",
        **dict(outcomes),
    }


async def _apply_one(
    session: Any,
    kind: Kind,
    actor: Principal,
    run: _Run,
    row: CleaningChange,
    record: Any,
    policy: ValidationPolicy,
) -> tuple[str, str | None]:
    if record is None or record.status != "active":
        return "skipped_changed", "record.gone"
    if record.version != row.version:
        return "skipped_changed", "record.version_changed"
    plan = plan_record(kind.entity, held_values(kind.entity, record), policy, run.fields)
    if set(plan.fields) != set(row.fields):  # written behind the version's back
        return "skipped_changed", "record.plan_changed"
    written = await records.update(
        session, kind, actor, record.id, plan.write, policy, expected_version=row.version
    )
    return ("applied", None) if written.changed_fields else ("unchanged", None)


def _actor(params: dict[str, Any]) -> Principal:
    """Who asked to apply: the record updates are audited under their id."""
    actor_id = params.get("actor_id")
    return Principal(
        type=params["actor_type"],
        id=uuid.UUID(actor_id) if actor_id else None,
        scopes=frozenset({Scope.RECORDS_WRITE}),
    )
