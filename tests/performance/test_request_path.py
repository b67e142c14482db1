"""What keeps an authenticated request cheap, guarded without timing anything (issue #7):
a constant, small number of queries whatever the credential, no write on the request path but the
throttled `last_used_at`, and the two rate-limit budgets counted in one cache round trip.

Cache invalidation reaching the next request (and, with Redis, another process) is guarded where
each mechanism lives: tests/apikeys/test_bearer.py and test_instances.py (revoke, rotate),
tests/oauth/test_authentication.py (revoke, deactivate, scope change), tests/hardening/test_instances.py
(deactivation and the shared rate limit across two gunicorn instances).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from procure_core import cache as shared_cache
from procure_core import ratelimit
from tests.conftest import CREDENTIAL_KINDS

# The view's own two (the page's COUNT and its rows); a session also reads its session row and
# its user (Django's middleware); the other kinds read nothing for authentication once warm.
QUERIES = {"jwt": 2, "api_key": 2, "hmac": 2, "oauth": 2, "session": 4}
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def suppliers(make_supplier):
    return [make_supplier(name=f"Supplier {number:02}") for number in range(25)]


def _writes(queries) -> list[str]:
    return [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(WRITES)]


@pytest.mark.parametrize("kind", CREDENTIAL_KINDS)
def test_an_authenticated_list_costs_a_constant_number_of_queries(kind, credential_client, suppliers,
                                                                  django_assert_max_num_queries):
    client = credential_client(kind, ["read:suppliers"])
    assert client.get("/v1/suppliers").status_code == 200  # warm: the shared cache holds the state
    for page_size in (1, 20, 100):
        with django_assert_max_num_queries(QUERIES[kind]):
            response = client.get("/v1/suppliers", {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(page_size, 25)


@pytest.mark.parametrize("kind", CREDENTIAL_KINDS)
def test_a_second_request_within_a_minute_writes_nothing(kind, credential_client, suppliers):
    client = credential_client(kind, ["read:suppliers"])
    assert client.get("/v1/suppliers").status_code == 200  # may stamp last_used_at (API keys)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/v1/suppliers").status_code == 200
    assert _writes(queries.captured_queries) == []


@pytest.mark.parametrize("kind", ["api_key", "hmac"])
def test_last_used_at_is_the_only_write_and_still_happens(kind, credential_client, suppliers, time_machine, settings):
    start = timezone.now().replace(microsecond=0)
    time_machine.move_to(start, tick=False)
    client = credential_client(kind, ["read:suppliers"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/v1/suppliers").status_code == 200
    writes = _writes(queries.captured_queries)
    assert len(writes) == 1 and writes[0].startswith('UPDATE "apikeys_apikey" SET "last_used_at"')
    key = client.api_key_record if kind == "api_key" else None
    if key is not None:
        key.refresh_from_db()
        assert key.last_used_at == start

    time_machine.move_to(start + timedelta(seconds=61), tick=False)
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        # Redis expires the once-a-minute marker on its own clock, which time-machine cannot move.
        from django.core.cache import cache
        from apikeys import keys

        cache.delete(f"api-key-used:v1:{key.key_id if key else keys.key_id_of(client.api_key)}")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/v1/suppliers").status_code == 200
    assert len(_writes(queries.captured_queries)) == 1


@pytest.mark.parametrize("kind", CREDENTIAL_KINDS)
def test_both_rate_limit_budgets_cost_one_cache_round_trip(kind, credential_client, suppliers, monkeypatch):
    client = credential_client(kind, ["read:suppliers"])
    assert client.get("/v1/suppliers").status_code == 200
    trips = []
    counted = ratelimit._increment_many
    monkeypatch.setattr(ratelimit, "_increment_many", lambda keys: trips.append([k for k, _ in keys]) or counted(keys))
    assert client.get("/v1/suppliers").status_code == 200
    assert len(trips) == 1
    assert [key.split(":")[1] for key in trips[0]] == ["addr", "cred"]


@pytest.mark.parametrize("kind, reads", [("api_key", ["get_many"]), ("hmac", ["get_many"]), ("oauth", ["get_many"]),
                                         ("jwt", ["get"])])
def test_credential_and_user_state_come_in_one_cache_read(kind, reads, credential_client, suppliers, monkeypatch):
    """Once a process has seen a key or token, the credential's entry and its user's state are
    read together (one MGET with Redis), never one after the other."""
    client = credential_client(kind, ["read:suppliers"])
    assert client.get("/v1/suppliers").status_code == 200
    calls = []
    for name in ("get", "get_many"):
        read = getattr(shared_cache, name)
        monkeypatch.setattr(shared_cache, name, lambda key, _read=read, _name=name: calls.append(_name) or _read(key))
    assert client.get("/v1/suppliers").status_code == 200
    assert calls == reads


@pytest.mark.parametrize("kind", ["api_key", "hmac", "oauth"])
def test_reading_together_still_sees_a_deactivation_on_the_next_request(kind, credential_client, suppliers):
    client = credential_client(kind, ["read:suppliers"])
    assert [client.get("/v1/suppliers").status_code for _ in range(2)] == [200, 200]
    from accounts.models import User

    user = User.objects.latest("pk")  # the credential's owner, made just now by credential_client
    user.is_active = False
    user.save()
    assert client.get("/v1/suppliers").status_code == 401


def test_an_unauthenticated_request_counts_only_its_address(api_client, db, monkeypatch):
    trips = []
    counted = ratelimit._increment_many
    monkeypatch.setattr(ratelimit, "_increment_many", lambda keys: trips.append([k for k, _ in keys]) or counted(keys))
    assert api_client.post("/auth/refresh", {"refresh": "x"}, format="json").status_code == 401
    assert [[key.split(":")[1] for key in trip] for trip in trips] == [["addr"]]


def test_the_redis_backend_reuses_one_client_per_pool():
    """Django's backend builds a redis.Redis per cache call (~70 µs each); ours keeps one per pool.
    Building a client opens no connection, so this runs without a Redis server."""
    from procure_core.cache_backend import RedisCache

    backend = RedisCache("redis://127.0.0.1:1/0", {})._cache
    first = backend.get_client("a", write=True)
    assert backend.get_client("b", write=True) is first
    assert backend.get_client("c") is first  # one server: reads use the same pool
