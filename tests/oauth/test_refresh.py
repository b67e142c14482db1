"""refresh_token: rotation, reuse detection revoking the family, the 30-day cap from the family's
first issue, access-token expiry, and the concurrent-refresh race (PostgreSQL)."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import requests
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from oauth.models import TokenFamily
from tests.oauth.conftest import TOKEN_URL, post_form

pytestmark = pytest.mark.django_db


def refresh(application, secret, refresh_token, **extra):
    return post_form(TOKEN_URL, {"grant_type": "refresh_token", "refresh_token": refresh_token,
                                 "client_id": application.client_id, "client_secret": secret, **extra})


def profile(access_token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return client.get("/v1/profile")


@pytest.mark.django_db(transaction=True)
def test_seed_refresh_curl_example_as_written(live_server, user, code_app, token_pair):
    application, secret = code_app
    tokens = token_pair(user, code_app)
    # curl -X POST https://api.procure-core.com/oauth/token -H "Content-Type: application/x-www-form-urlencoded" \
    #   -d "grant_type=refresh_token" -d "refresh_token=YOUR_REFRESH_TOKEN" -d "client_id=..." -d "client_secret=..."
    response = requests.post(f"{live_server.url}/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
        "client_id": application.client_id, "client_secret": secret}, timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["refresh_token"].startswith("pco_rt_") and body["refresh_token"] != tokens["refresh_token"]
    assert body["access_token"] != tokens["access_token"] and body["scope"] == "read:orders"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.django_db(transaction=True)
def test_authlib_refreshes_with_client_secret_post(live_server, user, code_app, token_pair, monkeypatch, closing):
    from authlib.integrations.requests_client import OAuth2Session

    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    application, secret = code_app
    tokens = token_pair(user, code_app)
    client = closing(OAuth2Session(application.client_id, secret, token=tokens, token_endpoint_auth_method="client_secret_post"))
    fresh = client.refresh_token(f"{live_server.url}/oauth/token")
    assert fresh["access_token"] != tokens["access_token"]
    assert client.get(f"{live_server.url}/v1/profile", timeout=10).json()["auth"]["method"] == "oauth"


def test_rotation_kills_the_previous_access_token(user, code_app, token_pair):
    application, secret = code_app
    first = token_pair(user, code_app)
    second = refresh(application, secret, first["refresh_token"]).json()
    assert profile(first["access_token"]).status_code == 401
    assert profile(second["access_token"]).status_code == 200


def test_replayed_refresh_token_revokes_the_whole_family(user, code_app, token_pair):
    application, secret = code_app
    first = token_pair(user, code_app)
    second = refresh(application, secret, first["refresh_token"]).json()
    third = refresh(application, secret, second["refresh_token"]).json()

    replay = refresh(application, secret, first["refresh_token"])

    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"
    assert profile(third["access_token"]).status_code == 401  # the newest access token too
    assert refresh(application, secret, third["refresh_token"]).json()["error"] == "invalid_grant"
    assert TokenFamily.objects.get().revoked_reason == "refresh_reuse"


def test_reuse_in_one_family_leaves_other_families_alone(user, code_app, token_pair):
    application, secret = code_app
    laptop = token_pair(user, code_app)
    phone = token_pair(user, code_app)
    refresh(application, secret, laptop["refresh_token"])
    refresh(application, secret, laptop["refresh_token"])  # replay: the laptop family dies
    assert profile(phone["access_token"]).status_code == 200
    assert refresh(application, secret, phone["refresh_token"]).status_code == 200


def test_refresh_token_is_bound_to_its_client(user, code_app, token_pair, make_application, oauth_owner):
    tokens = token_pair(user, code_app)
    other, other_secret = make_application(oauth_owner, allowed_scopes=["read:orders"])
    assert refresh(other, other_secret, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_refresh_may_narrow_but_not_widen_scope(user, code_app, token_pair):
    application, secret = code_app
    tokens = token_pair(user, code_app, scope="read:orders write:orders")
    widened = refresh(application, secret, tokens["refresh_token"], scope="read:orders read:suppliers")
    assert widened.status_code == 400 and widened.json()["error"] == "invalid_scope"
    narrowed = refresh(application, secret, tokens["refresh_token"], scope="read:orders")
    assert narrowed.status_code == 200 and narrowed.json()["scope"] == "read:orders"


def test_unknown_or_missing_refresh_token(code_app):
    application, secret = code_app
    assert refresh(application, secret, "pco_rt_" + "x" * 43).json()["error"] == "invalid_grant"
    missing = post_form(TOKEN_URL, {"grant_type": "refresh_token", "client_id": application.client_id, "client_secret": secret})
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"


def test_expired_access_token_is_token_expired_on_the_api(user, code_app, token_pair, time_machine):
    tokens = token_pair(user, code_app)
    time_machine.move_to(timezone.now() + timedelta(seconds=3601))
    response = profile(tokens["access_token"])
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_refresh_family_ends_30_days_after_first_issue_however_often_it_rotates(user, code_app, token_pair, time_machine):
    application, secret = code_app
    start = timezone.now()
    time_machine.move_to(start)
    tokens = token_pair(user, code_app)
    for day in (10, 20, 29):
        time_machine.move_to(start + timedelta(days=day))
        response = refresh(application, secret, tokens["refresh_token"])
        assert response.status_code == 200, (day, response.content)
        tokens = response.json()
    time_machine.move_to(start + timedelta(days=30, seconds=1))  # the last token is one day old
    expired = refresh(application, secret, tokens["refresh_token"])
    assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant"


def test_idle_refresh_token_expires_after_30_days(user, code_app, token_pair, time_machine):
    application, secret = code_app
    tokens = token_pair(user, code_app)
    time_machine.move_to(timezone.now() + timedelta(days=31))
    assert refresh(application, secret, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_deactivated_user_cannot_refresh(user, code_app, token_pair):
    application, secret = code_app
    tokens = token_pair(user, code_app)
    user.is_active = False
    user.save()
    assert refresh(application, secret, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    assert profile(tokens["access_token"]).status_code == 401


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_one_token_exactly_one_wins(user, code_app, token_pair):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) need PostgreSQL; CI's second pass sets DATABASE_URL to it")
    application, secret = code_app
    tokens = token_pair(user, code_app)
    barrier = threading.Barrier(2)
    results: list = []

    def attempt():
        try:
            barrier.wait(timeout=10)
            response = refresh(application, secret, tokens["refresh_token"])
            results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(status for status, _body in results)
    assert statuses == [200, 400], results
    winner = next(body for status, body in results if status == 200)
    loser = next(body for status, body in results if status == 400)
    assert winner["access_token"].startswith("pco_at_") and loser["error"] == "invalid_grant"
    # The loser presented a token that had just been used: reuse, so the family is revoked.
    assert profile(winner["access_token"]).status_code == 401
    assert refresh(application, secret, winner["refresh_token"]).json()["error"] == "invalid_grant"
