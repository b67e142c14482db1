"""/v1/api-keys: list, create, detail, rotate, revoke; JWT or session only; the contract's shapes."""
from datetime import timedelta

import pytest
from django.utils import timezone

from apikeys import keys
from apikeys.models import ApiKey
from audit.models import AuditEvent
from tests.apikeys.conftest import NOW, error_of

CREATE_FIELDS = {"id", "key_id", "key", "name", "mode", "scopes", "allowed_ips", "expires_at", "created_at"}


@pytest.fixture
def client(owner, jwt_client):
    return jwt_client(owner)


def create(client, **body):
    return client.post("/v1/api-keys", {"name": "ci", **body}, format="json")


def test_create_returns_the_key_once_in_the_contract_shape(client, owner, bearer):
    response = create(client, name="CI deploys", mode="test", scopes=["read:orders"],
                      allowed_ips=["192.168.1.100", "10.0.0.0/8", "2001:db8::/32"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == CREATE_FIELDS
    assert body["id"] == body["key_id"] and keys.is_key_id(body["key_id"])
    assert body["key"].startswith("ak_test_") and keys.is_well_formed(body["key"])
    assert (body["name"], body["mode"], body["scopes"]) == ("CI deploys", "test", ["read:orders"])
    assert body["allowed_ips"] == ["192.168.1.100", "10.0.0.0/8", "2001:db8::/32"]
    assert body["expires_at"] is None and body["created_at"].endswith("Z")
    assert response["Cache-Control"] == "no-store"
    stored = ApiKey.objects.get(key_id=body["key_id"])
    assert stored.owner == owner and stored.prefix == body["key"][:12] + "…"
    assert AuditEvent.objects.filter(event="api_key.created", key_id=body["key_id"]).exists()
    # The key works at once, from an allowed address.
    assert bearer(body["key"]).get("/v1/profile", REMOTE_ADDR="10.2.3.4").status_code == 200


def test_list_and_detail_never_include_the_key(client):
    created = create(client).json()
    listing = client.get("/v1/api-keys")
    assert listing.status_code == 200
    items = listing.json()["results"]
    assert [item["id"] for item in items] == [created["id"]]
    detail = client.get(f"/v1/api-keys/{created['id']}")
    assert detail.status_code == 200
    for item in (items[0], detail.json()):
        assert "key" not in item
        assert created["key"] not in str(item)
        assert item["prefix"] == created["key"][:12] + "…"
        assert {k: item[k] for k in CREATE_FIELDS - {"key"}} == {k: created[k] for k in CREATE_FIELDS - {"key"}}
        assert item["last_used_at"] is None and item["revoked_at"] is None


def test_defaults_live_mode_owner_scopes_any_address_never_expires(client):
    body = create(client).json()
    assert body["mode"] == "live" and body["key"].startswith("ak_live_")
    assert body["scopes"] == ["read:suppliers", "read:orders", "write:orders"]
    assert body["allowed_ips"] == [] and body["expires_at"] is None


def test_trailing_slash_works_without_redirect(client):
    created = client.post("/v1/api-keys/", {"name": "slash"}, format="json")
    assert created.status_code == 201
    key_id = created.json()["id"]
    assert client.get("/v1/api-keys/").status_code == 200
    assert client.get(f"/v1/api-keys/{key_id}/").status_code == 200
    assert client.post(f"/v1/api-keys/{key_id}/rotate/", {}, format="json").status_code == 201
    assert client.delete(f"/v1/api-keys/{key_id}/").status_code == 204


def test_expires_at_is_kept_and_enforced(frozen, client, bearer):
    body = create(client, expires_at="2026-12-01T00:00:00Z").json()
    assert body["expires_at"] == "2026-12-01T00:00:00Z"
    assert bearer(body["key"]).get("/v1/profile").status_code == 200
    frozen.move_to("2026-12-01T00:00:00Z", tick=False)
    error_of(bearer(body["key"]).get("/v1/profile"), 401, "token_expired")


@pytest.mark.parametrize("body, field, words", [
    ({"scopes": ["write:suppliers"]}, "scopes", "write:suppliers"),
    ({"scopes": ["admin"]}, "scopes", "admin"),
    ({"scopes": ["read:everything"]}, "scopes", "read:everything"),
    ({"scopes": "read:orders"}, "scopes", ""),
    ({"allowed_ips": ["10.0.0.300"]}, "allowed_ips", "10.0.0.300"),
    ({"allowed_ips": ["192.168.1.1", "not-an-ip"]}, "allowed_ips", "not-an-ip"),
    ({"allowed_ips": ["10.0.0.1/8"]}, "allowed_ips", "10.0.0.0/8"),
    ({"allowed_ips": ["2001:db8::/129"]}, "allowed_ips", "2001:db8::/129"),
    ({"allowed_ips": [""]}, "allowed_ips", ""),
    ({"allowed_ips": "10.0.0.0/8"}, "allowed_ips", ""),
    ({"allowed_ips": ["10.0.0.0/8"] * 101}, "allowed_ips", ""),
    ({"mode": "prod"}, "mode", ""),
    ({"name": ""}, "name", ""),
    ({"name": "x" * 101}, "name", ""),
    ({"name": None}, "name", ""),
    ({"expires_at": "2020-01-01T00:00:00Z"}, "expires_at", "future"),
    ({"expires_at": "tomorrow"}, "expires_at", ""),
])
def test_invalid_requests_get_400_naming_the_field(client, body, field, words):
    response = create(client, **body)
    error = error_of(response, 400, "invalid_request")
    assert field in error["fields"], error
    assert words in " ".join(error["fields"][field])
    assert not ApiKey.objects.exists()


def test_malformed_json_gets_400(client):
    response = client.post("/v1/api-keys", data=b"{not json", content_type="application/json")
    error_of(response, 400, "invalid_request")


def test_missing_name_gets_400(client):
    error = error_of(client.post("/v1/api-keys", {}, format="json"), 400, "invalid_request")
    assert "name" in error["fields"]


@pytest.mark.parametrize("kind", ["api_key", "hmac"])
def test_api_keys_cannot_manage_keys(owner, api_key_client, hmac_client, kind):
    client = (api_key_client if kind == "api_key" else hmac_client)(owner, ["read:orders"], "live")
    for response in (client.get("/v1/api-keys"), client.post("/v1/api-keys", {"name": "x"}, format="json")):
        assert "allowed: jwt, session" in error_of(response, 403, "forbidden")["message"]
    assert ApiKey.objects.count() == 1


def test_session_can_manage_keys_with_csrf(owner):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.get("/v1/api-keys").status_code == 200
    error_of(client.post("/v1/api-keys", {"name": "x"}, format="json"), 403, "forbidden")  # no CSRF token
    client.get("/accounts/login")
    token = client.cookies["csrftoken"].value
    response = client.post("/v1/api-keys", {"name": "x"}, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


def test_unauthenticated_gets_401(db, api_client):
    error_of(api_client.get("/v1/api-keys"), 401, "unauthorized")


def test_a_user_sees_only_their_own_keys(client, make_user, make_api_key, jwt_client):
    other = make_user(scopes=["read:orders"])
    theirs, _ = make_api_key(other)
    mine = create(client).json()
    assert [k["id"] for k in client.get("/v1/api-keys").json()["results"]] == [mine["id"]]
    for response in (
        client.get(f"/v1/api-keys/{theirs.key_id}"),
        client.delete(f"/v1/api-keys/{theirs.key_id}"),
        client.post(f"/v1/api-keys/{theirs.key_id}/rotate", {}, format="json"),
    ):
        error_of(response, 404, "not_found")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize("key_id", ["nope", "key_", "1", "key_" + "a" * 22, "../etc"])
def test_unknown_ids_get_404(client, key_id):
    error_of(client.get(f"/v1/api-keys/{key_id}"), 404, "not_found")


def test_revoke_takes_effect_on_the_next_request(client, bearer):
    body = create(client).json()
    key_client = bearer(body["key"])
    assert key_client.get("/v1/profile").status_code == 200
    response = client.delete(f"/v1/api-keys/{body['id']}")
    assert response.status_code == 204 and response.content == b""
    error_of(key_client.get("/v1/profile"), 401, "unauthorized")
    detail = client.get(f"/v1/api-keys/{body['id']}").json()
    assert detail["revoked_at"] is not None
    assert client.delete(f"/v1/api-keys/{body['id']}").status_code == 204  # idempotent
    assert AuditEvent.objects.filter(event="api_key.revoked", key_id=body["id"]).count() == 2


def test_rotate_without_grace_stops_the_old_key_at_once(frozen, client, bearer):
    old = create(client, scopes=["read:orders"], allowed_ips=["10.0.0.0/8"], mode="test").json()
    response = client.post(f"/v1/api-keys/{old['id']}/rotate", {}, format="json")
    assert response.status_code == 201, response.content
    new = response.json()
    assert set(new) == CREATE_FIELDS
    assert new["id"] != old["id"] and new["key"] != old["key"] and new["key"].startswith("ak_test_")
    assert (new["name"], new["mode"], new["scopes"], new["allowed_ips"]) == (
        old["name"], old["mode"], old["scopes"], old["allowed_ips"])
    error_of(bearer(old["key"]).get("/v1/profile", REMOTE_ADDR="10.0.0.1"), 401, "unauthorized")
    assert bearer(new["key"]).get("/v1/profile", REMOTE_ADDR="10.0.0.1").status_code == 200
    assert AuditEvent.objects.filter(event="api_key.rotated", key_id=new["id"]).exists()


def test_rotated_key_stops_working_after_grace_period(frozen, client, bearer):
    old = create(client).json()
    new = client.post(f"/v1/api-keys/{old['id']}/rotate", {"grace_period_seconds": 3600}, format="json").json()
    old_client, new_client = bearer(old["key"]), bearer(new["key"])
    assert old_client.get("/v1/profile").status_code == 200
    assert new_client.get("/v1/profile").status_code == 200
    frozen.move_to(NOW + timedelta(seconds=3599), tick=False)
    assert old_client.get("/v1/profile").status_code == 200
    frozen.move_to(NOW + timedelta(seconds=3600), tick=False)
    error_of(old_client.get("/v1/profile"), 401, "unauthorized")
    assert new_client.get("/v1/profile").status_code == 200
    assert ApiKey.objects.get(key_id=old["id"]).revoked_at == NOW + timedelta(seconds=3600)


def test_rotated_key_keeps_signing_during_grace(frozen, client):
    from tests.apikeys.test_hmac import send

    old = create(client).json()
    client.post(f"/v1/api-keys/{old['id']}/rotate", {"grace_period_seconds": 60}, format="json")
    assert send(client.__class__(), old["key"]).status_code == 200
    frozen.move_to(NOW + timedelta(seconds=60), tick=False)
    from tests.apikeys.conftest import NOW_TS

    error_of(send(client.__class__(), old["key"], ts=NOW_TS + 60), 401, "unauthorized")


def test_revoking_a_key_in_grace_stops_it_now(frozen, client, bearer):
    old = create(client).json()
    client.post(f"/v1/api-keys/{old['id']}/rotate", {"grace_period_seconds": 3600}, format="json")
    assert client.delete(f"/v1/api-keys/{old['id']}").status_code == 204
    error_of(bearer(old["key"]).get("/v1/profile"), 401, "unauthorized")


@pytest.mark.parametrize("grace", [-1, 604801, "soon", 1.5, True, None])
def test_rotate_refuses_a_bad_grace_period(client, grace):
    old = create(client).json()
    response = client.post(f"/v1/api-keys/{old['id']}/rotate", {"grace_period_seconds": grace}, format="json")
    assert "grace_period_seconds" in error_of(response, 400, "invalid_request")["fields"]
    assert ApiKey.objects.count() == 1


def test_rotate_accepts_the_maximum_grace_of_seven_days(frozen, client, bearer):
    old = create(client).json()
    response = client.post(f"/v1/api-keys/{old['id']}/rotate", {"grace_period_seconds": 604800}, format="json")
    assert response.status_code == 201
    frozen.move_to(NOW + timedelta(days=7, seconds=-1), tick=False)
    assert bearer(old["key"]).get("/v1/profile").status_code == 200


def test_a_key_is_rotated_once(client):
    old = create(client).json()
    assert client.post(f"/v1/api-keys/{old['id']}/rotate", {"grace_period_seconds": 60}, format="json").status_code == 201
    again = client.post(f"/v1/api-keys/{old['id']}/rotate", {}, format="json")
    error_of(again, 400, "invalid_request")
    assert ApiKey.objects.count() == 2


def test_revoked_and_expired_keys_cannot_be_rotated(client, owner, make_api_key):
    revoked, _ = make_api_key(owner, revoked_at=timezone.now())
    expired, _ = make_api_key(owner, expires_at=timezone.now() - timedelta(seconds=1))
    for key in (revoked, expired):
        error_of(client.post(f"/v1/api-keys/{key.key_id}/rotate", {}, format="json"), 400, "invalid_request")


def test_rotation_keeps_the_expiry(client):
    old = create(client, expires_at="2030-01-01T00:00:00Z").json()
    new = client.post(f"/v1/api-keys/{old['id']}/rotate", {}, format="json").json()
    assert new["expires_at"] == "2030-01-01T00:00:00Z"
