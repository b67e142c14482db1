"""The OpenAPI document at /v1/schema and the docs page at /docs (CONTRACT §1)."""
from __future__ import annotations

import json

import pytest
import yaml
from openapi_spec_validator import validate

from procure_core import scopes


@pytest.fixture
def document(api_client) -> dict:
    response = api_client.get("/v1/schema", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_schema_is_public_and_valid_openapi_3(document):
    validate(document)
    assert document["openapi"].startswith("3.")


def test_schema_is_served_as_yaml_by_default(api_client):
    response = api_client.get("/v1/schema/")
    assert response.status_code == 200
    assert yaml.safe_load(response.content)["info"]["title"] == "ProcureCore API"


def test_schema_ignores_a_bad_credential(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer nonsense")
    assert api_client.get("/v1/schema").status_code == 200


def test_every_procurement_endpoint_is_documented_without_trailing_slashes(document):
    for path in [
        "/v1/suppliers", "/v1/suppliers/{id}", "/v1/purchase-requests", "/v1/purchase-requests/{id}",
        "/v1/purchase-requests/{id}/submit", "/v1/purchase-requests/{id}/approve", "/v1/purchase-requests/{id}/reject",
        "/v1/orders", "/v1/orders/{id}", "/v1/orders/{id}/send", "/v1/orders/{id}/receive", "/v1/orders/{id}/cancel",
        "/v1/contracts", "/v1/contracts/{id}", "/v1/contracts/{id}/activate", "/v1/contracts/{id}/terminate",
        "/v1/contracts/{id}/expire", "/v1/reports/spend-by-supplier", "/v1/reports/spend-by-month",
        "/v1/reports/order-counts", "/v1/reports/contracts-expiring",
    ]:
        assert path in document["paths"], path
    assert not [p for p in document["paths"] if p.endswith("/")]


def test_jwt_and_session_schemes_are_described(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["jwt"] == {**schemes["jwt"], "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["session"]["in"] == "cookie"


@pytest.mark.parametrize("name", ["api_key", "hmac", "oauth"])
def test_api_key_hmac_and_oauth_schemes_are_described(document, name):
    schemes = document["components"]["securitySchemes"]
    if name == "api_key":
        assert schemes["apiKey"]["type"] == "http" and schemes["apiKey"]["scheme"] == "bearer"
        assert "ak_live_" in schemes["apiKey"]["bearerFormat"]
    elif name == "hmac":
        assert schemes["hmac"]["type"] == "apiKey" and schemes["hmac"]["in"] == "header"
        assert schemes["hmac"]["name"] == "Authorization"
        assert "PC-HMAC-SHA256" in schemes["hmac"]["description"]
    else:
        flows = schemes["oauth2"]["flows"]
        assert set(flows) == {"authorizationCode", "clientCredentials"}
        assert flows["authorizationCode"]["authorizationUrl"] == "/oauth/authorize"
        assert "PKCE" in schemes["oauth2"]["description"]
        for flow in flows.values():
            assert flow["tokenUrl"] == "/oauth/token"
            assert set(flow["scopes"]) == set(scopes.SCOPES)


@pytest.mark.parametrize(
    ("path", "method", "scope"),
    [
        ("/v1/suppliers", "get", "read:suppliers"),
        ("/v1/suppliers", "post", "write:suppliers"),
        ("/v1/purchase-requests/{id}/approve", "post", "write:purchase-requests"),
        ("/v1/orders/{id}", "delete", "write:orders"),
        ("/v1/contracts/{id}", "patch", "write:contracts"),
        ("/v1/reports/spend-by-month", "get", "read:reports"),
    ],
)
def test_each_operation_names_its_scope(document, path, method, scope):
    operation = document["paths"][path][method]
    assert operation["x-required-scope"] == scope
    assert f"Required scope: `{scope}`" in operation["description"]
    oauth = [requirement["oauth2"] for requirement in operation["security"] if "oauth2" in requirement]
    assert oauth in ([[scope]], [])  # [] only while the OAuth authentication class is not installed
    assert {"jwt": []} in operation["security"]


def test_every_procurement_operation_lists_a_scope_and_the_error_envelope(document):
    for path, method, operation in _operations(document):
        if not path.startswith(("/v1/suppliers", "/v1/purchase-requests", "/v1/orders", "/v1/contracts",
                                "/v1/reports")):
            continue
        assert operation["x-required-scope"] in scopes.SCOPES, (path, method)
        for code in ("400", "401", "403", "404", "429"):
            schema = operation["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}, (path, method, code)


def test_error_envelope_component(document):
    schemas = document["components"]["schemas"]
    assert schemas["ErrorEnvelope"]["required"] == ["error"]
    error = schemas["Error"]
    assert set(error["required"]) == {"code", "message"}
    assert set(error["properties"]) == {"code", "message", "required_scope", "fields"}


def test_public_operations_have_no_security_errors(document):
    login = document["paths"]["/auth/login"]["post"]
    assert login.get("security") in (None, [], [{}])
    assert "403" not in login["responses"]


def test_docs_page_is_served_without_a_cdn(api_client, settings):
    response = api_client.get("/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "/v1/schema" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    assert "static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html


def test_docs_assets_are_local_files():
    from django.contrib.staticfiles import finders

    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css")
