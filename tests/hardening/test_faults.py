"""Failure behaviour (README "Failure behaviour"): fail closed when the database is down, keep
working without Redis where the decision does not depend on it, recover without a restart.

A throw-away PostgreSQL cluster and Redis server are started by the test, stopped and started
again; the machine's shared services are never touched. Runs in CI's PostgreSQL + Redis pass.
"""
import json
import os

import pytest
import requests

from apikeys.client import HmacAuth
from tests import processes

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (os.environ.get("DATABASE_URL", "").startswith("postgres")),
                       reason="fault tests run in the PostgreSQL + Redis pass (DATABASE_URL=postgres://…)"),
    pytest.mark.skipif(processes.postgres_bin() is None, reason="PostgreSQL server binaries are not installed"),
]

PASSWORD = "fault-tolerant-password-1"


@pytest.fixture(scope="module")
def stack():
    postgres, redis = processes.ThrowawayPostgres(), processes.ThrowawayRedis()
    postgres.start()
    redis.start()
    env = processes.app_env(postgres.url, redis.url)
    processes.manage(env, "migrate", "--noinput")
    processes.manage(env, "create_user", "ops@example.com", "--organization", "Ops", "--scopes", "read:orders", "--password", PASSWORD)
    created = processes.manage(env, "create_api_key", "ops@example.com", "--name", "faults", "--scopes", "read:orders", "--json")
    api_key = json.loads(created.stdout)["key"]
    with processes.app_instances(env, count=1) as (app,):
        app.api_key = api_key
        yield postgres, redis, app
    redis.stop()
    postgres.destroy()


def login(app):
    return requests.post(f"{app.url}/auth/login", json={"username": "ops@example.com", "password": PASSWORD}, timeout=10)


def profile(app, token):
    return requests.get(f"{app.url}/v1/profile", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_database_down_fails_closed_with_503_and_recovers_without_restart(stack):
    postgres, _, app = stack
    token = login(app).json()["token"]
    assert profile(app, token).status_code == 200

    postgres.stop()
    try:
        for response in (profile(app, token), login(app)):
            assert response.status_code == 503
            assert response.json() == {"error": {"code": "service_unavailable", "message": "The service is temporarily unavailable. Please retry."}}
            assert "Traceback" not in response.text and "postgres" not in response.text.lower()
        health = requests.get(f"{app.url}/healthz", timeout=10)
        assert health.status_code == 503 and health.json()["checks"]["database"] == "unavailable"
    finally:
        postgres.start()

    processes.wait_for(lambda: profile(app, token).status_code == 200, timeout=30, what="recovery after the database came back")
    assert requests.get(f"{app.url}/healthz", timeout=10).status_code == 200


def test_redis_down_refuses_signed_requests_keeps_bearer_credentials_and_health_reports_it(stack):
    _, redis, app = stack
    token = login(app).json()["token"]

    signed = requests.get(f"{app.url}/v1/profile", auth=HmacAuth(app.api_key), timeout=10)
    assert signed.status_code == 200, signed.text

    redis.stop()
    try:
        response = profile(app, token)
        assert response.status_code == 200, response.text  # the decision does not depend on Redis
        assert profile(app, app.api_key).status_code == 200  # Bearer keys fall back to the database
        # No replay protection means no signed requests: HMAC fails closed.
        refused = requests.get(f"{app.url}/v1/profile", auth=HmacAuth(app.api_key), timeout=10)
        assert refused.status_code == 503, refused.text
        assert refused.json()["error"]["code"] == "service_unavailable"
        health = requests.get(f"{app.url}/healthz", timeout=10)
        assert health.status_code == 503 and health.json()["checks"]["cache"] == "unavailable"
    finally:
        redis.start()

    processes.wait_for(lambda: requests.get(f"{app.url}/healthz", timeout=5).status_code == 200, timeout=30, what="cache recovery")
    assert profile(app, token).status_code == 200
    assert requests.get(f"{app.url}/v1/profile", auth=HmacAuth(app.api_key), timeout=10).status_code == 200
