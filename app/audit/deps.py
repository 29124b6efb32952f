"""Who may read the audit trail."""

from __future__ import annotations

from typing import Annotated

from app.auth.deps import requires
from app.auth.principal import Principal
from app.auth.scopes import Scope

CanReadAudit = Annotated[Principal, requires(Scope.AUDIT_READ)]
