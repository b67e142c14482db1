"""OAuthAuthentication on /v1/*: recognises `pco_at_` tokens only and produces the shared
principal; expired, revoked, unknown, inactive-owner tokens are 401 with the envelope."""
from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient, APIRequestFactory

from oauth import generators
from oauth.authentication import OAuthAuthentication
from procure_core.errors import InsufficientScope, TokenExpired, Unauthorized
from procure_core.permissions import HasScope

pytestmark = pytest.mark.django_db


def authenticate(header: str | None):
    request = APIRequestFactory().get("/v1/profile", **({"HTTP_AUTHORIZATION": header} if header else {}))
    return OAuthAuthentication().authenticate(request)


@pytest.mark.parametrize("header", [None, "Bearer ak_live_abcdefghijklmnop", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig",
                                    "Basic dXNlcjpwYXNz", "Bearer pco_rt_" + "a" * 43])
def test_other_credentials_are_not_ours(header):
    assert authenticate(header) is None


@pytest.mark.parametrize("raw", ["pco_at_", "pco_at_short", "pco_at_" + "a" * 43, "pco_at_" + "-" * 43])
def test_unknown_or_malformed_pco_tokens_are_unauthorized(raw):
    with pytest.raises(Unauthorized):
        authenticate(f"Bearer {raw}")


def test_principal_of_a_user_token(user, make_oauth_token):
    raw = make_oauth_token(user, ["read:orders", "write:orders"])
    lazy_user, principal = authenticate(f"Bearer {raw}")
    assert lazy_user.pk == user.pk
    assert principal.method == "oauth" and principal.user_id == user.pk
    assert principal.organization_id == user.organization_id and principal.livemode is True
    assert principal.scopes == {"read:orders", "write:orders"} and principal.client_id
    assert principal.allows("write:orders") and not principal.allows("read:suppliers")


def test_scopes_are_the_tokens_within_the_users_current_scopes(user, make_oauth_token):
    raw = make_oauth_token(user, ["read:orders", "write:orders"])
    user.scopes = ["read:orders", "read:suppliers"]
    user.save()
    assert authenticate(f"Bearer {raw}")[1].scopes == {"read:orders"}


def test_an_admin_users_token_carries_what_it_was_granted(make_user, make_oauth_token):
    boss = make_user(scopes=["admin"])
    assert authenticate(f"Bearer {make_oauth_token(boss, ['read:reports'])}")[1].scopes == {"read:reports"}
    assert authenticate(f"Bearer {make_oauth_token(boss, ['admin'])}")[1].allows("write:contracts")


def test_expired_token_raises_token_expired(user, make_oauth_token, time_machine):
    raw = make_oauth_token(user, ["read:orders"])
    authenticate(f"Bearer {raw}")  # cached now
    time_machine.move_to(time.time() + 3600)
    with pytest.raises(TokenExpired):
        authenticate(f"Bearer {raw}")


def test_revoked_token_is_unauthorized_on_the_next_request(user, make_oauth_token):
    from oauth2_provider.models import AccessToken

    raw = make_oauth_token(user, ["read:orders"])
    authenticate(f"Bearer {raw}")  # cached now
    AccessToken.objects.get().revoke()
    with pytest.raises(Unauthorized):
        authenticate(f"Bearer {raw}")


def test_deactivated_user_is_unauthorized(user, make_oauth_token):
    raw = make_oauth_token(user, ["read:orders"])
    user.is_active = False
    user.save()
    with pytest.raises(Unauthorized):
        authenticate(f"Bearer {raw}")


def test_the_api_answers_with_the_envelope(user, make_oauth_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer pco_at_" + "b" * 43)
    response = client.get("/v1/profile")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response["WWW-Authenticate"] == 'Bearer realm="procure-core", error="invalid_token"'


def test_token_in_the_query_string_is_refused(user, make_oauth_token):
    raw = make_oauth_token(user, ["read:orders"])
    response = APIClient().get(f"/v1/profile?access_token={raw}")
    assert response.status_code == 401


def test_has_scope_reads_the_oauth_principal(user, oauth_client):
    client = oauth_client(user, ["read:orders"])
    request = APIRequestFactory().get("/v1/orders", HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"])
    _user, principal = OAuthAuthentication().authenticate(request)
    request.auth = principal

    class OrdersView:
        scope_resource = "orders"

    assert HasScope().has_permission(request, OrdersView())
    request.method = "POST"
    with pytest.raises(InsufficientScope) as refused:
        HasScope().has_permission(request, OrdersView())
    assert refused.value.required_scope == "write:orders"


def test_credential_client_fixture_builds_oauth_clients(credential_client):
    client = credential_client("oauth", ["read:orders"])
    assert client.get("/v1/profile").json()["auth"]["method"] == "oauth"


def test_token_shapes():
    access, refresh = generators.access_token(), generators.refresh_token()
    assert generators.is_well_formed_access_token(access)
    assert access.startswith("pco_at_") and refresh.startswith("pco_rt_")
    assert len(access) == len("pco_at_") + 43 and access[7:].isalnum() and refresh[7:].isalnum()
    assert len({generators.access_token() for _ in range(100)}) == 100
