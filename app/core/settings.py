"""Every setting of the service, read from `CRMDQ_*` environment variables (and `.env`)."""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values that ship in examples and tutorials: never acceptable as a production secret.
_KNOWN_WEAK_SECRETS = frozenset(
    {"changethis", "changeme", "secret", "dev-secret", "password", "insecure", "test"}
)
_MIN_SECRET_LENGTH = 32
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production-use-0000"  # noqa: S105 (refused in production)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CRMDQ_", env_file=".env", extra="ignore", frozen=True
    )

    env: Literal["development", "test", "production"] = "development"
    secret_key: SecretStr = SecretStr(DEV_SECRET_KEY)

    # DATABASE_URL (unprefixed) is the conventional name platforms inject; both are accepted.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("CRMDQ_DATABASE_URL", "DATABASE_URL")
    )
    embedded_db_dir: str = ".pgdata"
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_max_overflow: int = Field(default=10, ge=0, le=200)
    db_pool_timeout_s: float = Field(default=10.0, gt=0)
    db_statement_timeout_ms: int = Field(default=15_000, ge=0)
    # Bounds how long a request waits for PostgreSQL to accept a connection when it is away.
    db_connect_timeout_s: float = Field(default=5.0, gt=0, le=60)
    # SIGTERM: in-flight requests get this long to finish before the server exits anyway.
    shutdown_grace_s: float = Field(default=20.0, ge=0, le=600)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True

    max_body_bytes: int = Field(default=4_194_304, ge=1024)  # a 1,000-row batch fits
    cors_origins: list[str] = Field(default_factory=list)
    default_language: Literal["fr", "en"] = "fr"

    # Tokens and login
    jwt_issuer: str = "crm-dq"
    jwt_audience: str = "crm-dq-api"
    access_token_ttl_s: int = Field(default=900, ge=60, le=86_400)
    # {"kid": "secret of 32+ chars", ...}; empty → one key derived from CRMDQ_SECRET_KEY.
    jwt_keys: dict[str, SecretStr] = Field(default_factory=dict)
    jwt_active_kid: str | None = None
    # {"kid": "base64 of 32 random bytes", ...} for AES-GCM at rest; empty → derived key.
    encryption_keys: dict[str, SecretStr] = Field(default_factory=dict)
    encryption_active_kid: str | None = None
    login_max_failures: int = Field(default=5, ge=1, le=100)
    lockout_base_s: int = Field(default=60, ge=1)
    lockout_max_s: int = Field(default=3600, ge=1)
    login_rate_per_ip_per_minute: int = Field(default=30, ge=1)
    totp_issuer: str = "crm-dq"
    setup_token_ttl_h: int = Field(default=72, ge=1, le=720)
    secret_rotation_grace_h: int = Field(default=24, ge=0, le=720)
    inactive_user_days: int = Field(default=90, ge=1)

    # {"contact": {"form": "block", "crm": "queue", "script": "warn", "manual": "warn"}, ...}
    duplicate_rules: dict[
        Literal["contact", "company"],
        dict[
            Literal["form", "crm", "script", "manual"], Literal["block", "warn", "queue", "allow"]
        ],
    ] = Field(default_factory=dict)
    # Run background jobs inside the API process (None: only in development). Production
    # runs `crm-dq worker` processes instead: a scan's CPU work would slow requests.
    embedded_worker: bool | None = None
    idempotency_retention_h: int = Field(default=24, ge=1, le=720)
    idempotency_lock_timeout_s: int = Field(default=60, ge=5, le=3600)

    # Merging (see README): how the survivor and each field's value are chosen.
    merge_survivor_rule: Literal["most_complete", "most_recent", "oldest", "source_priority"] = (
        "most_complete"
    )
    # {"contact": {"email": "most_recent"}, ...}: rules by field, over the shipped defaults
    merge_field_rules: dict[
        Literal["contact", "company"],
        dict[
            str,
            Literal[
                "most_recent",
                "most_complete",
                "most_frequent",
                "source_priority",
                "verified_first",
                "survivor",
            ],
        ],
    ] = Field(default_factory=dict)
    merge_source_priority: list[str] = Field(default_factory=list)  # most trusted first
    merge_undo_days: int = Field(default=30, ge=1, le=3650)
    auto_merge_enabled: bool = False

    # Webhooks (see README). Inbound: {"source": ["whsec_…", …]} (several during a rotation).
    webhook_secrets: dict[str, list[SecretStr]] = Field(default_factory=dict)
    webhook_max_body_bytes: int = Field(default=262_144, ge=1024, le=4_194_304)
    webhook_tolerance_s: int = Field(default=300, ge=30, le=3600)
    # Outbound deliveries: per-attempt timeout, attempts before dead-lettering, poll period.
    webhook_delivery_timeout_s: float = Field(default=10.0, gt=0, le=120)
    webhook_max_attempts: int = Field(default=15, ge=1, le=50)
    webhook_dispatch_interval_s: float = Field(default=1.0, gt=0, le=60)
    # Days an outbox event is kept once every delivery of it is done; 0 keeps them all.
    webhook_outbox_keep_days: int = Field(default=30, ge=0, le=3650)

    # GDPR retention (see README): after the CNIL's guidance for B2B prospects.
    gdpr_retention_prospect_years: int = Field(default=3, ge=1, le=100)
    gdpr_retention_customer_years: int | None = Field(default=None, ge=1, le=100)  # None: kept
    gdpr_retention_customer_stages: list[str] = Field(default_factory=lambda: ["customer"])
    gdpr_retention_action: Literal["anonymize", "delete"] = "anonymize"
    gdpr_retention_sweep_every_h: int | None = Field(default=None, ge=1, le=8760)
    gdpr_retention_auto_sweep: bool = False

    # Cleaning job (see README): how long a dry run may be applied after it finished.
    quality_cleaning_dry_run_validity_h: int = Field(default=24, ge=1, le=720)

    # Validation policy (see README): groups of fields of which one must be present.
    validation_contact_required: list[list[str]] = Field(
        default_factory=lambda: [["last_name"], ["email", "phone"]]
    )
    validation_company_required: list[list[str]] = Field(default_factory=lambda: [["name"]])
    validation_french_company_required: list[list[str]] = Field(
        default_factory=lambda: [["siren", "siret"]]
    )
    validation_warnings_block: bool = False
    validation_default_country: str = Field(default="FR", min_length=2, max_length=2)
    validation_check_email_dns: bool = False

    # Record quality scores (see README): weights over the shipped defaults, decay, rescoring.
    # {"contact": {"email": 3, "job_title": 0}, ...}: a completeness weight per key field
    quality_completeness_weights: dict[str, dict[str, float]] = Field(default_factory=dict)
    # {"completeness": 0.3, "validity": 0.25, ...}: how the dimensions make the score
    quality_dimension_weights: dict[str, float] = Field(default_factory=dict)
    quality_decay_per_year: float = Field(default=0.40, ge=0, lt=1)
    quality_rescore_every_h: int = Field(default=24, ge=0, le=8760)  # 0: no schedule
    quality_score_on_write: bool = True  # off only to measure what scoring costs a write
    # Dataset quality snapshots (see README): the trend's period; 0: on demand only.
    quality_snapshot_every_h: int = Field(default=24, ge=0, le=8760)

    @model_validator(mode="after")
    def _refuse_weak_secret_in_production(self) -> Settings:
        if self.env != "production":
            return self
        if not self.database_url:
            raise ValueError(
                "production needs DATABASE_URL: the embedded PostgreSQL is for development"
            )
        secret = self.secret_key.get_secret_value()
        if (
            secret == DEV_SECRET_KEY
            or secret.lower() in _KNOWN_WEAK_SECRETS
            or len(secret) < _MIN_SECRET_LENGTH
            or len(set(secret)) < 10
        ):
            raise ValueError(
                "CRMDQ_SECRET_KEY must be set to a random value of at least "
                f"{_MIN_SECRET_LENGTH} characters in production "
                '(python -c "import secrets; print(secrets.token_urlsafe(48))")'
            )
        return self

    @model_validator(mode="after")
    def _merge_rules_name_known_fields(self) -> Settings:
        from app.merge.fields import ENTITY_FIELDS  # pure; imported late to keep core first

        for entity, rules in self.merge_field_rules.items():
            unknown = set(rules) - set(ENTITY_FIELDS[entity].default_rules)
            if unknown:
                raise ValueError(
                    f"CRMDQ_MERGE_FIELD_RULES: {entity} has no chosen field {sorted(unknown)}"
                )
        return self

    @model_validator(mode="after")
    def _webhook_secrets_are_whsec(self) -> Settings:
        from app.webhooks.whsec import is_secret  # pure

        for source, secrets in self.webhook_secrets.items():
            if not secrets or not all(is_secret(s.get_secret_value()) for s in secrets):
                raise ValueError(
                    f"CRMDQ_WEBHOOK_SECRETS: {source} needs whsec_ secrets (base64, 16+ bytes)"
                )
        return self

    @model_validator(mode="after")
    def _quality_weights_are_known(self) -> Settings:
        from app.quality.score_config import build_config  # pure

        build_config(
            completeness=self.quality_completeness_weights,
            dimension_weights=self.quality_dimension_weights,
            decay_per_year=self.quality_decay_per_year,
        )
        return self

    @property
    def runs_embedded_worker(self) -> bool:
        return self.env == "development" if self.embedded_worker is None else self.embedded_worker

    @cached_property
    def uses_embedded_db(self) -> bool:
        return not self.database_url


def get_settings() -> Settings:
    return Settings()
