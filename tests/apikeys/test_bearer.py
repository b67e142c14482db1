"""Authorization: Bearer ak_… on /v1/*: the principal, every refusal, and the 0-query shape checks."""
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts.models import User
from apikeys import keys
from apikeys.models import ApiKey
from tests.apikeys.conftest import NOW, error_of
from tests.apikeys.test_keys import VECTOR_KEY


def test_bearer_key_authenticates_with_the_key_principal(owner, make_api_key, bearer):
    key, raw = make_api_key(owner, scopes=["read:orders"], mode="live")
    response = bearer(raw).get("/v1/profile")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["email"] == owner.email
    assert body["auth"] == {"method": "api_key", "scopes": ["read:orders"], "livemode": True, "key_id": key.key_id}


def test_test_key_gives_a_test_mode_principal(owner, make_api_key, bearer):
    key, raw = make_api_key(owner, mode="test")
    assert raw.startswith("ak_test_")
    auth = bearer(raw).get("/v1/profile").json()["auth"]
    assert auth["livemode"] is False
    assert auth["scopes"] == ["read:suppliers", "read:orders", "write:orders"]  # the owner's, registry order


def test_live_key_gives_a_live_principal(owner, make_api_key, bearer):
    _, raw = make_api_key(owner, mode="live")
    assert raw.startswith("ak_live_")
    assert bearer(raw).get("/v1/profile").json()["auth"]["livemode"] is True


def test_principal_is_request_auth_with_mode_for_tenant_filtering(owner, make_api_key, rf):
    from rest_framework.request import Request

    from apikeys.authentication import ApiKeyAuthentication

    key, raw = make_api_key(owner, mode="test", scopes=["read:orders"])
    request = Request(rf.get("/v1/profile", HTTP_AUTHORIZATION=f"Bearer {raw}"), authenticators=[ApiKeyAuthentication()])
    principal = request.auth
    assert (principal.method, principal.livemode, principal.mode, principal.key_id, principal.transport) == (
        "api_key", False, "test", key.key_id, "bearer")
    assert principal.organization_id == owner.organization_id and principal.user_id == owner.pk
    assert principal.scopes == frozenset({"read:orders"})
    assert request.user.pk == owner.pk


@pytest.mark.parametrize("header", [
    "Bearer ak_live_",
    "Bearer ak_live_abc",
    "Bearer ak_prod_0123456789abcdefghijABCDEFGHIJ1Quct9",
    "Bearer " + VECTOR_KEY[:-1] + "8",                     # checksum typo
    "Bearer " + VECTOR_KEY[:12] + "Q" + VECTOR_KEY[13:],   # body typo
    "Bearer " + VECTOR_KEY + "0",                          # too long
    "Bearer " + VECTOR_KEY[:20] + "-" + VECTOR_KEY[21:],   # forbidden character
    "Bearer " + VECTOR_KEY + " extra",
    "Bearer ak_live_" + "a" * 4000,
])
def test_malformed_keys_get_401_without_a_database_query(owner, api_client, header, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api_client.get("/v1/profile", HTTP_AUTHORIZATION=header)
    error_of(response, 401, "unauthorized")


@pytest.mark.parametrize("header", [
    "Bearer",
    "Bearer ",
    "Bearer  ",
    "bearer",
    "Basic dXNlcjpwYXNz",
    "ak_live_0123456789abcdefghijABCDEFGHIJ1Quct9",
    "Bearer\tak_live_x",
])
def test_malformed_authorization_headers_get_401(owner, api_client, header, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api_client.get("/v1/profile", HTTP_AUTHORIZATION=header)
    error_of(response, 401, "unauthorized")


def test_non_ascii_header_gets_401_without_a_query(db, api_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api_client.get("/v1/profile", HTTP_AUTHORIZATION="Bearer ak_live_" + "é" * 36)
    error_of(response, 401, "unauthorized")


def test_non_latin1_bytes_header_gets_401(db, api_client):
    response = api_client.get("/v1/profile", HTTP_AUTHORIZATION="Bearer ak_live_\u2603\u2603")
    error_of(response, 401, "unauthorized")


def test_64_kb_header_gets_401_without_a_query(db, api_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api_client.get("/v1/profile", HTTP_AUTHORIZATION="Bearer ak_live_" + "A" * 65536)
    error_of(response, 401, "unauthorized")


def test_well_formed_unknown_key_gets_401(db, api_client):
    response = api_client.get("/v1/profile", HTTP_AUTHORIZATION=f"Bearer {keys.generate('live')}")
    assert "not recognised" in error_of(response, 401, "unauthorized")["message"]


def test_revoked_key_gets_401_unauthorized(owner, make_api_key, bearer):
    _, raw = make_api_key(owner, revoked_at=timezone.now() - timedelta(seconds=1))
    assert "revoked" in error_of(bearer(raw).get("/v1/profile"), 401, "unauthorized")["message"]


def test_expired_key_gets_401_token_expired(owner, make_api_key, bearer, frozen):
    key, raw = make_api_key(owner, expires_at=NOW + timedelta(hours=1))
    assert bearer(raw).get("/v1/profile").status_code == 200
    frozen.move_to(NOW + timedelta(hours=1), tick=False)
    error_of(bearer(raw).get("/v1/profile"), 401, "token_expired")


def test_key_without_expiry_never_expires(owner, make_api_key, bearer, frozen):
    key, raw = make_api_key(owner)
    assert key.expires_at is None
    frozen.move_to(NOW + timedelta(days=3650), tick=False)
    assert bearer(raw).get("/v1/profile").status_code == 200


def test_inactive_owner_gets_401_on_the_next_request(owner, make_api_key, bearer):
    _, raw = make_api_key(owner)
    client = bearer(raw)
    assert client.get("/v1/profile").status_code == 200
    owner.is_active = False
    owner.save()
    error_of(client.get("/v1/profile"), 401, "unauthorized")


def test_owner_losing_a_scope_takes_it_from_the_key(owner, make_api_key, bearer):
    _, raw = make_api_key(owner, scopes=["read:orders", "read:suppliers"])
    client = bearer(raw)
    assert client.get("/v1/profile").json()["auth"]["scopes"] == ["read:suppliers", "read:orders"]
    owner.scopes = ["read:orders"]
    owner.save()
    assert client.get("/v1/profile").json()["auth"]["scopes"] == ["read:orders"]
    owner.scopes = ["read:orders", "read:suppliers", "write:orders"]
    owner.save()
    # Regaining it gives back only what the key was issued with.
    assert client.get("/v1/profile").json()["auth"]["scopes"] == ["read:suppliers", "read:orders"]


def test_admin_key_of_an_owner_who_is_no_longer_admin_gets_the_owners_scopes(make_user, make_api_key, bearer):
    boss = make_user(scopes=["admin"])
    _, raw = make_api_key(boss, scopes=["admin"])
    assert bearer(raw).get("/v1/profile").json()["auth"]["scopes"] == ["admin"]
    boss.scopes = ["read:reports"]
    boss.save()
    assert bearer(raw).get("/v1/profile").json()["auth"]["scopes"] == ["read:reports"]


def test_owner_moved_to_another_organization_moves_the_key(owner, make_api_key, bearer, make_organization):
    _, raw = make_api_key(owner)
    other = make_organization("Globex")
    owner.organization = other
    owner.save()
    assert bearer(raw).get("/v1/profile").json()["organization"]["id"] == other.pk


def test_last_used_is_written_at_most_once_a_minute(owner, make_api_key, bearer, frozen, django_assert_num_queries):
    key, raw = make_api_key(owner)
    client = bearer(raw, REMOTE_ADDR="203.0.113.9")
    assert client.get("/v1/profile").status_code == 200
    key.refresh_from_db()
    assert key.last_used_at == NOW and key.last_used_ip == "203.0.113.9"

    frozen.move_to(NOW + timedelta(seconds=30), tick=False)
    with django_assert_num_queries(1):  # the view reading the user, no UPDATE
        assert client.get("/v1/profile").status_code == 200
    key.refresh_from_db()
    assert key.last_used_at == NOW

    frozen.move_to(NOW + timedelta(seconds=61), tick=False)
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        # Redis expires the marker on its own clock, which time-machine cannot move.
        cache.delete(f"api-key-used:v1:{key.key_id}")
    assert client.get("/v1/profile").status_code == 200
    key.refresh_from_db()
    assert key.last_used_at == NOW + timedelta(seconds=61)


def test_a_verified_request_costs_no_key_query_once_cached(owner, make_api_key, bearer, django_assert_num_queries):
    _, raw = make_api_key(owner)
    client = bearer(raw)
    assert client.get("/v1/profile").status_code == 200
    # Key lookup and owner state come from the cache; the one query is the view loading the user.
    with django_assert_num_queries(1):
        assert client.get("/v1/profile").status_code == 200


def test_revocation_invalidates_the_cached_lookup(owner, make_api_key, bearer):
    key, raw = make_api_key(owner)
    client = bearer(raw)
    assert client.get("/v1/profile").status_code == 200  # now cached
    key.revoked_at = timezone.now()
    key.save()
    error_of(client.get("/v1/profile"), 401, "unauthorized")


def test_deleting_the_row_invalidates_the_cached_lookup(owner, make_api_key, bearer):
    key, raw = make_api_key(owner)
    client = bearer(raw)
    assert client.get("/v1/profile").status_code == 200
    ApiKey.objects.get(pk=key.pk).delete()
    error_of(client.get("/v1/profile"), 401, "unauthorized")


def test_deleting_the_owner_stops_the_key(owner, make_api_key, bearer):
    _, raw = make_api_key(owner)
    client = bearer(raw)
    assert client.get("/v1/profile").status_code == 200
    User.objects.get(pk=owner.pk).delete()
    error_of(client.get("/v1/profile"), 401, "unauthorized")


def test_key_in_the_query_string_is_refused(owner, make_api_key, api_client):
    _, raw = make_api_key(owner)
    error_of(api_client.get(f"/v1/profile?api_key={raw}"), 401, "unauthorized")


def test_scopes_are_enforced_for_keys(owner, make_api_key, bearer):
    _, raw = make_api_key(owner, scopes=["read:orders"])
    # /v1/api-keys refuses API keys whatever their scopes (403 forbidden, not a scope problem).
    error_of(bearer(raw).get("/v1/api-keys"), 403, "forbidden")


def test_bearer_keys_keep_working_when_the_cache_is_down(owner, make_api_key, bearer, monkeypatch):
    key, raw = make_api_key(owner, scopes=["read:orders"])

    def unavailable(*args, **kwargs):
        raise ConnectionError("cache down")

    for method in ("get", "set", "add", "delete", "incr", "get_many", "set_many"):
        monkeypatch.setattr(cache, method, unavailable)
    response = bearer(raw).get("/v1/profile")
    assert response.status_code == 200, response.content
    assert response.json()["auth"]["key_id"] == key.key_id
