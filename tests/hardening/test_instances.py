"""Two gunicorn instances on one PostgreSQL and one Redis behave as one service."""
import pytest
import requests

from tests import processes

pytestmark = pytest.mark.slow

PASSWORD = "two-instances-password-1"


@pytest.fixture(scope="module")
def pair(instance_env):
    processes.manage(instance_env, "create_user", "twin@example.com", "--organization", "Twins", "--scopes", "read:orders", "--password", PASSWORD)
    with processes.app_instances(instance_env, count=2) as instances:
        yield instances


def login(app):
    response = requests.post(f"{app.url}/auth/login", json={"username": "twin@example.com", "password": PASSWORD}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_refresh_token_used_on_one_instance_is_dead_on_the_other(pair):
    first, second = pair
    tokens = login(first)
    assert requests.post(f"{first.url}/auth/refresh", json={"refresh": tokens["refresh"]}, timeout=10).status_code == 200
    replay = requests.post(f"{second.url}/auth/refresh", json={"refresh": tokens["refresh"]}, timeout=10)
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "unauthorized"


def test_the_rate_limit_is_shared(pair):
    first, second = pair
    headers = {"Authorization": f"Bearer {login(first)['token']}"}
    statuses = [requests.get(f"{app.url}/v1/profile", headers=headers, timeout=10).status_code for app in (first, second) * 4]
    assert statuses[:6] == [200] * 6  # RATE_LIMIT_CREDENTIAL=6/day across both instances
    assert statuses[6:] == [429, 429]


def test_deactivation_on_one_instance_holds_on_the_other_at_once(pair, instance_env):
    first, second = pair
    headers = {"Authorization": f"Bearer {login(first)['token']}"}
    assert requests.get(f"{second.url}/v1/profile", headers=headers, timeout=10).status_code in (200, 429)
    processes.manage(instance_env, "shell", "-c",
                     "from accounts.models import User; u = User.objects.get(email='twin@example.com'); u.is_active = False; u.save()")
    refused = requests.get(f"{second.url}/v1/profile", headers=headers, timeout=10)
    assert refused.status_code == 401
