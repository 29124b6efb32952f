from __future__ import annotations

from httpx import ASGITransport, AsyncClient

from app.core import migrations
from app.main import create_app
from tests.conftest import make_test_settings
from tests.support.databases import PgTestServer


async def test_healthz(client: AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_when_database_at_head(client: AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": "ok",
        "migration": migrations.head_revision(),
    }


async def test_readyz_is_503_when_migrations_missing(pg: PgTestServer) -> None:
    with pg.empty() as url:
        app = create_app(make_test_settings(url))
        async with app.router.lifespan_context(app):
            transport = ASGITransport(app=app)
            async with AsyncClient(transport=transport, base_url="http://t") as client:
                response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "migrations_pending"
    assert (body["current"], body["expected"]) == (None, migrations.head_revision())


async def test_readyz_is_503_when_database_unreachable() -> None:
    url = "postgresql+asyncpg://nobody:nothing@127.0.0.1:1/none"
    app = create_app(make_test_settings(url))
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "database_unavailable"


async def test_metrics_count_requests_by_route_template(client: AsyncClient) -> None:
    await client.get("/healthz")
    await client.get("/no/such/route/42")
    text = (await client.get("/metrics")).text
    assert 'crmdq_http_requests_total{method="GET",route="/healthz",status="200"} 1.0' in text
    assert 'route="unmatched",status="404"' in text
    assert "/no/such/route/42" not in text
    assert (
        'crmdq_http_request_duration_seconds_bucket{le="0.005",method="GET",route="/healthz"}'
        in text
    )


async def test_docs_and_redoc_are_served(client: AsyncClient) -> None:
    assert "swagger-ui" in (await client.get("/docs")).text
    assert "redoc" in (await client.get("/redoc")).text.lower()
    spec = (await client.get("/openapi.json")).json()
    assert spec["info"]["title"] == "crm-dq"
