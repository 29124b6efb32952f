"""The suppression list: addresses that must never come back, kept as keyed hashes."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.core.crypto import keyed_hash
from app.core.errors import Conflict
from app.core.keyring import derive
from app.core.settings import get_settings
from app.gdpr.models import Suppression


class Suppressed(Conflict):
    code = "gdpr.suppressed"
    title = {
        "en": "This address was erased or objected to: it cannot be stored again",
        "fr": "Cette adresse a été effacée ou a fait l'objet d'une opposition : "
        "elle ne peut pas être enregistrée à nouveau",
    }


@lru_cache(maxsize=1)
def _key() -> bytes:
    # Read once per process: building the settings costs milliseconds (environment, .env),
    # and the root secret does not change while the process runs.
    return derive(get_settings().secret_key.get_secret_value(), "suppression-list")


def email_hash(email: str) -> str:
    """Of the normalised address (stored emails are already lower-cased and trimmed)."""
    return keyed_hash(_key(), email.strip().lower())


async def add(session: AsyncSession, actor: Principal, emails: Iterable[str], reason: str) -> int:
    rows = [
        {"email_hash": email_hash(e), "reason": reason, "created_by_type": actor.type,
         "created_by_id": actor.id}
        for e in {e for e in emails if e}
    ]  # fmt: skip
    if not rows:
        return 0
    stmt = insert(Suppression).values(rows).on_conflict_do_nothing()
    return (await session.execute(stmt)).rowcount or 0


async def remove(session: AsyncSession, email: str) -> bool:
    result = await session.execute(
        delete(Suppression).where(Suppression.email_hash == email_hash(email))
    )
    return bool(result.rowcount)


async def is_suppressed(session: AsyncSession, emails: Iterable[object]) -> bool:
    hashes = {email_hash(e) for e in emails if isinstance(e, str) and e}
    if not hashes:
        return False
    found = await session.scalar(
        select(Suppression.email_hash).where(Suppression.email_hash.in_(hashes)).limit(1)
    )
    return found is not None


async def check(session: AsyncSession, emails: Iterable[object]) -> None:
    """Refuse a write that would store a suppressed address again."""
    if await is_suppressed(session, emails):
        raise Suppressed()
