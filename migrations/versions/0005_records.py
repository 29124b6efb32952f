"""Companies, contacts and their external references.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 01:00:14.573289
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "companies",
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("legal_form", sa.String(length=32), nullable=True),
        sa.Column("siren", sa.String(length=9), nullable=True),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("vat_number", sa.String(length=20), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("domain", sa.String(length=255), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("street", sa.String(length=300), nullable=True),
        sa.Column("postcode", sa.String(length=16), nullable=True),
        sa.Column("city", sa.String(length=120), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("sector", sa.String(length=120), nullable=True),
        sa.Column("size", sa.String(length=16), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="active", nullable=False),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("source_system", sa.String(length=64), nullable=True),
        sa.Column("created_by_type", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "quality_issues",
            postgresql.ARRAY(sa.String(length=64)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("last_interaction_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_companies")),
    )
    op.create_index(op.f("ix_companies_country"), "companies", ["country"], unique=False)
    op.create_index(op.f("ix_companies_created_at"), "companies", ["created_at"], unique=False)
    op.create_index(
        op.f("ix_companies_created_by_id"), "companies", ["created_by_id"], unique=False
    )
    op.create_index(op.f("ix_companies_domain"), "companies", ["domain"], unique=False)
    op.create_index(
        op.f("ix_companies_last_interaction_at"), "companies", ["last_interaction_at"], unique=False
    )
    op.create_index(op.f("ix_companies_owner_id"), "companies", ["owner_id"], unique=False)
    op.create_index(op.f("ix_companies_sector"), "companies", ["sector"], unique=False)
    op.create_index(op.f("ix_companies_siren"), "companies", ["siren"], unique=False)
    op.create_index(op.f("ix_companies_siret"), "companies", ["siret"], unique=False)
    op.create_index(
        op.f("ix_companies_source_system"), "companies", ["source_system"], unique=False
    )
    op.create_index(op.f("ix_companies_status"), "companies", ["status"], unique=False)
    op.create_index(op.f("ix_companies_updated_at"), "companies", ["updated_at"], unique=False)
    op.create_table(
        "external_refs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("system", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_refs")),
        sa.UniqueConstraint("entity", "system", "external_id", name="uq_external_refs_key"),
    )
    op.create_index("ix_external_refs_record", "external_refs", ["record_id"], unique=False)
    op.create_table(
        "contacts",
        sa.Column("civility", sa.String(length=8), nullable=True),
        sa.Column("first_name", sa.String(length=200), nullable=True),
        sa.Column("last_name", sa.String(length=200), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("email_domain", sa.String(length=255), nullable=True),
        sa.Column(
            "additional_emails",
            postgresql.ARRAY(sa.String(length=320)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column(
            "additional_phones",
            postgresql.ARRAY(sa.String(length=20)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("job_title", sa.String(length=200), nullable=True),
        sa.Column("job_function", sa.String(length=32), nullable=True),
        sa.Column("company_id", sa.Uuid(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("lifecycle_stage", sa.String(length=32), nullable=True),
        sa.Column("subscription_status", sa.String(length=16), nullable=True),
        sa.Column("email_status", sa.String(length=16), server_default="unknown", nullable=False),
        sa.Column("lawful_basis", sa.String(length=32), nullable=True),
        sa.Column("collection_method", sa.String(length=32), nullable=True),
        sa.Column("collected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="active", nullable=False),
        sa.Column("merged_into_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=True),
        sa.Column("source_system", sa.String(length=64), nullable=True),
        sa.Column("created_by_type", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column(
            "quality_issues",
            postgresql.ARRAY(sa.String(length=64)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("last_interaction_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name=op.f("fk_contacts_company_id_companies"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
    )
    op.create_index(op.f("ix_contacts_company_id"), "contacts", ["company_id"], unique=False)
    op.create_index(op.f("ix_contacts_country"), "contacts", ["country"], unique=False)
    op.create_index(op.f("ix_contacts_created_at"), "contacts", ["created_at"], unique=False)
    op.create_index(op.f("ix_contacts_created_by_id"), "contacts", ["created_by_id"], unique=False)
    op.create_index(op.f("ix_contacts_email"), "contacts", ["email"], unique=False)
    op.create_index(op.f("ix_contacts_email_domain"), "contacts", ["email_domain"], unique=False)
    op.create_index(op.f("ix_contacts_job_function"), "contacts", ["job_function"], unique=False)
    op.create_index(
        op.f("ix_contacts_last_interaction_at"), "contacts", ["last_interaction_at"], unique=False
    )
    op.create_index(
        op.f("ix_contacts_lifecycle_stage"), "contacts", ["lifecycle_stage"], unique=False
    )
    op.create_index(op.f("ix_contacts_owner_id"), "contacts", ["owner_id"], unique=False)
    op.create_index(op.f("ix_contacts_phone"), "contacts", ["phone"], unique=False)
    op.create_index(op.f("ix_contacts_source_system"), "contacts", ["source_system"], unique=False)
    op.create_index(op.f("ix_contacts_status"), "contacts", ["status"], unique=False)
    op.create_index(op.f("ix_contacts_updated_at"), "contacts", ["updated_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_contacts_updated_at"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_status"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_source_system"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_phone"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_owner_id"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_lifecycle_stage"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_last_interaction_at"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_job_function"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_email_domain"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_email"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_created_by_id"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_created_at"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_country"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_company_id"), table_name="contacts")
    op.drop_table("contacts")
    op.drop_index("ix_external_refs_record", table_name="external_refs")
    op.drop_table("external_refs")
    op.drop_index(op.f("ix_companies_updated_at"), table_name="companies")
    op.drop_index(op.f("ix_companies_status"), table_name="companies")
    op.drop_index(op.f("ix_companies_source_system"), table_name="companies")
    op.drop_index(op.f("ix_companies_siret"), table_name="companies")
    op.drop_index(op.f("ix_companies_siren"), table_name="companies")
    op.drop_index(op.f("ix_companies_sector"), table_name="companies")
    op.drop_index(op.f("ix_companies_owner_id"), table_name="companies")
    op.drop_index(op.f("ix_companies_last_interaction_at"), table_name="companies")
    op.drop_index(op.f("ix_companies_domain"), table_name="companies")
    op.drop_index(op.f("ix_companies_created_by_id"), table_name="companies")
    op.drop_index(op.f("ix_companies_created_at"), table_name="companies")
    op.drop_index(op.f("ix_companies_country"), table_name="companies")
    op.drop_table("companies")
