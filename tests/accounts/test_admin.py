"""Django admin for users: scopes from the registry with a multi-select; deactivation kills credentials."""
import pytest
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_user_change_form_offers_every_registry_scope_as_a_checkbox(admin_client, user):
    page = admin_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    for scope in ("read:purchase-requests", "write:contracts", "read:reports", "admin"):
        assert f'type="checkbox" name="scopes" value="{scope}"' in page


def test_admin_edits_scopes_and_the_change_applies_to_live_tokens(admin_client, user, login):
    token = login(user)["token"]
    page = admin_client.get(f"/admin/accounts/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password", "groups", "user_permissions", "last_login", "date_joined")}
    data.update({"scopes": ["read:reports", "read:orders"], "organization": user.organization_id, "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"})
    response = admin_client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]

    user.refresh_from_db()
    assert user.scopes == ["read:orders", "read:reports"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/v1/profile").json()["auth"]["scopes"] == ["read:orders", "read:reports"]


def test_deactivate_action_stops_every_credential(admin_client, user, login):
    tokens = login(user)
    response = admin_client.post("/admin/accounts/user/", {"action": "deactivate_users", "_selected_action": [user.pk]})
    assert response.status_code == 302
    assert not User.objects.get(pk=user.pk).is_active
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['token']}")
    assert api.get("/v1/profile").status_code == 401
    assert APIClient().post("/auth/refresh", {"refresh": tokens["refresh"]}, format="json").status_code == 401


def test_unknown_scope_cannot_be_saved():
    from django.core.exceptions import ValidationError

    user = User(email="v@example.com", scopes=["read:everything"])
    with pytest.raises(ValidationError):
        user.full_clean(exclude=["password", "organization"])
