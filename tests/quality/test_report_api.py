"""GET /v1/quality/report on real PostgreSQL: each metric against records of known make-up."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.scopes import Role
from app.core.timeutil import utcnow
from app.dedup.models import DuplicatePair
from app.records.models import Company, Contact
from tests.support.auth import bearer, machine_token, user_token

URL = "/v1/quality/report"
NOW = utcnow()


def days_ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


# Ten active contacts; what each one is made of drives every expected figure below.
CONTACTS: list[dict[str, Any]] = [
    dict(civility="M.", email="a@exemple.fr", phone="+33612345678", quality_score=90),
    dict(civility="Mme", email="b@exemple.fr", phone="0612345678", quality_score=70,
         quality_flags=["phone:not_e164"]),
    dict(civility=None, email="c@exemple", quality_score=40,
         quality_flags=["email:invalid", "civility:missing"]),
    dict(civility="  ", email="d@gmial.com", quality_score=60,
         quality_flags=["email:suspicious"], subscription_status="unsubscribed"),
    dict(civility=None, phone="+3361", quality_score=30, quality_flags=["phone:invalid"],
         email_status="bounced"),
    dict(civility="Dr", email="f@exemple.fr", additional_phones=["+33612345678", "0611223344"]),
    dict(civility="M.", email="g@exemple.fr", last_interaction_at=days_ago(400),
         quality_score=80, subscription_status="unsubscribed"),
    dict(civility="Mme", phone="+33 6 12 34 56 78", last_interaction_at=days_ago(800),
         quality_score=50, quality_flags=["phone:suspicious"]),
    dict(civility="M.", email="i@exemple.fr", last_interaction_at=days_ago(1200),
         created_at=days_ago(1500), lifecycle_stage="lead", quality_score=20),
    dict(civility="Mme", email="j@exemple.fr", updated_at=days_ago(500), created_at=days_ago(500),
         lifecycle_stage="customer", quality_score=100),
]  # fmt: skip
# Never counted: not active.
INACTIVE: list[dict[str, Any]] = [
    dict(status="merged", civility=None, email_status="bounced", quality_score=0),
    dict(status="anonymised", civility=None, created_at=days_ago(3000)),
]

EXPECTED_COUNTS = [
    pytest.param("records", 10, id="records-active-only"),
    pytest.param("civility_missing", 3, id="civility-missing-incl-blank"),
    pytest.param("fill.civility", 7, id="fill-civility"),
    pytest.param("fill.email", 8, id="fill-email"),
    pytest.param("fill.phone", 4, id="fill-phone"),
    pytest.param("fill.company_id", 0, id="fill-nothing"),
    pytest.param("unscored", 1, id="unscored"),
    pytest.param("email_invalid", 1, id="email-invalid-flag"),
    pytest.param("email_suspicious", 1, id="email-suspicious-flag"),
    pytest.param("email_valid", 5, id="email-valid-filled-scored-unflagged"),
    pytest.param("phone_invalid", 1, id="phone-invalid-flag"),
    pytest.param("phone_suspicious", 1, id="phone-suspicious-flag"),
    pytest.param("phone_valid", 2, id="phone-valid"),
    pytest.param("phone_not_e164", 4, id="not-e164-raw-incl-additional-and-too-short"),
    pytest.param("duplicate", 2, id="duplicate-open-pairs-only"),
    pytest.param("stale_12m", 4, id="stale-12m-incl-by-update"),
    pytest.param("stale_24m", 2, id="stale-24m"),
    pytest.param("stale_36m", 1, id="stale-36m"),
    pytest.param("retention_due", 1, id="past-retention-prospect-only"),
    pytest.param("unsubscribed", 2, id="unsubscribed"),
    pytest.param("bounced", 1, id="bounced"),
]


async def add_contacts(
    session: AsyncSession, rows: list[dict[str, Any]], **common: Any
) -> list[Contact]:
    contacts = [
        Contact(id=uuid.uuid4(), last_name="Lefèvre", created_by_type="system", **(common | row))
        for row in rows
    ]
    session.add_all(contacts)
    await session.flush()
    return contacts


async def add_pair(session: AsyncSession, entity: str, a: uuid.UUID, b: uuid.UUID, status: str):
    left, right = sorted((a, b))
    session.add(
        DuplicatePair(entity=entity, left_id=left, right_id=right, probability=0.97,
                      verdict="duplicate", reasons=[], evidence=[], status=status)
    )  # fmt: skip
    await session.flush()


async def seed_contacts(session: AsyncSession) -> list[Contact]:
    """The ten contacts (five from hubspot, five from salesforce) and their pairs."""
    first = await add_contacts(session, CONTACTS[:5], source_system="hubspot", country="FR")
    second = await add_contacts(session, CONTACTS[5:], source_system="salesforce", country="BE")
    inactive = await add_contacts(session, INACTIVE, source_system="hubspot")
    contacts = first + second
    await add_pair(session, "contact", contacts[0].id, contacts[1].id, "open")
    await add_pair(session, "contact", contacts[0].id, inactive[0].id, "open")
    await add_pair(session, "contact", contacts[2].id, contacts[3].id, "dismissed")
    await add_pair(session, "company", contacts[9].id, contacts[8].id, "open")
    return contacts


async def headers_for(app: FastAPI, session: AsyncSession, role: Role) -> dict[str, str]:
    _, token = await user_token(session, app.state.auth, role)
    return bearer(token)


async def report(client: AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get(URL, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("metric", "count"), EXPECTED_COUNTS)
async def test_each_contact_metric_counts_the_records_that_have_it(
    client: AsyncClient, app: FastAPI, session: AsyncSession, metric: str, count: int
) -> None:
    await seed_contacts(session)
    body = await report(client, await headers_for(app, session, Role.AUDITOR))
    assert body["records"] == 10
    assert body["metrics"][metric]["count"] == count
    if metric != "records":
        assert body["metrics"][metric]["value"] == pytest.approx(count / 10)


async def test_score_average_is_over_scored_records_and_unscored_are_said(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    await seed_contacts(session)
    body = await report(client, await headers_for(app, session, Role.DPO))
    scores = [c["quality_score"] for c in CONTACTS if c.get("quality_score") is not None]
    assert body["metrics"]["score_average"] == {
        "value": pytest.approx(sum(scores) / len(scores)),
        "count": None,
    }
    assert body["unscored"] == 1


FILL = [
    pytest.param("Directeur", True, id="plain"),
    pytest.param("Écrivain", True, id="accented-first-letter"),
    pytest.param(" Directeur", True, id="leading-space"),
    pytest.param("\tChef", True, id="leading-tab"),
    pytest.param("\u00a0", True, id="nbsp-is-not-a-space-to-btrim"),
    pytest.param("!", True, id="lowest-printable"),
    pytest.param("   ", False, id="only-spaces"),
    pytest.param("", False, id="empty"),
    pytest.param(None, False, id="null"),
]


@pytest.mark.parametrize(("job_title", "filled"), FILL)
async def test_fill_rate_counts_values_that_are_not_only_spaces(
    client: AsyncClient, app: FastAPI, session: AsyncSession, job_title: str | None, filled: bool
) -> None:
    await add_contacts(session, [dict(job_title=job_title)])
    body = await report(client, await headers_for(app, session, Role.AUDITOR), breakdowns="false")
    assert body["metrics"]["fill.job_title"]["count"] == int(filled)


E164 = [
    pytest.param("+33612345678", False, id="french-mobile"),
    pytest.param("+1234567", False, id="seven-digits"),
    pytest.param("+123456789012345", False, id="fifteen-digits"),
    pytest.param("+123456", True, id="six-digits"),
    pytest.param("+1234567890123456", True, id="sixteen-digits"),
    pytest.param("+0612345678", True, id="country-code-zero"),
    pytest.param("0612345678", True, id="national-form"),
    pytest.param("+33 612345678", True, id="inner-space"),
    pytest.param("\uff0b33612345678", True, id="fullwidth-plus"),
    pytest.param("+\u0663\u0663\u0666\u0661\u0662\u0663\u0664\u0665\u0666", True,
                 id="arabic-indic-digits"),
    pytest.param("+", True, id="plus-only"),
    pytest.param("", False, id="empty-is-not-a-phone"),
    pytest.param(None, False, id="no-phone"),
]  # fmt: skip


@pytest.mark.parametrize(("phone", "not_e164"), E164)
async def test_phone_not_in_e164(
    client: AsyncClient, app: FastAPI, session: AsyncSession, phone: str | None, not_e164: bool
) -> None:
    await add_contacts(session, [dict(phone=phone)])
    await add_contacts(session, [dict(additional_phones=[p]) for p in [phone] if p])
    body = await report(client, await headers_for(app, session, Role.AUDITOR), breakdowns="false")
    # Once as the main phone, once as an additional one: the same rule for both.
    expected = 2 * int(not_e164) if phone else 0
    assert body["metrics"]["phone_not_e164"]["count"] == expected


async def test_empty_dataset_has_no_shares_rather_than_a_division_by_zero(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    body = await report(client, await headers_for(app, session, Role.AUDITOR), entity="company")
    assert body["records"] == 0
    assert body["metrics"]["duplicate"] == {"value": None, "count": 0}
    assert body["metrics"]["score_average"]["value"] is None


FILTERS = [
    pytest.param({"source": "hubspot"}, 5, 3, id="source"),
    pytest.param({"source": "nowhere"}, 0, 0, id="source-unknown"),
    pytest.param({"country": "be"}, 5, 0, id="country-lower-case"),
    pytest.param({"lifecycle_stage": "lead"}, 1, 0, id="lifecycle-stage"),
    pytest.param({"source": "hubspot", "country": "FR"}, 5, 3, id="combined"),
    pytest.param({"source": "Ünïcode sourcé"}, 0, 0, id="accented-source"),
]


@pytest.mark.parametrize(("params", "records", "civility_missing"), FILTERS)
async def test_filters_narrow_the_segment(
    client: AsyncClient,
    app: FastAPI,
    session: AsyncSession,
    params: dict[str, str],
    records: int,
    civility_missing: int,
) -> None:
    await seed_contacts(session)
    body = await report(client, await headers_for(app, session, Role.AUDITOR), **params)
    assert body["records"] == records
    assert body["metrics"]["civility_missing"]["count"] == civility_missing
    assert body["filters"] == {{"source": "source_system"}.get(k, k): v for k, v in params.items()}


async def test_owner_and_sector_filters(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    owner = uuid.uuid4()
    employer = Company(id=uuid.uuid4(), name="Dupont Logistique", sector="transport",
                       created_by_type="system")  # fmt: skip
    session.add(employer)
    await session.flush()
    await add_contacts(session, CONTACTS[:3], owner_id=owner)
    await add_contacts(session, CONTACTS[3:5], company_id=employer.id)
    headers = await headers_for(app, session, Role.AUDITOR)
    assert (await report(client, headers, owner=str(owner)))["records"] == 3
    by_sector = await report(client, headers, sector="transport")
    assert by_sector["records"] == 2
    assert by_sector["metrics"]["fill.company_id"] == {"value": 1.0, "count": 2}
    companies = await report(client, headers, entity="company", sector="transport")
    assert companies["records"] == 1


async def test_breakdown_by_source_and_by_creator_with_names(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    steward, _ = await user_token(session, app.state.auth, Role.DATA_STEWARD)
    account, _ = await machine_token(session, app.state.auth, frozenset())
    contacts = await seed_contacts(session)
    for contact in contacts[:4]:
        contact.created_by_type, contact.created_by_id = "user", steward.id
    contacts[4].created_by_type, contacts[4].created_by_id = "service_account", account.id
    await session.flush()

    body = await report(client, await headers_for(app, session, Role.AUDITOR))
    by_source = {g["source_system"]: g for g in body["breakdowns"]["by_source"]}
    assert {k: g["records"] for k, g in by_source.items()} == {"hubspot": 5, "salesforce": 5}
    assert by_source["hubspot"]["metrics"]["civility_missing"] == {"value": 0.6, "count": 3}
    assert by_source["salesforce"]["metrics"]["stale_12m"] == {"value": 0.8, "count": 4}
    creators = {(g["created_by_type"], g["display_name"]): g for g in
                body["breakdowns"]["by_creator"]}  # fmt: skip
    assert {k: g["records"] for k, g in creators.items()} == {
        ("user", steward.email): 4,
        ("service_account", account.name): 1,
        ("system", None): 5,
    }
    assert creators[("user", steward.email)]["metrics"]["civility_missing"]["count"] == 2
    assert body["breakdowns"]["truncated"] is False


async def test_breakdowns_can_be_left_out(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    await seed_contacts(session)
    body = await report(client, await headers_for(app, session, Role.AUDITOR), breakdowns="false")
    assert body["breakdowns"] is None
    assert body["metrics"]["civility_missing"]["count"] == 3


async def test_company_metrics(client: AsyncClient, app: FastAPI, session: AsyncSession) -> None:
    rows = [
        dict(name="Dupont SAS", siren="552100554", phone="+33140000000", quality_score=90),
        dict(name="Durand", phone="01 40 00 00 00", quality_score=50,
             quality_flags=["phone:not_e164", "siren:invalid"]),
        dict(name=" ", last_interaction_at=days_ago(800)),
        dict(name="Ancienne", status="merged"),
    ]  # fmt: skip
    companies = [Company(id=uuid.uuid4(), created_by_type="system", **r) for r in rows]
    session.add_all(companies)
    await session.flush()
    await add_pair(session, "company", companies[0].id, companies[2].id, "open")
    body = await report(client, await headers_for(app, session, Role.AUDITOR), entity="company")
    metrics = body["metrics"]
    assert body["records"] == 3
    assert metrics["fill.name"]["count"] == 2
    assert metrics["fill.siren"]["count"] == 1
    assert metrics["phone_not_e164"]["count"] == 1
    assert metrics["phone_valid"]["count"] == 2
    assert metrics["duplicate"]["count"] == 2
    assert metrics["stale_24m"]["count"] == 1
    assert metrics["unscored"]["count"] == 1
    assert "civility_missing" not in metrics and "email_valid" not in metrics


BAD_REQUESTS = [
    pytest.param({"entity": "company", "lifecycle_stage": "lead"}, "lifecycle_stage",
                 "quality.report.filter_not_applicable", id="contact-filter-on-companies"),
    pytest.param({"entity": "contact", "size": "PME"}, "size",
                 "quality.report.filter_not_applicable", id="company-filter-on-contacts"),
    pytest.param({"entity": "person"}, "entity", "schema.literal_error", id="unknown-entity"),
    pytest.param({"owner": "not-a-uuid"}, "owner", "schema.uuid_parsing", id="owner-not-uuid"),
    pytest.param({"country": "FRA"}, "country", "schema.string_pattern_mismatch",
                 id="country-three-letters"),
    pytest.param({"source": "x" * 65}, "source", "schema.string_too_long", id="source-too-long"),
    pytest.param({"breakdowns": "maybe"}, "breakdowns", "schema.bool_parsing", id="not-a-bool"),
]  # fmt: skip


@pytest.mark.parametrize(("params", "field", "code"), BAD_REQUESTS)
async def test_bad_input_is_a_422_problem_naming_the_field(
    client: AsyncClient,
    app: FastAPI,
    session: AsyncSession,
    params: dict[str, str],
    field: str,
    code: str,
) -> None:
    headers = await headers_for(app, session, Role.AUDITOR)
    response = await client.get(URL, params=params, headers=headers | {"Accept-Language": "fr"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    assert all(e["message"] for e in errors)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        pytest.param(Role.ADMIN, 200, id="admin"),
        pytest.param(Role.DATA_STEWARD, 200, id="steward"),
        pytest.param(Role.DPO, 200, id="dpo"),
        pytest.param(Role.AUDITOR, 200, id="auditor"),
        pytest.param(Role.SALES, 403, id="sales"),
    ],
)
async def test_needs_quality_read(
    client: AsyncClient, app: FastAPI, session: AsyncSession, role: Role, status: int
) -> None:
    response = await client.get(URL, headers=await headers_for(app, session, role))
    assert response.status_code == status
    if status == 403:
        assert response.json()["code"] == "auth.missing_scope"


async def test_without_token_is_401(client: AsyncClient) -> None:
    response = await client.get(URL)
    assert response.status_code == 401


async def test_records_written_through_the_api_are_counted_with_the_scorers_flags(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    admin = await headers_for(app, session, Role.ADMIN)
    for body in (
        {"civility": "Mme", "last_name": "Lefèvre", "email": "zoe.lefevre@gmial.com"},
        {"last_name": "Faure", "phone": "06 12 34 56 78", "country": "FR"},
    ):
        created = await client.post("/v1/contacts", json=body, headers=admin)
        assert created.status_code == 201, created.text
    metrics = (await report(client, admin, breakdowns="false"))["metrics"]
    assert metrics["records"]["count"] == 2
    assert metrics["unscored"]["count"] == 0
    assert metrics["email_suspicious"]["count"] == 1
    assert metrics["civility_missing"]["count"] == 1
    assert metrics["fill.phone"]["count"] == 1


async def test_breakdowns_keep_the_largest_groups_and_say_so(
    client: AsyncClient, app: FastAPI, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.quality import report_service

    monkeypatch.setattr(report_service, "BREAKDOWN_LIMIT", 1)
    await seed_contacts(session)
    await add_contacts(session, [dict(civility="M.")], source_system="salesforce")
    body = await report(client, await headers_for(app, session, Role.AUDITOR))
    assert body["breakdowns"]["truncated"] is True
    assert [(g["source_system"], g["records"]) for g in body["breakdowns"]["by_source"]] == [
        ("salesforce", 6)
    ]
    assert body["records"] == 11  # the totals still count every group
