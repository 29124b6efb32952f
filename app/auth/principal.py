"""Who is calling: a person, a machine, or the system itself (pure)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from app.auth.scopes import Scope

ActorType = Literal["user", "service_account", "system", "anonymous", "form_key"]


@dataclass(frozen=True, slots=True)
class Principal:
    type: ActorType
    id: uuid.UUID | None
    scopes: frozenset[Scope]
    role: str | None = None  # people only
    token_id: str | None = None  # the access token's jti, for the audit trail

    def has(self, scope: Scope) -> bool:
        return scope in self.scopes

    @property
    def actor_id(self) -> str | None:
        return str(self.id) if self.id else None


# Work done by the service on its own behalf (jobs, migrations, CLI bootstrap).
SYSTEM = Principal(type="system", id=None, scopes=frozenset(Scope))
ANONYMOUS = Principal(type="anonymous", id=None, scopes=frozenset())
