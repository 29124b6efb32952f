"""The company alias dictionary: read companies under their canonical name, and keep it."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import any_, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.core.errors import Conflict, DomainError, NotFound
from app.dedup.engine.names import company_name
from app.dedup.models import CompanyAlias
from app.dedup.repository import text_array
from app.validation.legal_forms import canonical_legal_form

Kind = Literal["acronym", "former_name", "trade_name"]
Source = Literal["manual", "rename", "merge"]


class AliasNotFound(NotFound):
    code = "aliases.not_found"
    title = {"en": "Alias not found", "fr": "Alias introuvable"}


class AliasTaken(Conflict):
    code = "aliases.taken"
    title = {
        "en": "This name is already an alias of another company name",
        "fr": "Ce nom est déjà l'alias d'un autre nom de société",
    }


class AliasUnusable(DomainError):
    status, code = 422, "aliases.unusable"
    title = {
        "en": "The alias and the name it stands for must be two different company names, "
        "not empty and not a bare legal form",
        "fr": "L'alias et le nom qu'il remplace doivent être deux noms de société différents, "
        "ni vides ni réduits à une forme juridique",
    }


def key_of(name: object) -> str:
    """The form two spellings of one name share ("I.B.M", "i b m" → "ibm")."""
    return _key(name) if isinstance(name, str) else ""


# A company lookup reads its candidates' names through here, and the same firms come back
# as candidates of lookup after lookup.
@lru_cache(maxsize=1 << 16)
def _key(name: str) -> str:
    return company_name(name).compact


# A company renamed twice leaves a chain ("Transports Kerhoas" → "Kerhoas Logistique" →
# "Kerhoas Group"); `add` never closes a loop, and this bounds the walk all the same.
_MAX_HOPS = 8


async def canonical_names(session: AsyncSession, names: Iterable[object]) -> dict[str, str]:
    """alias key → canonical name, for the names given that are aliases, followed to the
    end of the chain when a canonical name has become an alias since."""
    keys = {key_of(n) for n in names} - {""}
    known = await _read(session, keys) if keys else {}  # every alias row read so far
    asked = set(keys)
    for _ in range(_MAX_HOPS):
        pending = {key_of(c) for c in known.values()} - asked
        if not pending:
            break
        known |= await _read(session, pending)
        asked |= pending
    return {k: _end_of_chain(known, k) for k in keys if k in known}


def _end_of_chain(known: Mapping[str, str], key: str) -> str:
    name, seen = known[key], {key}
    while (step := key_of(name)) in known and step not in seen:
        name = known[step]
        seen.add(step)
    return name


async def _read(session: AsyncSession, keys: set[str]) -> dict[str, str]:
    rows = await session.execute(
        select(CompanyAlias.alias_key, CompanyAlias.canonical).where(
            CompanyAlias.alias_key == any_(text_array(keys))  # one parameter, not hundreds
        )
    )
    return {key: canonical for key, canonical in rows.all()}


def substitute(fields: Mapping[str, object], canon: Mapping[str, str]) -> Mapping[str, object]:
    """The fields with the name replaced by its canonical one, when it is an alias."""
    canonical = canon.get(key_of(fields.get("name")))
    return {**fields, "name": canonical} if canonical else fields


async def add(
    session: AsyncSession,
    actor: Principal,
    alias: str,
    canonical: str,
    kind: Kind,
    source: Source = "manual",
) -> CompanyAlias:
    alias_key, canonical_key = key_of(alias), key_of(canonical)
    if not alias_key or not canonical_key or alias_key == canonical_key:
        raise AliasUnusable()
    if canonical_legal_form(alias) or canonical_legal_form(canonical):
        raise AliasUnusable()  # "SAS" names no company: every "Dupont SAS" would turn into it
    existing = await session.scalar(select(CompanyAlias).where(CompanyAlias.alias_key == alias_key))
    if existing is not None:
        if key_of(existing.canonical) == canonical_key:
            return existing
        raise AliasTaken()
    # A canonical name that is itself an alias resolves to what it stands for; one that
    # resolves back to the alias would close a loop ("IBM" → "Big Blue" → "IBM").
    deeper = await canonical_names(session, [canonical])
    canonical = deeper.get(canonical_key, canonical)
    if key_of(canonical) == alias_key:
        raise AliasUnusable()
    entry = CompanyAlias(
        id=uuid.uuid4(),
        alias=alias.strip(),
        alias_key=alias_key,
        canonical=canonical.strip(),
        kind=kind,
        source=source,
        created_by_type=actor.type,
        created_by_id=actor.id,
    )
    session.add(entry)
    await session.flush()
    await audit.record(
        session,
        actor,
        "alias.created",
        entity_type="company_alias",
        entity_id=entry.id,
        fields=("alias", "canonical"),
        details={"kind": kind, "source": source},
    )
    return entry


async def remove(session: AsyncSession, actor: Principal, alias_id: uuid.UUID) -> None:
    entry = await session.scalar(select(CompanyAlias).where(CompanyAlias.id == alias_id))
    if entry is None:
        raise AliasNotFound()
    await session.execute(delete(CompanyAlias).where(CompanyAlias.id == alias_id))
    await audit.record(
        session, actor, "alias.deleted", entity_type="company_alias", entity_id=alias_id
    )


async def list_all(session: AsyncSession, limit: int, offset_key: str | None) -> Sequence[Any]:
    stmt = select(CompanyAlias).order_by(CompanyAlias.alias_key).limit(limit)
    if offset_key is not None:
        stmt = stmt.where(CompanyAlias.alias_key > offset_key)
    return (await session.scalars(stmt)).all()
