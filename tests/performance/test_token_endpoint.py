"""The token endpoint's cost for client_credentials, guarded by its query count (issue #7): the
client with its owner and policy in one query, the token's INSERT, the audit INSERT; no
transaction, savepoint or read-back around them. The secret is verified with the fast hasher for
generated secrets (oauth/hashers.py), never PBKDF2."""
from __future__ import annotations

import secrets
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oauth2_provider.models import get_access_token_model, get_application_model

from audit.models import AuditEvent
from oauth.state import checksum

Application = get_application_model()
AccessToken = get_access_token_model()


@pytest.fixture
def confidential_client(make_user, make_application):
    owner = make_user(scopes=["read:suppliers", "read:orders"])
    return make_application(owner, allowed_scopes=["read:suppliers"], grant_type=Application.GRANT_CLIENT_CREDENTIALS)


def _issue(api_client, application, secret):
    body = urlencode({"grant_type": "client_credentials", "client_id": application.client_id,
                      "client_secret": secret, "scope": "read:suppliers"})
    return api_client.post("/oauth/token", body, content_type="application/x-www-form-urlencoded")


def test_client_credentials_costs_three_queries_and_is_still_audited(api_client, confidential_client):
    application, secret = confidential_client
    assert application.client_secret.startswith("oauth_client_secret$")
    _issue(api_client, application, secret)  # warm
    with CaptureQueriesContext(connection) as queries:
        response = _issue(api_client, application, secret)
    assert response.status_code == 200, response.content
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert statements == ["SELECT", "INSERT", "INSERT"], statements

    issued = response.json()["access_token"]
    token = AccessToken.objects.get(token_checksum=checksum(issued))
    event = AuditEvent.objects.filter(event="oauth.token_issued").latest("id")
    assert (event.client_id, event.actor_id, event.detail["scopes"]) == (application.client_id, application.user_id, ["read:suppliers"])
    assert token.application_id == application.pk and token.user_id is None
    assert api_client.get("/v1/suppliers", HTTP_AUTHORIZATION=f"Bearer {issued}").status_code == 200


def test_a_refused_client_secret_costs_no_write(api_client, confidential_client):
    application, _ = confidential_client
    with CaptureQueriesContext(connection) as queries:
        response = _issue(api_client, application, "not-the-secret-" + secrets.token_urlsafe(32))
    assert response.status_code == 401
    assert [query["sql"].split()[0] for query in queries.captured_queries] == ["SELECT"]
