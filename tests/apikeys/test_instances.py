"""Two gunicorn processes on one PostgreSQL and one Redis: a revocation, a rotation and a used
nonce on one instance are honoured by the other on the next request (CI's second pass)."""
import json
import os
import uuid

import pytest
import requests

from apikeys.client import HmacAuth
from tests import processes

pytestmark = pytest.mark.slow

PASSWORD = "api-key-instances-password-1"
EMAIL = "twin-keys@example.com"


@pytest.fixture(scope="module")
def services_env():
    """A throw-away database on the PostgreSQL server of DATABASE_URL (migrated by manage.py, so
    the gunicorn processes see committed rows, not a test transaction) and a private key prefix on
    the Redis of REDIS_URL."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        pytest.skip("the two-process API key test needs DATABASE_URL (PostgreSQL) and REDIS_URL: CI's second pass sets both")
    import psycopg

    name = f"test_apikeys_instances_{uuid.uuid4().hex[:10]}"
    server_url = database_url.rsplit("/", 1)[0] + "/postgres"
    connect = server_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(connect, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    env = processes.app_env(database_url.rsplit("/", 1)[0] + f"/{name}", redis_url, CACHE_KEY_PREFIX=name)
    try:
        processes.manage(env, "migrate", "--noinput")
        processes.manage(env, "create_user", EMAIL, "--organization", "Twin Keys", "--scopes", "read:orders",
                         "--password", PASSWORD)
        yield env
    finally:
        with psycopg.connect(connect, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def pair(services_env):
    with processes.app_instances(services_env, count=2) as instances:
        yield instances


def new_key(env, mode="live") -> dict:
    result = processes.manage(env, "create_api_key", EMAIL, "--name", f"twin {uuid.uuid4().hex[:6]}", "--mode", mode, "--json")
    return json.loads(result.stdout)


def jwt_headers(app) -> dict:
    response = requests.post(f"{app.url}/auth/login", json={"username": EMAIL, "password": PASSWORD}, timeout=10)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def profile(app, key: str) -> requests.Response:
    return requests.get(f"{app.url}/v1/profile", headers={"Authorization": f"Bearer {key}"}, timeout=10)


def test_a_revocation_on_one_instance_holds_on_the_other(pair, services_env):
    first, second = pair
    key = new_key(services_env)
    # Both instances have verified (and cached) the key.
    assert profile(first, key["key"]).status_code == 200
    assert profile(second, key["key"]).json()["auth"]["key_id"] == key["key_id"]
    assert requests.delete(f"{first.url}/v1/api-keys/{key['id']}", headers=jwt_headers(first), timeout=10).status_code == 204
    refused = profile(second, key["key"])
    assert refused.status_code == 401, refused.text
    assert refused.json()["error"]["code"] == "unauthorized"
    assert profile(first, key["key"]).status_code == 401


def test_a_rotation_on_one_instance_holds_on_the_other(pair, services_env):
    first, second = pair
    old = new_key(services_env, mode="test")
    assert profile(second, old["key"]).json()["auth"]["livemode"] is False
    rotated = requests.post(f"{first.url}/v1/api-keys/{old['id']}/rotate", json={"grace_period_seconds": 0},
                            headers=jwt_headers(first), timeout=10)
    assert rotated.status_code == 201, rotated.text
    assert profile(second, old["key"]).status_code == 401
    assert profile(second, rotated.json()["key"]).status_code == 200


def test_a_nonce_used_on_one_instance_is_refused_on_the_other(pair, services_env):
    first, second = pair
    key = new_key(services_env)
    auth = HmacAuth(key["key"])
    signed = requests.Session().prepare_request(
        requests.Request("GET", f"{first.url}/v1/profile", params={"q": "a b", "z": "é"}, auth=auth))
    accepted = requests.Session().send(signed, timeout=10)
    assert accepted.status_code == 200, accepted.text
    replay = requests.get(f"{second.url}/v1/profile", params={"q": "a b", "z": "é"},
                          headers={"Authorization": signed.headers["Authorization"]}, timeout=10)
    assert replay.status_code == 401, replay.text
    assert replay.json()["error"]["code"] == "invalid_signature"
    assert "nonce" in replay.json()["error"]["message"]
    # A fresh signature works on the other instance (the path as gunicorn passes it verifies).
    assert requests.get(f"{second.url}/v1/profile", params={"q": "a b"}, auth=auth, timeout=10).status_code == 200
