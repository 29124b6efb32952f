"""Survivorship rules, table-driven (pure)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.merge.fields import COMPANY, CONTACT
from app.merge.survivorship import (
    Candidate,
    Rules,
    UnknownOverride,
    choose_survivor,
    golden_record,
    is_empty,
)

T0 = datetime(2024, 1, 1, tzinfo=UTC)
A, B, C = (uuid.UUID(int=i) for i in (1, 2, 3))


def cand(
    record_id: uuid.UUID,
    *,
    days: int = 0,
    created: int = 0,
    source: str | None = None,
    issues: tuple[str, ...] = (),
    field_days: dict[str, int] | None = None,
    **values: Any,
) -> Candidate:
    return Candidate(
        record_id=record_id,
        source_system=source,
        created_at=T0 + timedelta(days=created),
        updated_at=T0 + timedelta(days=days),
        values=values,
        field_updated_at={k: T0 + timedelta(days=d) for k, d in (field_days or {}).items()},
        issues=frozenset(issues),
    )


def contact_golden(survivor: Candidate, *others: Candidate, **rules: Any) -> dict[str, Any]:
    return golden_record(survivor, list(others), CONTACT, Rules(**rules), {})


@pytest.mark.parametrize(
    ("value", "empty"),
    [
        pytest.param(None, True, id="none"),
        pytest.param("", True, id="empty-string"),
        pytest.param("   \t", True, id="blank"),
        pytest.param([], True, id="empty-list"),
        pytest.param("\u00a0x", False, id="nbsp-then-text"),
        pytest.param(0, False, id="zero-is-a-value"),
        pytest.param("é", False, id="accent"),
    ],
)
def test_what_counts_as_empty(value: object, empty: bool) -> None:
    assert is_empty(value) is empty


@pytest.mark.parametrize(
    ("rule", "field", "records", "expected"),
    [
        pytest.param(
            "most_recent", "job_title",
            [cand(A, days=1, job_title="Acheteur"), cand(B, days=5, job_title="Directeur achats")],
            "Directeur achats", id="most-recent-wins",
        ),
        pytest.param(
            "most_recent", "job_title",
            [cand(A, days=1, job_title="Acheteur"), cand(B, days=5, job_title="  ")],
            "Acheteur", id="most-recent-non-empty",
        ),
        pytest.param(
            "most_recent", "job_title",
            [cand(A, days=9, job_title="Acheteur"),
             cand(B, days=1, field_days={"job_title": 20}, job_title="DAF")],
            "DAF", id="field-provenance-beats-record-time",
        ),
        pytest.param(
            "most_complete", "first_name",
            [cand(A, first_name="J."), cand(B, first_name="Jean-Pierre")],
            "Jean-Pierre", id="most-complete-longest",
        ),
        pytest.param(
            "most_complete", "first_name",
            [cand(A, first_name="Zoé"), cand(B, first_name="Zoe")],
            "Zoé", id="most-complete-tie-keeps-survivor",
        ),
        pytest.param(
            "most_frequent", "civility",
            [cand(A, civility="M."), cand(B, civility="Mme"), cand(C, civility="mme")],
            "Mme", id="most-frequent-case-folded",
        ),
        pytest.param(
            "source_priority", "job_title",
            [cand(A, source="webform", days=9, job_title="Stagiaire"),
             cand(B, source="salesforce", job_title="Directrice")],
            "Directrice", id="source-priority",
        ),
        pytest.param(
            "verified_first", "email",
            [cand(A, days=9, email="a@x.fr", email_status="unknown"),
             cand(B, email="b@x.fr", email_status="valid")],
            "b@x.fr", id="verified-email-first",
        ),
        pytest.param(
            "verified_first", "email",
            [cand(A, days=9, email="a@x.fr", email_status="bounced"),
             cand(B, email="b@x.fr", email_status="unknown")],
            "b@x.fr", id="bounced-email-last",
        ),
        pytest.param(
            "verified_first", "phone",
            [cand(A, days=9, phone="+33100000000", issues=("phone.unknown_range",)),
             cand(B, phone="+33612345678")],
            "+33612345678", id="phone-with-finding-last",
        ),
        pytest.param(
            "survivor", "job_title",
            [cand(A, days=1, job_title="Acheteur"), cand(B, days=9, job_title="DAF")],
            "Acheteur", id="survivor-keeps-its-own",
        ),
        pytest.param(
            "survivor", "job_title",
            [cand(A, days=1, job_title=None), cand(B, days=9, job_title="DAF")],
            "DAF", id="survivor-empty-takes-other",
        ),
    ],
)  # fmt: skip
def test_field_rules(rule: str, field: str, records: list[Candidate], expected: str) -> None:
    golden = golden_record(
        records[0], records[1:], CONTACT,
        Rules({field: rule}, source_priority=("salesforce", "hubspot")), {},  # type: ignore[dict-item]
    )  # fmt: skip
    assert golden[field].value == expected


def test_every_choice_names_its_record_and_rule() -> None:
    golden = contact_golden(
        cand(A, source="crm", first_name="J.", last_name="Martin"),
        cand(B, source="form", days=3, first_name="Jeanne", last_name=None),
    )
    assert (golden["first_name"].record_id, golden["first_name"].rule) == (B, "most_complete")
    assert golden["first_name"].source_system == "form"
    assert golden["last_name"].record_id == A


def test_grouped_fields_move_together() -> None:
    golden = contact_golden(
        cand(A, lawful_basis="consent", collection_method=None, collected_at=None),
        cand(B, days=5, lawful_basis="contract", collection_method="salon",
             collected_at=T0),
    )  # fmt: skip
    assert {golden[f].record_id for f in ("lawful_basis", "collection_method", "collected_at")} == {
        B
    }
    company = golden_record(
        cand(A, street="1 rue A", postcode="75001", city="Paris", country="FR"),
        [cand(B, days=9, street="9 av B", postcode=None, city="Lyon", country=None)],
        COMPANY,
        Rules(),
        {},
    )
    assert [company[f].value for f in ("street", "postcode", "city", "country")] == [
        "1 rue A", "75001", "Paris", "FR",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("statuses", "subscription", "email_status"),
    [
        pytest.param([("subscribed", "valid"), ("unsubscribed", "unknown")],
                     "unsubscribed", "valid", id="opt-out-survives"),
        pytest.param([("subscribed", "valid"), ("subscribed", "bounced")],
                     "subscribed", "bounced", id="bounce-survives"),
        pytest.param([(None, "unknown"), ("subscribed", "spamtrap"), ("unsubscribed", "bounced")],
                     "unsubscribed", "spamtrap", id="strictest-of-three"),
        pytest.param([(None, None), (None, None)], None, None, id="nothing-known"),
    ],
)  # fmt: skip
def test_strictest_consent_wins_whatever_the_rules(
    statuses: list[tuple[str | None, str | None]],
    subscription: str | None,
    email_status: str | None,
) -> None:
    records = [
        cand(uuid.UUID(int=i + 1), days=-i, subscription_status=s, email_status=e)
        for i, (s, e) in enumerate(statuses)
    ]
    golden = contact_golden(records[0], *records[1:], fields={"email": "survivor"})
    assert golden["subscription_status"].value == subscription
    assert golden["email_status"].value == email_status
    assert golden["subscription_status"].rule == "strictest"


def test_emails_and_phones_are_united_not_dropped() -> None:
    golden = contact_golden(
        cand(A, email="j.martin@acme.fr", additional_emails=["jm@gmail.com"], phone="+33612345678"),
        cand(B, days=2, email="J.Martin@ACME.fr", additional_emails=[], phone="+33700000000",
             additional_phones=["+33612345678"]),
        cand(C, email="jeanne@martin.fr", additional_emails=["jm@gmail.com"]),
        fields={"email": "survivor", "phone": "survivor"},
    )  # fmt: skip
    assert golden["email"].value == "j.martin@acme.fr"
    assert golden["additional_emails"].value == ["jm@gmail.com", "jeanne@martin.fr"]
    assert golden["phone"].value == "+33612345678"
    assert golden["additional_phones"].value == ["+33700000000"]


def test_latest_interaction_is_kept() -> None:
    golden = contact_golden(
        cand(A, last_interaction_at=T0),
        cand(B, last_interaction_at=T0 + timedelta(days=40)),
        cand(C, last_interaction_at=None),
    )
    assert golden["last_interaction_at"].value == T0 + timedelta(days=40)


def test_override_takes_the_named_record_and_its_group() -> None:
    golden = contact_golden(
        cand(A, email="a@acme.fr", email_domain="acme.fr", email_status="valid"),
        cand(B, email="b@other.fr", email_domain="other.fr"),
        overrides={"email_domain": B},
    )
    assert (golden["email"].value, golden["email_domain"].value) == ("b@other.fr", "other.fr")
    assert golden["email"].rule == "override"
    assert golden["additional_emails"].value == ["a@acme.fr"]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        pytest.param({"subscription_status": B}, "not_chosen", id="consent-not-overridable"),
        pytest.param({"nickname": B}, "not_chosen", id="unknown-field"),
        pytest.param({"email": uuid.UUID(int=99)}, "record_not_merged", id="outsider"),
        pytest.param({"email": A, "email_domain": B}, "group_split", id="group-split"),
    ],
)
def test_refused_overrides(overrides: dict[str, uuid.UUID], reason: str) -> None:
    with pytest.raises(UnknownOverride) as refused:
        contact_golden(cand(A, email="a@x.fr"), cand(B, email="b@x.fr"), overrides=overrides)
    assert refused.value.reason == reason


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        pytest.param("oldest", B, id="oldest"),
        pytest.param("most_recent", C, id="most-recent"),
        pytest.param("most_complete", A, id="most-complete"),
        pytest.param("source_priority", C, id="source-priority"),
    ],
)
def test_survivor_rules(rule: str, expected: uuid.UUID) -> None:
    records = [
        cand(A, created=5, days=6, source="form", first_name="Ana", last_name="Ruiz",
             email="a@x.es", phone="+34600000000"),
        cand(B, created=1, days=2, source="hubspot", last_name="Ruiz"),
        cand(C, created=3, days=9, source="salesforce", last_name="RUIZ", email="a@x.es"),
    ]  # fmt: skip
    chosen = choose_survivor(records, rule, CONTACT, ("salesforce",))  # type: ignore[arg-type]
    assert chosen.record_id == expected


def test_ties_go_to_the_oldest_record() -> None:
    records = [cand(A, created=3, last_name="X"), cand(B, created=1, last_name="Y")]
    assert choose_survivor(records, "most_complete", CONTACT, ()).record_id == B


def test_huge_and_odd_values_do_not_break_rules() -> None:
    huge = "x" * 100_000
    golden = contact_golden(
        cand(A, first_name=huge, last_name="\u200bMartin", civility=123),
        cand(B, first_name="Ｊｅａｎ", last_name="Martin", civility=None),
    )
    assert golden["first_name"].value == huge
    assert golden["civility"].value == 123  # a wrong type is carried, never crashes a rule
