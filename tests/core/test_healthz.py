"""GET /healthz: 200 when the database and cache answer, 503 otherwise; no auth, no secrets."""
import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_healthy(settings):
    response = APIClient().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_cache_down_is_503(settings):
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    caches._settings = caches.settings = settings.CACHES  # rebuild the handler for this test
    try:
        del caches._connections.default
    except AttributeError:
        pass
    response = APIClient().get("/healthz/")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "unavailable"
    assert "redis://" not in response.content.decode()
