"""Django admin: filters, search, create shows the key once, rotate and revoke actions."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apikeys import keys
from apikeys.models import ApiKey
from audit.models import AuditEvent
from tests.apikeys.conftest import error_of

KEY_IN_PAGE = re.compile(keys.KEY_PATTERN)


def test_creating_a_key_shows_the_plaintext_once(admin_client, owner, bearer):
    page = admin_client.get("/admin/apikeys/apikey/add/")
    assert page.status_code == 200
    assert 'name="scopes" value="read:orders"' in page.content.decode()
    response = admin_client.post("/admin/apikeys/apikey/add/", {
        "owner": owner.pk, "name": "ERP sync", "mode": "test", "scopes": ["read:orders"],
        "allowed_ips": "10.0.0.0/8\n192.168.1.100", "expires_at": "",
    })
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    shown = KEY_IN_PAGE.findall(response.content.decode())
    assert len(shown) == 1 and shown[0].startswith("ak_test_")
    key = ApiKey.objects.get()
    assert (key.owner, key.name, key.mode, key.scopes, key.allowed_ips) == (
        owner, "ERP sync", "test", ["read:orders"], ["10.0.0.0/8", "192.168.1.100"])
    assert bearer(shown[0]).get("/v1/profile", REMOTE_ADDR="10.0.0.1").json()["auth"]["key_id"] == key.key_id
    assert AuditEvent.objects.filter(event="api_key.created", key_id=key.key_id, method="admin").exists()

    # Never again: not in the list, the change page, or a search for it.
    for url in ("/admin/apikeys/apikey/", f"/admin/apikeys/apikey/{key.pk}/change/",
                f"/admin/apikeys/apikey/?q={key.key_id}"):
        content = admin_client.get(url).content.decode()
        assert shown[0] not in content and not KEY_IN_PAGE.search(content)
        assert key.key_id in content


@pytest.mark.parametrize("form, field, words", [
    ({"scopes": ["admin"]}, "scopes", "admin"),
    ({"allowed_ips": "10.0.0.300"}, "allowed_ips", "10.0.0.300"),
    ({"name": ""}, "name", "required"),
])
def test_admin_create_refuses_bad_input_naming_it(admin_client, owner, form, field, words):
    data = {"owner": owner.pk, "name": "x", "mode": "live", "allowed_ips": "", **form}
    response = admin_client.post("/admin/apikeys/apikey/add/", data)
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert not KEY_IN_PAGE.search(response.content.decode())
    assert not ApiKey.objects.exists()


def test_list_filters_and_search(admin_client, owner, make_user, make_api_key, make_organization):
    other = make_user(email="someone@globex.com", organization=make_organization("Globex"), scopes=["read:orders"])
    live, _ = make_api_key(owner, name="live one")
    test, _ = make_api_key(owner, name="test one", mode="test")
    revoked, _ = make_api_key(other, name="revoked one", revoked_at=timezone.now())
    expired, _ = make_api_key(other, name="expired one", expires_at=timezone.now() - timedelta(seconds=1))

    def listed(query):
        response = admin_client.get("/admin/apikeys/apikey/" + query)
        assert response.status_code == 200
        return {k.key_id for k in response.context["cl"].result_list}

    assert listed("") == {live.key_id, test.key_id, revoked.key_id, expired.key_id}
    assert listed("?mode__exact=test") == {test.key_id}
    assert listed("?revoked=yes") == {revoked.key_id}
    assert listed("?revoked=no") == {live.key_id, test.key_id, expired.key_id}
    assert listed("?expired=yes") == {expired.key_id}
    assert listed("?expired=no") == {live.key_id, test.key_id, revoked.key_id}
    assert listed(f"?owner__id__exact={other.pk}") == {revoked.key_id, expired.key_id}
    assert listed(f"?owner__organization__id__exact={owner.organization_id}") == {live.key_id, test.key_id}
    assert listed(f"?q={test.key_id}") == {test.key_id}
    assert listed("?q=expired") == {expired.key_id}


def test_revoke_action(admin_client, owner, make_api_key, bearer):
    key, raw = make_api_key(owner)
    assert bearer(raw).get("/v1/profile").status_code == 200
    response = admin_client.post("/admin/apikeys/apikey/", {"action": "revoke_keys", "_selected_action": [key.pk]})
    assert response.status_code == 302
    error_of(bearer(raw).get("/v1/profile"), 401, "unauthorized")
    assert AuditEvent.objects.filter(event="api_key.revoked", key_id=key.key_id, method="admin").exists()


@pytest.mark.parametrize("action, old_status", [("rotate_keys", 401), ("rotate_keys_with_grace", 200)])
def test_rotate_actions_show_the_new_keys_once(admin_client, owner, make_api_key, bearer, action, old_status):
    key, raw = make_api_key(owner, scopes=["read:orders"])
    response = admin_client.post("/admin/apikeys/apikey/", {"action": action, "_selected_action": [key.pk]})
    assert response.status_code == 200
    shown = KEY_IN_PAGE.findall(response.content.decode())
    assert len(shown) == 1 and shown[0] != raw
    assert bearer(shown[0]).get("/v1/profile").status_code == 200
    assert bearer(raw).get("/v1/profile").status_code == old_status
    new = ApiKey.objects.get(rotated_from=key)
    assert new.scopes == ["read:orders"]


def test_change_form_narrows_scopes_and_refuses_widening(admin_client, owner, make_api_key, bearer):
    key, raw = make_api_key(owner, scopes=["read:orders", "write:orders"])
    url = f"/admin/apikeys/apikey/{key.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert key.verifier not in page and "sealed_secret" not in page
    base = {"name": key.name, "allowed_ips": "", "expires_at_0": "", "expires_at_1": ""}
    refused = admin_client.post(url, {**base, "scopes": ["admin"]})
    assert refused.status_code == 200 and "admin" in " ".join(refused.context["adminform"].form.errors["scopes"])
    assert bearer(raw).get("/v1/profile").json()["auth"]["scopes"] == ["read:orders", "write:orders"]
    assert admin_client.post(url, {**base, "scopes": ["read:orders"]}).status_code == 302
    assert bearer(raw).get("/v1/profile").json()["auth"]["scopes"] == ["read:orders"]


def test_keys_cannot_be_deleted_only_revoked(admin_client, owner, make_api_key):
    key, _ = make_api_key(owner)
    assert admin_client.get(f"/admin/apikeys/apikey/{key.pk}/delete/").status_code == 403
