"""The form endpoints (/oauth/token, /oauth/revoke, /oauth/introspect) and the RFC 8414 metadata:
URLs with and without a slash (never a redirect), malformed bodies, duplicated parameters,
unsupported grants, no-store, rate limits. Whatever comes in, the answer is an RFC error, never 500."""
from __future__ import annotations

import pytest
from django.test import Client

from tests.oauth.conftest import FORM, TOKEN_URL, post_form

pytestmark = pytest.mark.django_db

FORM_ENDPOINTS = ["/oauth/token", "/oauth/revoke", "/oauth/introspect"]


@pytest.mark.parametrize("path", [p + slash for p in FORM_ENDPOINTS for slash in ("", "/")])
def test_form_endpoints_answer_with_and_without_slash_never_redirect(path, service_app):
    application, secret = service_app
    response = post_form(path, {"grant_type": "client_credentials", "token": "x",
                                "client_id": application.client_id, "client_secret": secret})
    assert response.status_code in (200, 400) and "Location" not in response
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/.well-known/oauth-authorization-server", "/.well-known/oauth-authorization-server/"])
def test_metadata_is_enough_for_a_client_to_configure_itself(path):
    response = Client().get(path)
    assert response.status_code == 200
    data = response.json()
    base = "http://testserver"
    assert data["issuer"] == base
    assert data["authorization_endpoint"] == f"{base}/oauth/authorize"
    assert data["token_endpoint"] == f"{base}/oauth/token"
    assert data["revocation_endpoint"] == f"{base}/oauth/revoke"
    assert data["introspection_endpoint"] == f"{base}/oauth/introspect"
    assert data["response_types_supported"] == ["code"]
    assert data["response_modes_supported"] == ["query"]
    assert data["grant_types_supported"] == ["authorization_code", "client_credentials", "refresh_token"]
    assert data["code_challenge_methods_supported"] == ["S256"]
    assert set(data["token_endpoint_auth_methods_supported"]) >= {"client_secret_post", "client_secret_basic"}
    assert "none" not in data["introspection_endpoint_auth_methods_supported"]
    assert data["authorization_response_iss_parameter_supported"] is True
    assert "read:purchase-requests" in data["scopes_supported"] and "admin" in data["scopes_supported"]


def test_authorize_with_a_trailing_slash_works_too(user, code_app):
    from tests.oauth.conftest import authorize_params, pkce_pair

    browser = Client()
    browser.force_login(user)
    response = browser.get("/oauth/authorize/", authorize_params(code_app[0], pkce_pair()[1]))
    assert response.status_code == 200 and b"Authorize" in response.content


@pytest.mark.parametrize("grant_type", ["password", "implicit", "urn:ietf:params:oauth:grant-type:device_code",
                                        "urn:ietf:params:oauth:grant-type:jwt-bearer", "nonsense"])
def test_unsupported_grant_types(service_app, user, grant_type):
    application, secret = service_app
    response = post_form(TOKEN_URL, {"grant_type": grant_type, "client_id": application.client_id, "client_secret": secret,
                                     "username": user.email, "password": "correct horse battery staple", "device_code": "x"})
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


def test_missing_grant_type_is_invalid_request(service_app):
    application, secret = service_app
    response = post_form(TOKEN_URL, {"client_id": application.client_id, "client_secret": secret})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("duplicated", ["grant_type", "client_id", "client_secret", "scope", "code", "refresh_token"])
def test_duplicated_parameters_are_invalid_request(service_app, duplicated):
    application, secret = service_app
    data = [("grant_type", "client_credentials"), ("client_id", application.client_id), ("client_secret", secret),
            ("scope", "read:orders"), ("code", "c"), ("refresh_token", "r")]
    data.append((duplicated, dict(data)[duplicated]))
    response = post_form(TOKEN_URL, data)
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_request", "error_description": f"Duplicate {duplicated} parameter."}


@pytest.mark.parametrize("path", FORM_ENDPOINTS)
@pytest.mark.parametrize("content_type, body", [
    ("application/json", b'{"grant_type": "client_credentials"}'),
    ("text/plain", b"grant_type=client_credentials"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nclient_credentials\r\n--x--"),
    (FORM, b"\xff\xfe\x00garbage=%ZZ&&=&grant_type"),
    (FORM, b"grant_type=client_credentials&client_id=%00&client_secret=%E9"),
    (FORM, b"grant_type=client_credentials&scope=" + b"%20" * 5000),
    (FORM, b"=" * 3000),
    (FORM, "&".join(f"f{i}=1" for i in range(1500)).encode()),
    (FORM, b"client_id=\xc3\x28&client_secret=\xa0\xa1&grant_type=client_credentials"),
    (FORM, b""),
])
def test_malformed_bodies_get_an_rfc_error_never_a_500(path, content_type, body):
    response = Client().generic("POST", path, body, content_type=content_type)
    assert response.status_code in (400, 401), response.content
    assert response.json()["error"] in ("invalid_request", "invalid_client", "unsupported_grant_type", "invalid_grant")
    assert response["Cache-Control"] == "no-store"


def test_oversized_body_is_invalid_request(settings, service_app):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_form(TOKEN_URL, {"grant_type": "client_credentials", "padding": "x" * 5000})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


def test_parameters_in_the_query_string_are_refused(service_app):
    application, secret = service_app
    response = Client().post(f"{TOKEN_URL}?client_secret={secret}", f"grant_type=client_credentials&client_id={application.client_id}",
                             content_type=FORM)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"


@pytest.mark.parametrize("path", FORM_ENDPOINTS)
def test_get_is_method_not_allowed(path):
    response = Client().get(path)
    assert response.status_code == 405 and response["Allow"] == "POST"


def test_token_endpoint_is_rate_limited_per_client(settings, service_app):
    settings.PROCURE_RATE_LIMITS = {**settings.PROCURE_RATE_LIMITS, "oauth_endpoint": "3/day"}  # a day-long window: no boundary inside the test
    from procure_core.throttling import _rate

    _rate.cache_clear()
    application, secret = service_app
    data = {"grant_type": "client_credentials", "client_id": application.client_id, "client_secret": secret}
    statuses = [post_form(TOKEN_URL, data, REMOTE_ADDR=f"10.0.0.{i}").status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = post_form(TOKEN_URL, data, REMOTE_ADDR="10.0.0.9")
    assert limited.json()["error"] == "rate_limited" and int(limited["Retry-After"]) >= 1
    _rate.cache_clear()
