"""What survivorship knows about each field of a record kind (pure).

Fields that only make sense together move together: an address is taken whole from one
record, an email with its domain, a SIRET with its SIREN, the consent of a contact with the
way and date it was collected. The first field of a group is the one a rule looks at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

FieldRule = Literal[
    "most_recent", "most_complete", "most_frequent", "source_priority", "verified_first", "survivor"
]
SurvivorRule = Literal["most_complete", "most_recent", "oldest", "source_priority"]
FIELD_RULES: tuple[FieldRule, ...] = get_args(FieldRule)
SURVIVOR_RULES: tuple[SurvivorRule, ...] = get_args(SurvivorRule)


@dataclass(frozen=True, slots=True)
class EntityFields:
    groups: tuple[tuple[str, ...], ...]  # chosen by a rule, one record per group
    default_rules: dict[str, FieldRule]  # by the group's first field
    # The strictest value wins, whatever the rules say: an opt-out is never lost.
    strictest: dict[str, tuple[str | None, ...]]  # strictest first
    # Every value of every record is kept: the chosen one, the others as secondary values.
    united: dict[str, str]  # primary field → field of the secondary values
    latest: tuple[str, ...]  # dates whose latest value is the truth (last interaction)

    @property
    def chosen(self) -> tuple[str, ...]:
        return tuple(f for group in self.groups for f in group)

    def group_of(self, field: str) -> tuple[str, ...] | None:
        return next((g for g in self.groups if field in g), None)

    @property
    def all(self) -> tuple[str, ...]:
        secondary = tuple(self.united.values())
        return self.chosen + tuple(self.strictest) + secondary + self.latest


CONTACT = EntityFields(
    groups=(
        ("civility",),
        ("first_name",),
        ("last_name",),
        ("email", "email_domain"),
        ("phone",),
        ("job_title", "job_function"),
        ("company_id",),
        ("country",),
        ("lifecycle_stage",),
        ("lawful_basis", "collection_method", "collected_at"),
        ("owner_id",),
    ),
    default_rules={
        "civility": "most_frequent",
        "first_name": "most_complete",
        "last_name": "most_complete",
        "email": "verified_first",
        "phone": "verified_first",
        "job_title": "most_recent",
        "company_id": "most_recent",
        "country": "most_frequent",
        "lifecycle_stage": "most_recent",
        "lawful_basis": "most_recent",
        "owner_id": "survivor",
    },
    strictest={
        "subscription_status": ("unsubscribed", "subscribed", None),
        "email_status": ("spamtrap", "bounced", "valid", "unknown", None),
    },
    united={"email": "additional_emails", "phone": "additional_phones"},
    latest=("last_interaction_at",),
)

COMPANY = EntityFields(
    groups=(
        ("name",),
        ("legal_form",),
        ("siren", "siret", "vat_number"),
        ("website", "domain"),
        ("phone",),
        ("street", "postcode", "city", "country"),
        ("sector",),
        ("size",),
        ("owner_id",),
    ),
    default_rules={
        # the survivor's name stays; the others become its aliases (learnt by the merge)
        "name": "survivor",
        "legal_form": "most_frequent",
        "siren": "most_complete",
        "website": "most_recent",
        "phone": "verified_first",
        "street": "most_complete",
        "sector": "most_frequent",
        "size": "most_recent",
        "owner_id": "survivor",
    },
    strictest={},
    united={},
    latest=("last_interaction_at",),
)

ENTITY_FIELDS = {"contact": CONTACT, "company": COMPANY}
