"""client_credentials: the product page's curl example as written, authlib, allowed scopes, and
the organization the token acts for."""
from __future__ import annotations

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session
from django.test import Client
from rest_framework.test import APIClient

from oauth.models import ApplicationPolicy
from tests.oauth.conftest import TOKEN_URL, post_form

pytestmark = pytest.mark.django_db


def bearer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.mark.django_db(transaction=True)
def test_seed_curl_example_as_written(live_server, service_app):
    application, secret = service_app
    # curl -X POST https://api.procure-core.com/oauth/token \
    #   -H "Content-Type: application/x-www-form-urlencoded" -d "grant_type=client_credentials" \
    #   -d "client_id=YOUR_CLIENT_ID" -d "client_secret=YOUR_CLIENT_SECRET" -d "scope=read:suppliers write:contracts"
    response = requests.post(f"{live_server.url}/oauth/token", data={
        "grant_type": "client_credentials", "client_id": application.client_id, "client_secret": secret,
        "scope": "read:suppliers write:contracts"}, timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == "read:suppliers write:contracts"
    assert body["access_token"].startswith("pco_at_") and "refresh_token" not in body
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Pragma"] == "no-cache"


@pytest.mark.django_db(transaction=True)
def test_authlib_client_credentials_with_basic_auth(live_server, service_app, monkeypatch, closing):
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    application, secret = service_app
    client = closing(OAuth2Session(application.client_id, secret, scope="read:orders"))  # client_secret_basic by default
    token = client.fetch_token(f"{live_server.url}/oauth/token", grant_type="client_credentials")
    assert token["scope"] == "read:orders"
    profile = client.get(f"{live_server.url}/v1/profile", timeout=10).json()
    assert profile["auth"]["method"] == "oauth" and profile["auth"]["client_id"] == application.client_id


def test_token_acts_for_the_owners_organization_not_as_the_owner(service_app, oauth_owner):
    application, secret = service_app
    token = post_form(TOKEN_URL, {"grant_type": "client_credentials", "client_id": application.client_id,
                                  "client_secret": secret, "scope": "read:suppliers"}).json()["access_token"]
    request = bearer(token).get("/v1/profile")
    assert request.status_code == 200
    body = request.json()
    assert body["organization"]["id"] == oauth_owner.organization_id
    assert body["auth"]["scopes"] == ["read:suppliers"]  # the owner is admin; the token is not

    from oauth.authentication import OAuthAuthentication
    from rest_framework.test import APIRequestFactory
    _user, principal = OAuthAuthentication().authenticate(
        APIRequestFactory().get("/v1/profile", HTTP_AUTHORIZATION=f"Bearer {token}"))
    assert principal.user_id is None and principal.organization_id == oauth_owner.organization_id
    assert principal.method == "oauth" and principal.client_id == application.client_id


def test_no_scope_parameter_grants_every_allowed_scope(service_app):
    application, secret = service_app
    body = post_form(TOKEN_URL, {"grant_type": "client_credentials", "client_id": application.client_id,
                                 "client_secret": secret}).json()
    assert body["scope"] == "read:suppliers read:orders write:contracts"


@pytest.mark.parametrize("scope", ["read:suppliers admin", "read:reports", "write:suppliers", "unknown:scope"])
def test_more_than_the_allowed_scopes_is_invalid_scope(service_app, scope):
    application, secret = service_app
    response = post_form(TOKEN_URL, {"grant_type": "client_credentials", "client_id": application.client_id,
                                     "client_secret": secret, "scope": scope})
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


def test_an_application_without_allowed_scopes_gets_no_token(make_application, oauth_owner):
    application, secret = make_application(oauth_owner, allowed_scopes=[], grant_type="client-credentials")
    response = post_form(TOKEN_URL, {"grant_type": "client_credentials", "client_id": application.client_id,
                                     "client_secret": secret})
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


@pytest.mark.parametrize("client_id, secret_of", [("unknown-client", "right"), (None, "wrong"), (None, "empty")])
def test_unknown_client_or_wrong_secret_is_invalid_client(service_app, client_id, secret_of):
    application, secret = service_app
    secret = {"right": secret, "wrong": secret[:-1] + ("x" if secret[-1] != "x" else "y"), "empty": ""}[secret_of]
    response = post_form(TOKEN_URL, {"grant_type": "client_credentials", "client_id": client_id or application.client_id,
                                     "client_secret": secret})
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert response["Cache-Control"] == "no-store"


def test_wrong_secret_in_basic_auth_is_invalid_client(service_app):
    import base64

    application, _secret = service_app
    credentials = base64.b64encode(f"{application.client_id}:not-the-secret".encode()).decode()
    response = post_form(TOKEN_URL, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {credentials}")
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_an_authorization_code_application_cannot_use_client_credentials(code_app):
    application, secret = code_app
    response = post_form(TOKEN_URL, {"grant_type": "client_credentials", "client_id": application.client_id,
                                     "client_secret": secret})
    assert response.status_code == 400 and response.json()["error"] == "unauthorized_client"


def test_owner_deactivation_stops_issue_and_live_tokens(service_app, oauth_owner):
    application, secret = service_app
    token = post_form(TOKEN_URL, {"grant_type": "client_credentials", "client_id": application.client_id,
                                  "client_secret": secret}).json()["access_token"]
    oauth_owner.is_active = False
    oauth_owner.save()
    response = bearer(token).get("/v1/profile")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
    refused = post_form(TOKEN_URL, {"grant_type": "client_credentials", "client_id": application.client_id,
                                    "client_secret": secret})
    assert refused.status_code == 400 and refused.json()["error"] == "unauthorized_client"


def test_narrowing_the_policy_applies_to_live_tokens(service_app):
    application, secret = service_app
    token = post_form(TOKEN_URL, {"grant_type": "client_credentials", "client_id": application.client_id,
                                  "client_secret": secret}).json()["access_token"]
    assert bearer(token).get("/v1/profile").json()["auth"]["scopes"] == ["read:suppliers", "read:orders", "write:contracts"]
    policy = ApplicationPolicy.objects.get(application=application)
    policy.allowed_scopes = ["read:orders"]
    policy.save()
    assert bearer(token).get("/v1/profile").json()["auth"]["scopes"] == ["read:orders"]


def test_get_on_the_token_endpoint_is_not_allowed():
    response = Client().get(TOKEN_URL)
    assert response.status_code == 405 and response.json()["error"] == "invalid_request"
