"""Imports every domain's models so Alembic sees the whole schema in one MetaData."""

from app.core.db import Base

metadata = Base.metadata
import app.audit.models  # noqa: E402
import app.auth.form_keys_models  # noqa: E402
import app.auth.models  # noqa: E402
import app.core.idempotency_models  # noqa: E402
import app.dedup.models  # noqa: E402
import app.gdpr.dsr_models  # noqa: E402
import app.gdpr.export_models  # noqa: E402
import app.gdpr.models  # noqa: E402
import app.jobs.models  # noqa: E402
import app.merge.models  # noqa: E402
import app.quality.cleaning_models  # noqa: E402
import app.quality.goal_models  # noqa: E402
import app.quality.snapshot_models  # noqa: E402
import app.records.models  # noqa: E402
import app.webhooks.inbound_models  # noqa: E402
import app.webhooks.models  # noqa: E402
import app.webhooks.outbound_models  # noqa: E402, F401
