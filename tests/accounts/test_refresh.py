"""POST /auth/refresh and /auth/logout: rotation, reuse detection, family revocation, expiry."""
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import RefreshSession

pytestmark = pytest.mark.django_db


def refresh(api_client, token):
    return api_client.post("/auth/refresh", {"refresh": token}, format="json")


def test_refresh_rotates_and_the_used_token_is_dead(api_client, user, login):
    first = login(user)

    rotated = refresh(api_client, first["refresh"])
    assert rotated.status_code == 200
    body = rotated.json()
    assert set(body) == {"token", "refresh", "token_type", "expires_in"}
    assert body["refresh"] != first["refresh"]
    assert rotated["Cache-Control"] == "no-store"

    replay = refresh(api_client, first["refresh"])
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "unauthorized"


def test_reusing_a_rotated_token_revokes_the_whole_family(api_client, user, login):
    first = login(user)
    second = refresh(api_client, first["refresh"]).json()

    assert refresh(api_client, first["refresh"]).status_code == 401  # reuse: family revoked

    newest = refresh(api_client, second["refresh"])
    assert newest.status_code == 401
    assert RefreshSession.objects.get(user=user).revoked_reason == "reuse"


def test_other_sessions_survive_a_family_revocation(api_client, user, login):
    laptop, phone = login(user), login(user)
    refresh(api_client, laptop["refresh"])
    refresh(api_client, laptop["refresh"])  # reuse kills the laptop family only
    assert refresh(api_client, phone["refresh"]).status_code == 200


def test_logout_kills_the_refresh_token_and_its_family(api_client, user, login):
    first = login(user)
    second = refresh(api_client, first["refresh"]).json()

    response = api_client.post("/auth/logout", {"refresh": second["refresh"]}, format="json")
    assert response.status_code == 204
    assert response.content == b""

    assert refresh(api_client, second["refresh"]).status_code == 401
    assert RefreshSession.objects.get(user=user).revoked_reason == "logout"


def test_logout_with_garbage_is_unauthorized(api_client):
    response = api_client.post("/auth/logout", {"refresh": "not-a-token"}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_expired_refresh_token_says_token_expired(api_client, user, login, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    first = login(user)
    time_machine.shift(timedelta(days=30, seconds=1))

    response = refresh(api_client, first["refresh"])
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


def test_family_lifetime_is_capped_at_thirty_days_from_login(api_client, user, login, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    tokens = login(user)
    for _ in range(3):
        time_machine.shift(timedelta(days=9))
        tokens = refresh(api_client, tokens["refresh"]).json()
    time_machine.shift(timedelta(days=3, seconds=1))  # 30 days and a second after login

    response = refresh(api_client, tokens["refresh"])
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


def test_access_token_cannot_be_used_as_refresh_token(api_client, user, login):
    tokens = login(user)
    response = refresh(api_client, tokens["token"])
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_refresh_token_is_not_an_access_token(api_client, user, login):
    tokens = login(user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['refresh']}")
    response = api_client.get("/v1/profile")
    assert response.status_code == 401


def test_deactivated_user_cannot_refresh(api_client, user, login):
    tokens = login(user)
    user.is_active = False
    user.save()
    assert refresh(api_client, tokens["refresh"]).status_code == 401


def test_refresh_requires_the_field(api_client):
    response = api_client.post("/auth/refresh", {}, format="json")
    assert response.status_code == 400
    assert "refresh" in response.json()["error"]["fields"]


def test_admin_can_end_all_sessions(api_client, user, login):
    from accounts import services

    tokens = login(user)
    assert services.revoke_user_sessions(user) == 1
    assert refresh(api_client, tokens["refresh"]).status_code == 401
    assert RefreshSession.objects.usable().count() == 0
    assert RefreshSession.objects.get().revoked_at <= timezone.now()
