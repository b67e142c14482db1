"""Rate limits and login brute-force protection (issue: Hardening)."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from procure_core import ratelimit

pytestmark = pytest.mark.django_db


@pytest.fixture
def start_of_an_hour(time_machine):
    """Fixed windows (1 and 15 minutes): keep a test's requests inside one window, whatever the
    wall clock says."""
    time_machine.move_to(timezone.now().replace(minute=0, second=0, microsecond=0), tick=False)


def login(client, email, password, ip="198.51.100.10"):
    return client.post("/auth/login", {"username": email, "password": password}, format="json", REMOTE_ADDR=ip)


def test_rate_parsing():
    assert ratelimit.Rate.parse("5/15min") == ratelimit.Rate(5, 900)
    assert ratelimit.Rate.parse("100/min") == ratelimit.Rate(100, 60)
    assert ratelimit.Rate.parse("10/s") == ratelimit.Rate(10, 1)
    with pytest.raises(ValueError):
        ratelimit.Rate.parse("lots")


def test_failed_logins_lock_the_account_from_that_address_with_retry_after(user, time_machine, start_of_an_hour):
    client = APIClient()
    for _ in range(5):
        assert login(client, user.email, "wrong").status_code == 401

    locked = login(client, user.email, "correct horse battery staple")
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "rate_limited"
    assert 0 < int(locked["Retry-After"]) <= 900

    # The real user on another address is not locked out by someone else's guesses.
    assert login(client, user.email, "correct horse battery staple", ip="203.0.113.77").status_code == 200

    # Every window ends: nobody is locked out for ever.
    time_machine.shift(timedelta(minutes=15))
    assert login(client, user.email, "correct horse battery staple").status_code == 200


def test_lockout_does_not_reveal_whether_the_account_exists(user, start_of_an_hour):
    client = APIClient()
    answers = []
    for email in (user.email, "nobody@example.com"):
        for _ in range(5):
            login(client, email, "wrong")
        answers.append(login(client, email, "wrong"))
    assert [a.status_code for a in answers] == [429, 429]
    assert answers[0].json() == answers[1].json()


def test_one_address_spraying_many_accounts_is_limited(settings, make_user, start_of_an_hour):
    settings.PROCURE_RATE_LIMITS = {**settings.PROCURE_RATE_LIMITS, "login_address": "10/15min"}
    client = APIClient()
    for number in range(10):
        assert login(client, f"victim{number}@example.com", "guess").status_code == 401
    assert login(client, "victim99@example.com", "guess").status_code == 429


def test_web_login_is_throttled_too(client, user, start_of_an_hour):
    for _ in range(5):
        response = client.post("/accounts/login", {"username": user.email, "password": "wrong"}, REMOTE_ADDR="198.51.100.20")
        assert response.status_code == 200
    response = client.post("/accounts/login", {"username": user.email, "password": "correct horse battery staple"}, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_per_credential_limit_answers_429_with_retry_after(settings, user, login, start_of_an_hour):
    settings.PROCURE_RATE_LIMITS = {**settings.PROCURE_RATE_LIMITS, "credential": "3/min"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {login(user)['token']}")
    statuses = [client.get("/v1/profile").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/v1/profile")
    assert refused.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 60


def test_per_address_limit_covers_anonymous_requests(settings, start_of_an_hour):
    settings.PROCURE_RATE_LIMITS = {**settings.PROCURE_RATE_LIMITS, "address": "2/min"}
    client = APIClient()
    statuses = [client.post("/auth/refresh", {"refresh": "x"}, format="json", REMOTE_ADDR="192.0.2.1").status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
    # Another address has its own budget.
    assert client.post("/auth/refresh", {"refresh": "x"}, format="json", REMOTE_ADDR="192.0.2.2").status_code == 401


def test_test_mode_keys_have_their_own_lower_limit(settings, user, make_api_key, start_of_an_hour):
    settings.PROCURE_RATE_LIMITS = {**settings.PROCURE_RATE_LIMITS, "credential": "100/min", "test_credential": "2/min"}
    _, test_key = make_api_key(user, scopes=["read:orders"], mode="test")
    _, live_key = make_api_key(user, scopes=["read:orders"], mode="live")
    client = APIClient()
    test_statuses = [client.get("/v1/profile", HTTP_AUTHORIZATION=f"Bearer {test_key}").status_code for _ in range(3)]
    live_statuses = [client.get("/v1/profile", HTTP_AUTHORIZATION=f"Bearer {live_key}").status_code for _ in range(3)]
    assert test_statuses == [200, 200, 429]
    assert live_statuses == [200, 200, 200]  # and each key has its own budget
