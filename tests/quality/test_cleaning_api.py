"""The cleaning job through the API, on a real PostgreSQL with a real worker: legacy rows
loaded straight into the tables, dry run, listing, apply, audit, and a re-run that plans
nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import text

from app.records.models import Company, Contact
from tests.conftest import live_app
from tests.support.jobs import run_jobs

URL = "/v1/quality/cleanings"


def _contact(**fields: Any) -> Contact:
    return Contact(id=uuid.uuid4(), created_by_type="system", **fields)


async def _load(app: Any, *records: Any) -> list[uuid.UUID]:
    """A legacy import: rows written as they came, no validation, no normalisation."""
    async with app.state.sessionmaker.begin() as session:
        session.add_all(records)
    return [r.id for r in records]


async def _row(app: Any, table: str, record_id: uuid.UUID) -> dict[str, Any]:
    async with app.state.sessionmaker() as session:
        row = await session.execute(
            text(f"SELECT * FROM {table} WHERE id = :id"),  # noqa: S608  (a constant of this module)
            {"id": record_id},
        )
        # the quality columns are derived: a scheduled rescore run by run_jobs may refresh them
        return {k: v for k, v in row.mappings().one().items() if not k.startswith("quality_")}


async def _dry_run(client: AsyncClient, headers: dict, url: str, body: dict) -> dict[str, Any]:
    started = await client.post(URL, json=body, headers=headers)
    assert started.status_code == 202, started.text
    await run_jobs(url)
    run = await client.get(f"{URL}/{started.json()['id']}", headers=headers)
    assert run.status_code == 200 and run.json()["status"] == "planned", run.text
    return run.json()


async def _all_changes(client: AsyncClient, headers: dict, run_id: str) -> list[dict]:
    items, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await client.get(f"{URL}/{run_id}/changes", params=params, headers=headers)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


@pytest.mark.committed
async def test_dry_run_lists_then_apply_cleans_audits_and_a_rerun_plans_nothing(
    committed_url: str,
) -> None:
    async with live_app(committed_url, role="data_steward") as (client, app, headers):
        messy, clean, bad_phone, no_name, merged, edited = await _load(
            app,
            _contact(civility="MONSIEUR", first_name="  JEAN-PIERRE ", last_name="DE LA FONTAINE",
                     email=" Jean.Dupont@EXEMPLE.FR", phone="06 12 34 56 78", country="fr"),
            _contact(civility="Mme", first_name="Claire", last_name="Martin",
                     email="claire@exemple.fr", phone="+33612345679"),
            _contact(first_name="lucie", last_name="O'BRIEN", phone="12", email="l@exemple.fr"),
            _contact(first_name="PAUL", phone="0612345670"),
            _contact(first_name="ANNE", last_name="DURAND", phone="0612345671", status="merged"),
            _contact(first_name="MARC", last_name="Petit", email="m@exemple.fr"),
        )  # fmt: skip
        before = await _row(app, "contacts", messy)

        started = await client.post(URL, json={"entity": "contact"}, headers=headers)
        assert started.status_code == 202, started.text
        run_id = started.json()["id"]
        early = await client.post(f"{URL}/{run_id}/apply", headers=headers)
        assert early.status_code == 409
        assert (early.json()["code"], early.json()["reason"]) == (
            "quality.cleaning.dry_run_not_finished", "planning"
        )  # fmt: skip

        await run_jobs(committed_url)
        run = (await client.get(f"{URL}/{run_id}", headers=headers)).json()
        assert run["status"] == "planned" and run["records_scanned"] == 5
        assert run["records_to_change"] == 3  # messy, bad_phone (names), edited
        assert run["changes_per_field"] == {
            "civility": 1, "first_name": 3, "last_name": 2, "email": 1, "phone": 1, "country": 1
        }  # fmt: skip
        assert run["unresolved_per_field"] == {"phone": 1}
        assert run["blocked"] == {"field.required": 1}
        assert run["progress"]["done"] == 5 and run["applicable_until"] is not None
        assert await _row(app, "contacts", messy) == before  # a dry run changes nothing

        listed = {i["record_id"]: i for i in await _all_changes(client, headers, run_id)}
        assert set(listed) == {str(messy), str(bad_phone), str(edited)}
        assert {c["field"]: (c["before"], c["after"]) for c in listed[str(messy)]["changes"]} == {
            "civility": ("MONSIEUR", "M."),
            "first_name": ("  JEAN-PIERRE ", "Jean-Pierre"),
            "last_name": ("DE LA FONTAINE", "de La Fontaine"),
            "email": (" Jean.Dupont@EXEMPLE.FR", "jean.dupont@exemple.fr"),
            "phone": ("06 12 34 56 78", "+33612345678"),
            "country": ("fr", "FR"),
        }
        assert listed[str(bad_phone)]["unresolved"] == ["phone"]
        # No personal value is stored with the run: only ids, versions and field names.
        async with app.state.sessionmaker() as session:
            stored = (await session.execute(text(
                "SELECT cleaning_changes::text FROM cleaning_changes WHERE run_id = :id"
            ), {"id": run_id})).scalars().all()  # fmt: skip
        assert len(stored) == 3 and not any("JEAN" in s or "@" in s for s in stored)

        # Someone edits a planned record meanwhile: apply must leave it alone.
        patched = await client.patch(f"/v1/contacts/{edited}", json={"first_name": "MARCEL"},
                                     headers=headers | {"If-Match": '"1"'})  # fmt: skip
        assert patched.status_code == 200, patched.text
        listed = await client.get(f"{URL}/{run_id}/changes", params={"limit": 50}, headers=headers)
        stale = {i["record_id"]: i["stale"] for i in listed.json()["items"]}
        assert stale == {str(messy): False, str(bad_phone): False, str(edited): True}

        applied = await client.post(f"{URL}/{run_id}/apply", headers=headers)
        assert applied.status_code == 202, applied.text
        again = await client.post(f"{URL}/{run_id}/apply", headers=headers)
        assert (again.status_code, again.json()["code"]) == (
            409,
            "quality.cleaning.already_applied",
        )
        await run_jobs(committed_url)

        run = (await client.get(f"{URL}/{run_id}", headers=headers)).json()
        assert run["status"] == "applied" and run["applied_at"] is not None
        assert run["applied"] == {"applied": 2, "skipped_changed": 1}
        listed = {i["record_id"]: i for i in await _all_changes(client, headers, run_id)}
        assert {k: v["outcome"] for k, v in listed.items()} == {
            str(messy): "applied", str(bad_phone): "applied", str(edited): "skipped_changed"
        }  # fmt: skip
        # Former values are not kept anywhere: after apply only the new ones can be shown.
        shown = {c["field"]: (c["before"], c["after"]) for c in listed[str(messy)]["changes"]}
        assert shown["first_name"] == (None, "Jean-Pierre") and shown["phone"] == (
            None,
            "+33612345678",
        )
        after = await _row(app, "contacts", messy)
        assert (after["civility"], after["first_name"], after["last_name"]) == (
            "M.", "Jean-Pierre", "de La Fontaine"
        )  # fmt: skip
        assert (after["email"], after["email_domain"], after["phone"], after["country"]) == (
            "jean.dupont@exemple.fr", "exemple.fr", "+33612345678", "FR"
        )  # fmt: skip
        assert after["version"] == 2
        fixed = await _row(app, "contacts", bad_phone)
        assert (fixed["first_name"], fixed["last_name"], fixed["phone"]) == (
            "Lucie",
            "O'Brien",
            "12",
        )
        assert (await _row(app, "contacts", no_name))["first_name"] == "PAUL"
        assert (await _row(app, "contacts", merged))["first_name"] == "ANNE"
        assert (await _row(app, "contacts", clean))["version"] == 1

        async with app.state.sessionmaker() as session:
            events = (await session.execute(text(
                "SELECT entity_id, actor_type, actor_id, fields, request_id FROM audit_events "
                "WHERE action = 'contact.updated' AND request_id = :rid ORDER BY seq"
            ), {"rid": f"cleaning:{run_id}"})).all()  # fmt: skip
            outbox = await session.scalar(text(
                "SELECT count(*) FROM outbox WHERE type = 'record.updated' "
                "AND record_id IN (:a, :b)"
            ), {"a": messy, "b": bad_phone})  # fmt: skip
            summary = await session.scalar(text(
                "SELECT details FROM audit_events WHERE action = 'quality.cleaning.applied' "
                "AND entity_id = :id"
            ), {"id": run_id})  # fmt: skip
        assert {e.entity_id for e in events} == {str(messy), str(bad_phone)}
        assert all(e.actor_type == "user" and e.actor_id for e in events)
        messy_event = next(e for e in events if e.entity_id == str(messy))
        assert {"civility", "first_name", "last_name", "email", "phone", "country"} <= set(
            messy_event.fields
        )
        assert outbox == 2
        assert summary == {"entity": "contact", "applied": 2, "skipped_changed": 1}

        rerun = await _dry_run(client, headers, committed_url, {"entity": "contact"})
        assert (rerun["records_to_change"], rerun["changes_per_field"]) == (0, {})


@pytest.mark.committed
async def test_additional_emails_and_phones_are_cleaned_as_lists(committed_url: str) -> None:
    async with live_app(committed_url, role="data_steward") as (client, app, headers):
        messy, one_bad = await _load(
            app,
            _contact(last_name="Martin", email="c.martin@exemple.fr",
                     additional_emails=["C.Martin@Perso.FR", "c.martin@perso.fr"],
                     additional_phones=["06 12 34 56 78", "01.42.68.53.00"]),
            _contact(last_name="Durand", email="p.durand@exemple.fr",
                     additional_phones=["06 12 34 56 79", "12"]),
        )  # fmt: skip
        fields = ["additional_emails", "additional_phones"]
        run = await _dry_run(
            client, headers, committed_url, {"entity": "contact", "fields": fields}
        )
        assert run["records_to_change"] == 1
        assert run["changes_per_field"] == {"additional_emails": 1, "additional_phones": 1}
        assert run["unresolved_per_field"] == {"additional_phones": 1}
        (listed,) = await _all_changes(client, headers, run["id"])
        assert listed["record_id"] == str(messy)
        assert {c["field"]: (c["before"], c["after"]) for c in listed["changes"]} == {
            "additional_emails": (["C.Martin@Perso.FR", "c.martin@perso.fr"],
                                  ["c.martin@perso.fr"]),
            "additional_phones": (["06 12 34 56 78", "01.42.68.53.00"],
                                  ["+33612345678", "+33142685300"]),
        }  # fmt: skip

        applied = await client.post(f"{URL}/{run['id']}/apply", headers=headers)
        assert applied.status_code == 202, applied.text
        await run_jobs(committed_url)
        after = await _row(app, "contacts", messy)
        assert after["additional_emails"] == ["c.martin@perso.fr"]
        assert after["additional_phones"] == ["+33612345678", "+33142685300"]
        untouched = await _row(app, "contacts", one_bad)
        assert (untouched["additional_phones"], untouched["version"]) == (
            ["06 12 34 56 79", "12"], 1
        )  # fmt: skip
        rerun = await _dry_run(
            client, headers, committed_url, {"entity": "contact", "fields": fields}
        )
        assert (rerun["records_to_change"], rerun["unresolved_per_field"]) == (
            0, {"additional_phones": 1}
        )  # fmt: skip


@pytest.mark.committed
async def test_companies_by_source_and_field_get_their_legal_form_split_off(
    committed_url: str,
) -> None:
    async with live_app(committed_url, role="admin") as (client, app, headers):
        legacy, other, has_form = await _load(
            app,
            Company(id=uuid.uuid4(), created_by_type="system", name="dupont logistique sarl",
                    siren="552100554", city="PARIS", source_system="legacy"),
            Company(id=uuid.uuid4(), created_by_type="system", name="MARTIN SAS", siren="552100554",
                    source_system="crm"),
            Company(id=uuid.uuid4(), created_by_type="system", name="Durand SA", legal_form="SAS",
                    siren="552100554", source_system="legacy"),
        )  # fmt: skip
        run = await _dry_run(
            client,
            headers,
            committed_url,
            {"entity": "company", "fields": ["name"], "source": "legacy"},
        )
        assert run["records_scanned"] == 2 and run["fields"] == ["name"]
        assert run["changes_per_field"] == {"name": 2, "legal_form": 1}
        applied = await client.post(f"{URL}/{run['id']}/apply", headers=headers)
        assert applied.status_code == 202
        await run_jobs(committed_url)

        row = await _row(app, "companies", legacy)
        # Only the field asked for (and what the write path derives from it) changed.
        assert (row["name"], row["legal_form"], row["city"]) == (
            "Dupont Logistique", "SARL", "PARIS"
        )  # fmt: skip
        assert (await _row(app, "companies", other))["name"] == "MARTIN SAS"
        # A legal form already stored is never overwritten by the one in the name.
        row = await _row(app, "companies", has_form)
        assert (row["name"], row["legal_form"]) == ("Durand", "SAS")
        rerun = await _dry_run(
            client,
            headers,
            committed_url,
            {"entity": "company", "fields": ["name"], "source": "legacy"},
        )
        assert rerun["records_to_change"] == 0


@pytest.mark.committed
async def test_apply_resumes_after_a_crash_without_writing_a_record_twice(
    committed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.quality import cleaning_job

    async with live_app(committed_url, role="admin") as (client, app, headers):
        ids = await _load(
            app, *(_contact(last_name=f"NOM{chr(65 + i)}", phone="0612345678") for i in range(3))
        )
        run = await _dry_run(client, headers, committed_url, {"entity": "contact"})
        assert run["records_to_change"] == 3
        assert (await client.post(f"{URL}/{run['id']}/apply", headers=headers)).status_code == 202

        # One record per batch; the worker dies while writing the second record.
        monkeypatch.setattr(cleaning_job, "APPLY_BATCH", 1)
        update, calls = cleaning_job.records.update, []

        async def crashing(*args: Any, **kwargs: Any) -> Any:
            calls.append(args[3])
            if len(calls) == 2:
                raise RuntimeError("worker killed")
            return await update(*args, **kwargs)

        monkeypatch.setattr(cleaning_job.records, "update", crashing)
        await run_jobs(committed_url)
        monkeypatch.setattr(cleaning_job.records, "update", update)
        halfway = (await client.get(f"{URL}/{run['id']}", headers=headers)).json()
        assert halfway["status"] == "applying" and halfway["progress"]["done"] == 1
        # batches follow record ids: the first one committed, the second rolled back
        assert [(await _row(app, "contacts", i))["version"] for i in sorted(ids)] == [2, 1, 1]
        async with app.state.sessionmaker.begin() as session:  # retry now, not after back-off
            await session.execute(text("UPDATE jobs SET run_after = now() WHERE status = 'queued'"))
        await run_jobs(committed_url)

        done = (await client.get(f"{URL}/{run['id']}", headers=headers)).json()
        assert done["status"] == "applied" and done["applied"] == {"applied": 3}
        rows = [await _row(app, "contacts", i) for i in ids]
        assert [(r["last_name"], r["version"]) for r in rows] == [
            ("Noma", 2), ("Nomb", 2), ("Nomc", 2)
        ]  # fmt: skip
        async with app.state.sessionmaker() as session:
            audited = await session.scalar(text(
                "SELECT count(*) FROM audit_events WHERE action = 'contact.updated' "
                "AND request_id = :rid"
            ), {"rid": f"cleaning:{run['id']}"})  # fmt: skip
        assert audited == 3
