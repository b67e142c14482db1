"""/oauth/revoke (RFC 7009) and /oauth/introspect (RFC 7662)."""
from __future__ import annotations

import base64
from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from rest_framework.test import APIClient

from tests.oauth.conftest import TOKEN_URL, post_form

pytestmark = pytest.mark.django_db

REVOKE_URL = "/oauth/revoke"
INTROSPECT_URL = "/oauth/introspect"


def profile_status(access_token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return client.get("/v1/profile").status_code


def refresh(application, secret, refresh_token):
    return post_form(TOKEN_URL, {"grant_type": "refresh_token", "refresh_token": refresh_token,
                                 "client_id": application.client_id, "client_secret": secret})


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("which", ["access_token", "refresh_token"])
def test_seed_revoke_curl_example_as_written_ends_the_grant(live_server, user, code_app, token_pair, which):
    application, secret = code_app
    tokens = token_pair(user, code_app)
    # curl -X POST https://api.procure-core.com/oauth/revoke -H "Content-Type: application/x-www-form-urlencoded" \
    #   -d "token=ACCESS_TOKEN_OR_REFRESH_TOKEN" -d "client_id=..." -d "client_secret=..."
    response = requests.post(f"{live_server.url}/oauth/revoke", data={
        "token": tokens[which], "client_id": application.client_id, "client_secret": secret}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert profile_status(tokens["access_token"]) == 401
    assert refresh(application, secret, tokens["refresh_token"]).json()["error"] == "invalid_grant"


@pytest.mark.django_db(transaction=True)
def test_authlib_revokes_and_introspects_from_the_metadata(live_server, service_app, make_application, oauth_owner, monkeypatch, closing):
    from authlib.integrations.requests_client import OAuth2Session

    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    metadata = requests.get(f"{live_server.url}/.well-known/oauth-authorization-server", timeout=10).json()
    application, secret = service_app
    client = closing(OAuth2Session(application.client_id, secret, scope="read:orders",
                           token_endpoint_auth_method="client_secret_post"))
    token = client.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")

    resource_server, rs_secret = make_application(oauth_owner, grant_type="client-credentials", can_introspect=True)
    introspector = closing(OAuth2Session(resource_server.client_id, rs_secret))
    answer = introspector.introspect_token(metadata["introspection_endpoint"], token=token["access_token"]).json()
    assert answer["active"] is True and answer["scope"] == "read:orders"
    assert answer["client_id"] == application.client_id and answer["token_type"] == "Bearer"
    assert answer["organization_id"] == oauth_owner.organization_id and "sub" not in answer

    assert client.revoke_token(metadata["revocation_endpoint"], token=token["access_token"]).status_code == 200
    after = introspector.introspect_token(metadata["introspection_endpoint"], token=token["access_token"]).json()
    assert after == {"active": False}


def test_revoking_an_unknown_token_is_200(code_app):
    application, secret = code_app
    response = post_form(REVOKE_URL, {"token": "pco_at_unknown", "client_id": application.client_id, "client_secret": secret})
    assert response.status_code == 200


def test_a_client_cannot_revoke_another_clients_token(user, code_app, token_pair, make_application, oauth_owner):
    tokens = token_pair(user, code_app)
    other, other_secret = make_application(oauth_owner, allowed_scopes=["read:orders"])
    response = post_form(REVOKE_URL, {"token": tokens["access_token"], "client_id": other.client_id, "client_secret": other_secret})
    assert response.status_code == 200
    assert profile_status(tokens["access_token"]) == 200


@pytest.mark.parametrize("data, status, error", [
    ({"token": "x", "client_id": "nope", "client_secret": "nope"}, 401, "invalid_client"),
    ({"token": "x"}, 401, "invalid_client"),
    ({"client_id": "set-below"}, 400, "invalid_request"),
])
def test_revoke_errors(code_app, data, status, error):
    application, secret = code_app
    if data.get("client_id") == "set-below":
        data = {"client_id": application.client_id, "client_secret": secret}
    response = post_form(REVOKE_URL, data)
    assert response.status_code == status and response.json()["error"] == error


def test_revoke_with_wrong_secret_is_invalid_client(code_app, user, token_pair):
    application, _secret = code_app
    tokens = token_pair(user, code_app)
    response = post_form(REVOKE_URL, {"token": tokens["access_token"], "client_id": application.client_id, "client_secret": "x" * 40})
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert profile_status(tokens["access_token"]) == 200


def introspect(client_id, secret, token, basic=False):
    if basic:
        credentials = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        return post_form(INTROSPECT_URL, {"token": token}, HTTP_AUTHORIZATION=f"Basic {credentials}")
    return post_form(INTROSPECT_URL, {"token": token, "client_id": client_id, "client_secret": secret})


def test_a_client_introspects_its_own_user_token(user, code_app, token_pair):
    application, secret = code_app
    tokens = token_pair(user, code_app, scope="read:orders write:orders")
    answer = introspect(application.client_id, secret, tokens["access_token"], basic=True)
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    body = answer.json()
    assert body["active"] is True and body["scope"] == "read:orders write:orders"
    assert body["sub"] == str(user.pk) and body["username"] == user.email
    assert body["exp"] - body["iat"] == 3600
    refresh_answer = introspect(application.client_id, secret, tokens["refresh_token"]).json()
    assert refresh_answer["active"] is True and refresh_answer["token_type"] == "refresh_token"


def test_introspection_reports_the_users_current_scopes(user, code_app, token_pair):
    application, secret = code_app
    tokens = token_pair(user, code_app, scope="read:orders write:orders")
    user.scopes = ["read:orders"]
    user.save()
    assert introspect(application.client_id, secret, tokens["access_token"]).json()["scope"] == "read:orders"
    user.is_active = False
    user.save()
    assert introspect(application.client_id, secret, tokens["access_token"]).json() == {"active": False}


def test_other_clients_tokens_are_inactive_unless_the_caller_is_a_resource_server(user, code_app, token_pair, make_application, oauth_owner):
    tokens = token_pair(user, code_app)
    other, other_secret = make_application(oauth_owner, grant_type="client-credentials")
    assert introspect(other.client_id, other_secret, tokens["access_token"]).json() == {"active": False}
    resource_server, rs_secret = make_application(oauth_owner, grant_type="client-credentials", can_introspect=True)
    assert introspect(resource_server.client_id, rs_secret, tokens["access_token"]).json()["active"] is True


def test_expired_unknown_and_garbage_tokens_are_inactive(user, code_app, token_pair, time_machine):
    application, secret = code_app
    tokens = token_pair(user, code_app)
    for token in ("pco_at_" + "a" * 43, "garbage", "é" * 10):
        assert introspect(application.client_id, secret, token).json() == {"active": False}
    time_machine.move_to(timezone.now() + timedelta(hours=2))
    assert introspect(application.client_id, secret, tokens["access_token"]).json() == {"active": False}


@pytest.mark.parametrize("how", ["none", "wrong_secret", "unknown_client", "public_client"])
def test_introspection_requires_an_authenticated_confidential_client(user, code_app, token_pair, make_application, oauth_owner, how):
    application, secret = code_app
    tokens = token_pair(user, code_app)
    if how == "none":
        response = post_form(INTROSPECT_URL, {"token": tokens["access_token"]})
    elif how == "wrong_secret":
        response = introspect(application.client_id, "y" * 40, tokens["access_token"])
    elif how == "unknown_client":
        response = introspect("nobody", secret, tokens["access_token"])
    else:
        public, public_secret = make_application(oauth_owner, allowed_scopes=["read:orders"], client_type="public")
        response = introspect(public.client_id, public_secret, tokens["access_token"])
    assert response.status_code == 401 and response.json()["error"] == "invalid_client"
    assert response["WWW-Authenticate"].startswith("Basic")


def test_introspection_without_token_is_invalid_request(code_app):
    application, secret = code_app
    response = post_form(INTROSPECT_URL, {"client_id": application.client_id, "client_secret": secret})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
