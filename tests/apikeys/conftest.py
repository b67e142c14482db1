"""Fixtures for the apikeys tests: an owner with scopes, Bearer clients, a frozen clock, helpers."""
from datetime import datetime, timezone

import pytest
from rest_framework.test import APIClient

NOW = datetime(2026, 11, 29, 12, 0, 0, tzinfo=timezone.utc)
NOW_TS = int(NOW.timestamp())
OWNER_SCOPES = ["read:orders", "write:orders", "read:suppliers"]


@pytest.fixture
def owner(make_user):
    return make_user(email="integrator@example.com", scopes=OWNER_SCOPES)


@pytest.fixture
def bearer():
    def make(raw: str, **defaults) -> APIClient:
        client = APIClient(**defaults)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make


@pytest.fixture
def frozen(time_machine):
    """The clock stands still at NOW until the test moves it."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if status == 401:
        assert response["WWW-Authenticate"] == 'Bearer realm="procure-core", error="invalid_token"'
    return body["error"]
