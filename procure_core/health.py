"""GET /healthz: 200 when the database and the cache answer, 503 otherwise. No auth, no secrets."""
from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger("procure_core.health")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "not answering"
        logger.warning("health check: database is not answering")
        return False


def _cache_ok() -> bool:
    probe = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(probe, "1", 5)
        ok = cache.get(probe) == "1"
        cache.delete(probe)
        return ok
    except Exception:  # connection refused, timeout, ...
        logger.warning("health check: cache is not answering")
        return False


def healthz(request):
    checks = {"database": "ok" if _database_ok() else "unavailable", "cache": "ok" if _cache_ok() else "unavailable"}
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse({"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
