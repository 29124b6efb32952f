"""Swagger UI and ReDoc work on a closed network: every asset is served by the app itself."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from app.core.docs import install_docs
from app.core.settings import Settings
from app.main import create_app

JAVASCRIPT = {"text/javascript", "application/javascript"}  # both are registered for .js
ASSET_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']*)["']""")


@pytest.fixture
def docs_app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
async def docs_client(docs_app: FastAPI) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=docs_app)
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def media_type(content_type: str) -> str:
    return content_type.split(";")[0].strip()


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        pytest.param("/docs", "SwaggerUIBundle(", id="swagger-ui"),
        pytest.param("/docs/oauth2-redirect", "oauth2", id="oauth2-redirect"),
        pytest.param("/redoc", "<redoc spec-url=", id="redoc"),
    ],
)
async def test_pages_answer_html(docs_client: AsyncClient, path: str, marker: str) -> None:
    response = await docs_client.get(path)
    assert response.status_code == 200
    assert media_type(response.headers["content-type"]) == "text/html"
    assert marker in response.text
    assert (await docs_client.head(path)).status_code == 200


@pytest.mark.parametrize(
    ("asset", "types", "marker"),
    [
        pytest.param("swagger-ui-bundle.js", JAVASCRIPT, b"SwaggerUIBundle", id="swagger-js"),
        pytest.param("swagger-ui.css", {"text/css"}, b".swagger-ui", id="swagger-css"),
        pytest.param("redoc.standalone.js", JAVASCRIPT, b"Redoc", id="redoc-js"),
        pytest.param("favicon.png", {"image/png"}, b"\x89PNG\r\n\x1a\n", id="favicon"),
    ],
)
async def test_assets_answer_with_their_content_type(
    docs_client: AsyncClient, asset: str, types: set[str], marker: bytes
) -> None:
    response = await docs_client.get(f"/docs/assets/{asset}")
    assert response.status_code == 200
    assert media_type(response.headers["content-type"]) in types
    assert marker in response.content
    # Browsers revalidate instead of downloading 1.5 MB again.
    etag = response.headers["etag"]
    again = await docs_client.get(f"/docs/assets/{asset}", headers={"If-None-Match": etag})
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        pytest.param(
            "/docs",
            {"/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"},
            id="swagger-ui",
        ),
        pytest.param("/redoc", {"/docs/assets/redoc.standalone.js"}, id="redoc"),
    ],
)
async def test_pages_reference_only_local_assets(
    docs_client: AsyncClient, page: str, expected: set[str]
) -> None:
    html = (await docs_client.get(page)).text
    references = set(ASSET_REFERENCE.findall(html))
    assert expected <= references
    for url in references:
        assert url.startswith("/") and not url.startswith("//"), url
        assert (await docs_client.get(url)).status_code == 200, url
    # Nor anything fetched from script: no CDN, no web fonts.
    assert not re.search(r"https?://|//cdn|fonts\.googleapis", html), html


async def test_swagger_ui_keeps_authorisation_and_local_oauth2_redirect(
    docs_client: AsyncClient,
) -> None:
    html = (await docs_client.get("/docs")).text
    assert '"persistAuthorization": true' in html
    assert "url: '/openapi.json'" in html
    assert "oauth2RedirectUrl: window.location.origin + '/docs/oauth2-redirect'" in html


async def test_behind_a_path_prefix_every_url_keeps_it(docs_app: FastAPI) -> None:
    transport = ASGITransport(app=docs_app, root_path="/crm")
    async with AsyncClient(transport=transport, base_url="http://test") as client:
        docs = (await client.get("/crm/docs")).text
        redoc = (await client.get("/crm/redoc")).text
        asset = await client.get("/crm/docs/assets/swagger-ui.css")
    assert 'href="/crm/docs/assets/swagger-ui.css"' in docs
    assert 'src="/crm/docs/assets/swagger-ui-bundle.js"' in docs
    assert "url: '/crm/openapi.json'" in docs
    assert "window.location.origin + '/crm/docs/oauth2-redirect'" in docs
    assert 'src="/crm/docs/assets/redoc.standalone.js"' in redoc
    assert asset.status_code == 200


@pytest.mark.parametrize(
    "asset",
    [
        pytest.param("nope.js", id="unknown"),
        pytest.param("", id="folder-listing"),
        pytest.param("SWAGGER-UI.CSS", id="other-case"),
        pytest.param("swagger\u2010ui.css", id="unicode-hyphen-look-alike"),
        pytest.param("%2e%2e/%2e%2e/main.py", id="dot-dot-escape"),
        pytest.param("..%2f..%2fcore%2fdocs.py", id="encoded-slash-escape"),
        pytest.param("x" * 5000 + ".js", id="huge-name"),
    ],
)
async def test_missing_or_escaping_asset_is_a_404_problem(
    docs_client: AsyncClient, asset: str
) -> None:
    response = await docs_client.get(f"/docs/assets/{asset}")
    assert response.status_code == 404
    assert media_type(response.headers["content-type"]) == "application/problem+json"
    assert response.json()["code"] == "not_found"


async def test_doc_routes_stay_out_of_the_schema(docs_app: FastAPI) -> None:
    paths = docs_app.openapi()["paths"]
    assert not [p for p in paths if p.startswith(("/docs", "/redoc"))]


def test_refuses_an_app_that_still_serves_fastapis_cdn_pages() -> None:
    with pytest.raises(RuntimeError, match="docs_url=None, redoc_url=None"):
        install_docs(FastAPI())


async def test_without_a_schema_there_are_no_docs() -> None:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    install_docs(app)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get("/docs")).status_code == 404
        assert (await client.get("/docs/assets/swagger-ui.css")).status_code == 404
